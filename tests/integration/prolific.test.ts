import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { DEMO_CREDENTIALS, seedDemo } from "@/lib/demo/seed";
import { joinStudyByLink } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { evaluatorDownload, EVALUATOR_COLUMNS } from "@/lib/studies/results";
import { driveSession } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

/** The evaluators export as records keyed by column. */
async function evaluatorsCsv(test: TestDatabase, owner: CurrentUser, studyId: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await text((await evaluatorDownload(test.db, owner, studyId)).chunks)).split("\r\n").filter(Boolean);
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i], value])));
}

describe.each(targetKinds())("Prolific participants on %s", (kind) => {
  let test: TestDatabase;
  let linkCode: string;
  let studyId: string;
  let owner: CurrentUser;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    studyId = (await test.db.study.findUniqueOrThrow({ where: { linkCode }, select: { id: true } })).id;
    const demo = await test.db.user.findUniqueOrThrow({ where: { email: DEMO_CREDENTIALS.email } });
    owner = { id: demo.id, email: demo.email, name: demo.name, role: demo.role };
  });
  afterAll(async () => test.cleanup());

  it("stores PROLIFIC_PID on the participant and STUDY_ID / SESSION_ID on the session from the link", async () => {
    const { participantId, sessionId } = await driveSession(test.db, {
      linkCode,
      external: { prolificPid: "60aa0000000000000000p001", prolificStudyId: "60bb00000000000000000s01", prolificSessionId: "60cc0000000000000000ss01" },
      choose: (_spec, right) => right,
    });
    expect(await test.db.participant.findUniqueOrThrow({ where: { id: participantId } })).toMatchObject({
      externalSource: "prolific",
      externalId: "60aa0000000000000000p001",
      userId: null,
    });
    expect(await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      participantId,
      externalStudyId: "60bb00000000000000000s01",
      externalSessionId: "60cc0000000000000000ss01",
      status: "COMPLETED",
    });
  });

  it("lets a Prolific participant take the study once: coming back (other browser, new SESSION_ID) gives the same session", async () => {
    const first = await joinStudyByLink(test.db, { linkCode, external: { prolificPid: "60aa0000000000000000p001", prolificStudyId: "60bb00000000000000000s01", prolificSessionId: "60cc0000000000000000ss99" } });
    const session = await startSession(test.db, first);
    expect(session).toMatchObject({ status: "COMPLETED", externalSessionId: "60cc0000000000000000ss01" });
    const sessions = await test.db.evaluationSession.findMany({ where: { studyId, participant: { externalId: "60aa0000000000000000p001" } } });
    expect(sessions.map((s) => s.id)).toEqual([session.id]);
    expect(await test.db.participant.count({ where: { externalSource: "prolific", externalId: "60aa0000000000000000p001" } })).toBe(1);
  });

  it("starts a Prolific session at the consent form even when the annotator never opens the session page", async () => {
    const joined = await joinStudyByLink(test.db, { linkCode, external: { prolificPid: "60aa0000000000000000p002", prolificStudyId: "60bb00000000000000000s01", prolificSessionId: "60cc0000000000000000ss02" } });
    const sessions = await test.db.evaluationSession.findMany({ where: { participantId: joined.participantId } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ studyId, externalStudyId: "60bb00000000000000000s01", externalSessionId: "60cc0000000000000000ss02", status: "STARTED" });
  });

  it("lists the Prolific ids in the evaluators export, and leaves them empty for link annotators", async () => {
    const { sessionId: anonymous } = await driveSession(test.db, { linkCode, choose: (_spec, right) => right });
    const rows = await evaluatorsCsv(test, owner, studyId);
    expect(Object.keys(rows[0]!)).toEqual([...EVALUATOR_COLUMNS]);
    const byPid = Object.fromEntries(rows.filter((row) => row.prolific_pid).map((row) => [row.prolific_pid, row]));
    expect(byPid["60aa0000000000000000p001"]).toMatchObject({ prolific_study_id: "60bb00000000000000000s01", prolific_session_id: "60cc0000000000000000ss01", status: "COMPLETED" });
    expect(byPid["60aa0000000000000000p002"]).toMatchObject({ prolific_study_id: "60bb00000000000000000s01", prolific_session_id: "60cc0000000000000000ss02" });
    expect(rows.find((row) => row.evaluator === anonymous)).toMatchObject({ prolific_pid: "", prolific_study_id: "", prolific_session_id: "" });
  });
});
