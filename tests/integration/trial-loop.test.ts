import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaircase, HYPE_TIME_STAIRCASE, replayStaircase } from "@/lib/hype";
import { ImageLabel, SessionStatus, StudyStatus } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { stimulusBytes } from "@/lib/sessions/stimuli";
import { nextTrial, submitAnswer, type TrialSpec } from "@/lib/sessions/trials";
import { recordDevice, sessionView } from "@/lib/sessions/view";
import { answerFor } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const SECRET = "test-secret-test-secret-test-secret!";
const DEVICE = { refreshHz: 60, windowWidth: 1280, windowHeight: 800, devicePixelRatio: 1, fullscreen: true, touch: false, userAgent: "test" };

describe.each(targetKinds())("the trial loop on %s", (kind) => {
  let test: TestDatabase;
  let linkCode: string;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
  });

  /** Later tests study the timed protocol alone; the first one sees both protocols balanced. */
  async function timedOnly() {
    await test.db.study.update({ where: { linkCode }, data: { protocols: ["HYPE_TIME"] } });
  }
  afterAll(async () => test.cleanup());

  async function newParticipantSession() {
    const { participantId, studyId } = await joinStudy(test.db, { linkCode });
    const session = await startSession(test.db, { studyId, participantId });
    return { participantId, studyId, sessionId: session.id };
  }

  async function issue(sessionId: string, participantId: string): Promise<TrialSpec> {
    const result = await nextTrial(test.db, { sessionId, participantId, secret: SECRET });
    if (!("trial" in result)) throw new Error("expected a trial");
    return result.trial;
  }

  async function labelOf(sessionId: string, index: number) {
    const trial = await test.db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId, index } } });
    return trial.label === ImageLabel.REAL ? "real" : "generated";
  }

  it("assigns evaluators between-subjects, balanced across arms, and resumes the same session", async () => {
    const first = await newParticipantSession();
    const second = await newParticipantSession();
    const [a, b] = await Promise.all([first, second].map((s) => test.db.evaluationSession.findUniqueOrThrow({ where: { id: s.sessionId } })));
    expect(a!.armId).not.toBe(b!.armId);
    expect(a!.protocol).toBe("HYPE_TIME");
    const again = await startSession(test.db, { studyId: first.studyId, participantId: first.participantId });
    expect(again.id).toBe(first.sessionId);
    // The next two fill the HYPE_∞ cells: untimed trials, no exposure, no masks.
    const third = await newParticipantSession();
    await recordDevice(test.db, third.sessionId, third.participantId, DEVICE);
    expect(await issue(third.sessionId, third.participantId)).toMatchObject({ protocol: "hype_inf", exposure: null, masks: [], totalTrials: 8 });
    await timedOnly();
  });

  it("issues timed trials only after the device check, with the staircase's exposure in whole frames", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await expect(nextTrial(test.db, { sessionId, participantId, secret: SECRET })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(recordDevice(test.db, sessionId, participantId, { ...DEVICE, windowWidth: 300 })).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    const spec = await issue(sessionId, participantId);
    expect(spec).toMatchObject({ index: 0, block: 0, blockTrial: 0, blockSize: 8, totalTrials: 16, protocol: "hype_time", exposure: { ms: 500, frames: 30 } });
    expect(spec.stimulusUrl).toMatch(/^\/api\/stimuli\/[A-Za-z0-9_-]{43}$/);
    expect(spec.masks).toHaveLength(4);
    expect(spec.masks.every((mask) => mask.frames === 2)).toBe(true);
    expect(JSON.stringify(spec)).not.toMatch(/label|REAL|GENERATED|imageId/);
    // A reload gets the same trial back under the same stimulus URL (mask URLs are re-signed).
    const again = await issue(sessionId, participantId);
    expect({ ...again, masks: again.masks.length }).toEqual({ ...spec, masks: spec.masks.length });
  });

  it("refuses answers to trials not issued, with a changed exposure, or changed after storing; retries are idempotent", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    const spec = await issue(sessionId, participantId);
    const right = await labelOf(sessionId, 0);
    await expect(submitAnswer(test.db, { sessionId, participantId, answer: { ...answerFor(spec, right), index: 3 } })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(submitAnswer(test.db, { sessionId, participantId, answer: { ...answerFor(spec, right), requestedFrames: 6 } })).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    const stranger = await joinStudy(test.db, { linkCode });
    await expect(submitAnswer(test.db, { sessionId, participantId: stranger.participantId, answer: answerFor(spec, right) })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const outcome = await submitAnswer(test.db, { sessionId, participantId, answer: answerFor(spec, right) });
    expect(outcome).toEqual({ index: 0, stored: true, correct: true, answered: 1, total: 16, status: SessionStatus.IN_PROGRESS });
    expect(await submitAnswer(test.db, { sessionId, participantId, answer: answerFor(spec, right) })).toEqual(outcome);
    const wrong = right === "real" ? "generated" : "real";
    await expect(submitAnswer(test.db, { sessionId, participantId, answer: answerFor(spec, wrong) })).rejects.toMatchObject({ code: "CONFLICT" });
    // −10 ms after a correct answer.
    expect((await issue(sessionId, participantId)).exposure).toEqual({ ms: 490, frames: 29 });
  });

  it("two tabs answering at once store one answer and step the staircase once", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    const [specA, specB] = await Promise.all([issue(sessionId, participantId), issue(sessionId, participantId)]);
    expect(specA.index).toBe(specB.index);
    const wrong = (await labelOf(sessionId, 0)) === "real" ? "generated" : "real";
    const outcomes = await Promise.all([0, 1, 2].map(() => submitAnswer(test.db, { sessionId, participantId, answer: answerFor(specA, wrong) })));
    expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);
    expect(await test.db.trial.count({ where: { sessionId, answeredAt: { not: null } } })).toBe(1);
    // +30 ms after one error, once.
    expect((await issue(sessionId, participantId)).exposure?.ms).toBe(530);
  });

  it("six tabs racing through every trial: one trial per index, one answer each, the staircase equal to its replay", async () => {
    // Requests are a read and a conditional write, with no lock between (lib/sessions/trial-sql.ts):
    // the losers of each race must write nothing and come back with the winner's trial or outcome.
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    for (let i = 0; i < 8; i++) {
      const specs = await Promise.all(Array.from({ length: 6 }, () => issue(sessionId, participantId)));
      expect(new Set(specs.map((spec) => `${spec.index} ${spec.stimulusUrl}`)).size).toBe(1);
      // Three tabs answer "real", three "generated": the first stored wins, the other answer is refused.
      const given = (tab: number) => ((tab + i) % 2 === 0 ? "real" : "generated");
      const settled = await Promise.allSettled(
        Array.from({ length: 6 }, (_, tab) => submitAnswer(test.db, { sessionId, participantId, answer: answerFor(specs[0]!, given(tab)) })),
      );
      const won = settled.flatMap((result, tab) => (result.status === "fulfilled" ? [{ tab, outcome: result.value }] : []));
      expect(new Set(won.map(({ outcome }) => JSON.stringify(outcome))).size).toBe(1);
      expect(new Set(won.map(({ tab }) => given(tab))).size).toBe(1);
      for (const result of settled) if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "CONFLICT" });
      const stored = await test.db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId, index: specs[0]!.index } } });
      expect(stored.answer).toBe(given(won[0]!.tab) === "real" ? ImageLabel.REAL : ImageLabel.GENERATED);
    }
    const session = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId }, include: { trials: { orderBy: { index: "asc" } } } });
    expect(session.trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(session.trials.every((trial) => trial.answeredAt !== null)).toBe(true);
    expect(session.nextTrialIndex).toBe(8);
    const answers = session.trials.filter((trial) => trial.block === 0).map((trial) => trial.correct!);
    expect((session.staircaseState as Record<string, unknown>)[0]).toEqual(replayStaircase(HYPE_TIME_STAIRCASE, answers));
  });

  it("runs to completion; the stored staircase equals the one replayed from the stored answers", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    for (let i = 0; i < 16; i++) {
      const spec = await issue(sessionId, participantId);
      const right = await labelOf(sessionId, spec.index);
      const answer = i % 3 === 0 ? (right === "real" ? "generated" : "real") : right;
      await submitAnswer(test.db, { sessionId, participantId, answer: answerFor(spec, answer) });
    }
    expect(await nextTrial(test.db, { sessionId, participantId, secret: SECRET })).toEqual({ done: true, status: SessionStatus.COMPLETED });
    const view = await sessionView(test.db, sessionId, participantId);
    expect(view).toMatchObject({ status: SessionStatus.COMPLETED, answered: 16, total: 16 });
    expect(view.completion?.code).toMatch(/^[0-9A-F]{12}$/);
    const session = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId }, include: { trials: { orderBy: { index: "asc" } } } });
    const stored = session.staircaseState as Record<string, unknown>;
    for (const block of [0, 1]) {
      const answers = session.trials.filter((trial) => trial.block === block).map((trial) => trial.correct!);
      expect(stored[block]).toEqual(replayStaircase(HYPE_TIME_STAIRCASE, answers));
      const exposures = session.trials.filter((trial) => trial.block === block).map((trial) => trial.requestedMs);
      expect(exposures[0]).toBe(createStaircase(HYPE_TIME_STAIRCASE).level);
    }
    expect(new Set(session.trials.map((trial) => trial.imageId)).size).toBe(16);
  });

  it("re-runs a timed trial that lost focus or missed frames with a fresh image, at the same exposure", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    const first = await issue(sessionId, participantId);
    const right = await labelOf(sessionId, 0);
    const flagged = await submitAnswer(test.db, { sessionId, participantId, answer: { ...answerFor(first, right), flags: ["blur"] } });
    expect(flagged).toMatchObject({ answered: 1, total: 17 });
    const rerun = await issue(sessionId, participantId);
    expect(rerun).toMatchObject({ index: 1, blockTrial: 1, blockSize: 9, exposure: first.exposure });
    const [original, replacement] = await test.db.trial.findMany({ where: { sessionId }, orderBy: { index: "asc" } });
    expect(original!.flags).toEqual(["blur", "replaced"]);
    expect(replacement!.label).toBe(original!.label);
    expect(replacement!.imageId).not.toBe(original!.imageId);
    // A frame miss found by the server (presented ≠ requested) counts too.
    const missed = await submitAnswer(test.db, { sessionId, participantId, answer: { ...answerFor(rerun, right), presentedFrames: rerun.exposure!.frames + 2 } });
    expect(missed.total).toBe(18);
    const plan = (await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId } })).plan as { trials: { imageId: string }[] };
    expect(new Set(plan.trials.map((trial) => trial.imageId)).size).toBe(18);
  });

  it("serves a stimulus only to its participant and only until it expires; masks too", async () => {
    const { sessionId, participantId } = await newParticipantSession();
    await recordDevice(test.db, sessionId, participantId, DEVICE);
    const spec = await issue(sessionId, participantId);
    const token = spec.stimulusUrl.split("/").pop()!;
    const bytes = await stimulusBytes(test.db, { token, participantId, secret: SECRET });
    expect(bytes?.subarray(1, 4).toString()).toBe("PNG");
    // Padded to the study's one stimulus length, whatever the image.
    const largest = await test.db.image.aggregate({ _max: { byteSize: true } });
    expect(bytes!.length).toBe(largest._max.byteSize! + 12);
    const stranger = await joinStudy(test.db, { linkCode });
    expect(await stimulusBytes(test.db, { token, participantId: stranger.participantId, secret: SECRET })).toBeNull();
    expect(await stimulusBytes(test.db, { token, participantId, secret: SECRET, now: new Date(Date.now() + 11 * 60_000) })).toBeNull();
    expect(await stimulusBytes(test.db, { token: "x".repeat(43), participantId, secret: SECRET })).toBeNull();
    const maskToken = spec.masks[0]!.url.split("/").pop()!;
    expect((await stimulusBytes(test.db, { token: maskToken, participantId, secret: SECRET }))?.subarray(1, 4).toString()).toBe("PNG");
    expect(await stimulusBytes(test.db, { token: maskToken, participantId: stranger.participantId, secret: SECRET })).toBeNull();
    expect(await stimulusBytes(test.db, { token: maskToken, participantId, secret: "another-secret-another-secret-12345" })).toBeNull();
    // After expiry a reload re-issues the same trial under a new URL.
    const later = await nextTrial(test.db, { sessionId, participantId, secret: SECRET, now: new Date(Date.now() + 11 * 60_000) });
    expect("trial" in later && later.trial.index).toBe(0);
    expect("trial" in later && later.trial.stimulusUrl).not.toBe(spec.stimulusUrl);
  });

  it("gates on qualification: ≥65% on reals and on generated passes, otherwise the session ends", async () => {
    const study = await test.db.study.findUniqueOrThrow({ where: { linkCode } });
    await test.db.study.update({ where: { id: study.id }, data: { qualificationRequired: true, qualificationDomain: "demo-patterns" } });
    try {
      for (const passing of [false, true]) {
        const { sessionId, participantId } = await newParticipantSession();
        expect((await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe(SessionStatus.QUALIFYING);
        await recordDevice(test.db, sessionId, participantId, DEVICE);
        let outcome;
        for (let i = 0; i < 8; i++) {
          const spec = await issue(sessionId, participantId);
          expect(spec).toMatchObject({ protocol: "qualification", exposure: null, masks: [] });
          const right = await labelOf(sessionId, spec.index);
          outcome = await submitAnswer(test.db, { sessionId, participantId, answer: answerFor(spec, passing ? right : right === "real" ? "generated" : "real") });
          expect(outcome).not.toHaveProperty("correct"); // no feedback during qualification
        }
        const result = await test.db.qualificationResult.findFirstOrThrow({ where: { participantId } });
        expect(result).toMatchObject({ passed: passing, realTotal: 4, generatedTotal: 4, domain: "demo-patterns" });
        if (passing) {
          expect(outcome!.status).toBe(SessionStatus.IN_PROGRESS);
          expect((await issue(sessionId, participantId)).protocol).toBe("hype_time");
        } else {
          expect(outcome!.status).toBe(SessionStatus.DISQUALIFIED);
          expect(await nextTrial(test.db, { sessionId, participantId, secret: SECRET })).toEqual({ done: true, status: SessionStatus.DISQUALIFIED });
        }
      }
    } finally {
      await test.db.study.update({ where: { id: study.id }, data: { qualificationRequired: false, status: StudyStatus.LIVE } });
    }
  });
});
