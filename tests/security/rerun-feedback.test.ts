import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageLabel } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial, submitAnswer, type TrialSpec } from "@/lib/sessions/trials";
import { recordDevice } from "@/lib/sessions/view";
import { TEST_DEVICE, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * A flagged timed trial is re-run next with the same label. If its answer still got feedback, an
 * annotator could blur the window on purpose, read "Incorrect", and know the re-run's label before
 * seeing it. The replaced trial's outcome therefore carries no verdict; the re-run's does.
 */
describe.each(targetKinds())("feedback around re-run trials on %s", (kind) => {
  let test: TestDatabase;
  let linkCode: string;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    await test.db.study.update({ where: { linkCode }, data: { protocols: ["HYPE_TIME"], feedback: true } });
  });
  afterAll(async () => test.cleanup());

  it("gives no verdict for the replaced trial, and gives one for its re-run", async () => {
    const { participantId, studyId } = await joinStudy(test.db, { linkCode });
    const session = await startSession(test.db, { studyId, participantId });
    await recordDevice(test.db, session.id, participantId, TEST_DEVICE);
    const issue = async () => ((await nextTrial(test.db, { sessionId: session.id, participantId, secret: TEST_SECRET })) as { trial: TrialSpec }).trial;
    const answer = (spec: TrialSpec, flags: string[]) => ({
      index: spec.index,
      answer: "generated" as const,
      requestedFrames: spec.exposure!.frames,
      presentedFrames: spec.exposure!.frames,
      measuredMs: 500,
      refreshHz: 60,
      flags,
      clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
    });

    const first = await issue();
    const replaced = await submitAnswer(test.db, { sessionId: session.id, participantId, answer: answer(first, ["hidden"]) });
    expect(replaced).not.toHaveProperty("correct");
    expect(replaced).toMatchObject({ stored: true, total: 17 });
    // A retry of the same answer gets the same, verdict-free outcome.
    expect(await submitAnswer(test.db, { sessionId: session.id, participantId, answer: answer(first, ["hidden"]) })).toEqual(replaced);

    const rerun = await issue();
    const outcome = await submitAnswer(test.db, { sessionId: session.id, participantId, answer: answer(rerun, []) });
    const stored = await test.db.trial.findMany({ where: { sessionId: session.id }, orderBy: { index: "asc" } });
    expect(stored[1]!.label).toBe(stored[0]!.label);
    expect(outcome.correct).toBe(stored[1]!.label === ImageLabel.GENERATED);
  });
});
