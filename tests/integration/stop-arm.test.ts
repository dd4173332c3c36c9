import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { seedDemo } from "@/lib/demo/seed";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial } from "@/lib/sessions/trials";
import { DEFAULT_ANALYSIS_SETTINGS, type LiveSettings } from "@/lib/studies/config";
import { updateStudy } from "@/lib/studies/design";
import { cellKey, LIVE_RESAMPLES, liveScores } from "@/lib/studies/live-scores";
import { studyProgress } from "@/lib/studies/progress";
import { driveSession, flip, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * The stopping rule on real services: an (arm, protocol) whose live CI is narrower than its target,
 * with enough scored evaluators, is skipped by the balanced assignment while the others go on.
 */
describe.each(targetKinds())("stopping an arm on its CI width on %s", (kind) => {
  let test: TestDatabase;
  let studyId: string;
  let linkCode: string;
  let owner: CurrentUser;
  /** A session assigned (while the rule was off) to a cell that had stopped, not answered yet. */
  let late = "";

  /** Any finite width is narrower than these targets: a cell stops as soon as it has 2 scored evaluators. */
  const STOP: LiveSettings = { targetCiWidthMs: 10_000, targetCiWidthPercent: 100, stopWhenNarrower: true, minEvaluatorsToStop: 2 };

  const setLive = (live: LiveSettings) => updateStudy(test.db, owner, studyId, { analysis: { exclusions: DEFAULT_ANALYSIS_SETTINGS.exclusions, live } });

  async function drive(n: number, stop?: number): Promise<string> {
    const { sessionId } = await driveSession(test.db, { linkCode, stop, choose: (spec, right) => ((spec.index * (n + 2)) % 5 < 1 + (n % 3) ? flip(right) : right) });
    return sessionId;
  }

  async function cellOf(sessionId: string): Promise<string> {
    const session = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: sessionId }, include: { arm: true } });
    return cellKey(session.arm!.name, session.protocol === "HYPE_TIME" ? "hype_time" : "hype_inf");
  }

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    const study = await test.db.study.findUniqueOrThrow({ where: { linkCode }, include: { owner: true } });
    studyId = study.id;
    owner = { id: study.owner.id, email: study.owner.email, name: study.owner.name, role: study.owner.role };
    await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
  });

  afterAll(async () => {
    await test.cleanup();
  });

  it("skips the stopped cells, lets the others fill, and assigns to them again once the rule is off", async () => {
    await setLive(STOP);
    // One complete evaluator in each of the four (arm, protocol) cells: none can stop with one.
    const first: string[] = [];
    for (let n = 0; n < 4; n++) first.push(await drive(n));
    expect(new Set(await Promise.all(first.map(cellOf))).size).toBe(4);
    const study = await test.db.study.findUniqueOrThrow({ where: { id: studyId } });
    expect((await liveScores(test.db, study)).cells.filter((c) => c.stopped)).toEqual([]);

    // Two more complete evaluators fill two cells to 2 scored evaluators; two sessions without
    // answers bring the other two cells to 2 assigned but 1 scored.
    const second = [await drive(4), await drive(5)];
    const full = new Set(await Promise.all(second.map(cellOf)));
    const idle = [await drive(6, 0), await drive(7, 0)];
    const open = new Set(await Promise.all(idle.map(cellOf)));
    expect([...full].filter((c) => open.has(c))).toEqual([]);

    const live = await liveScores(test.db, await test.db.study.findUniqueOrThrow({ where: { id: studyId } }));
    expect(live.resamples).toBe(LIVE_RESAMPLES);
    const stopped = new Set(live.cells.filter((c) => c.stopped).map((c) => cellKey(c.arm, c.protocol)));
    expect(stopped).toEqual(full);
    for (const cell of live.cells) expect(cell.stopped).toBe(cell.evaluators >= 2 && cell.width < cell.target);

    // Every cell has 2 sessions: the balanced assignment alone would pick the first, a stopped one.
    const next = await drive(8, 0);
    expect(stopped.has(await cellOf(next))).toBe(false);

    // The dashboard says which cells stopped.
    const progress = await studyProgress(test.db, owner, studyId);
    expect(progress.live?.cells.filter((c) => c.stopped).map((c) => cellKey(c.arm, c.protocol)).sort()).toEqual([...stopped].sort());
    expect(progress.live?.settings).toEqual(STOP);

    // An evaluator of a stopped cell gets their own session back on a reload.
    const finished = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: second[0]! } });
    expect((await startSession(test.db, { studyId, participantId: finished.participantId })).id).toBe(finished.id);

    // Rule off: the fewest-evaluators cell is a stopped one again.
    await setLive({ ...STOP, stopWhenNarrower: false });
    late = await drive(9, 0);
    expect(stopped.has(await cellOf(late))).toBe(true);
  });

  it("refuses new evaluators once every cell has stopped, while sessions already running go on", async () => {
    await setLive(STOP);
    // The two open cells each get one more scored evaluator, and stop.
    for (let n = 10; n < 12; n++) await drive(n);
    const live = await liveScores(test.db, await test.db.study.findUniqueOrThrow({ where: { id: studyId } }));
    expect(live.cells).toHaveLength(4);
    expect(live.cells.every((c) => c.stopped)).toBe(true);
    const { participantId } = await joinStudy(test.db, { linkCode });
    await expect(startSession(test.db, { studyId, participantId })).rejects.toMatchObject({ code: "CONFLICT" });

    const session = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: late } });
    const next = await nextTrial(test.db, { sessionId: late, participantId: session.participantId, secret: TEST_SECRET });
    expect("trial" in next && next.trial.index).toBe(0);
  });
});
