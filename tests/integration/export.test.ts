import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageLabel } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { exportTrialRows, scoreStudyFromDb } from "@/lib/export/study-trials";
import { csvChunks, jsonChunks, jsonSafe, parseTrialRowsCsv, type ExportRow } from "@/lib/export/trial-rows";
import { nextTrial } from "@/lib/sessions/trials";
import { driveSession, flip, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

function score(file: string, args: string[]) {
  const r = spawnSync(TSX, [path.join(ROOT, "scripts", "score.ts"), file, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, lastLine: r.stdout.trim().split("\n").pop() ?? "", stderr: r.stderr };
}

describe.each(targetKinds())("trial export and re-scoring on %s", (kind) => {
  let test: TestDatabase;
  let studyId: string;
  let linkCode: string;
  const dir = mkdtempSync(path.join(tmpdir(), "percept-export-"));
  /** Answered trials per session, and the session left half-way. */
  const answered = new Map<string, number>();
  let unfinished = "";

  /** Runs one participant through `stop` trials (all of them by default); answers are right or
   * wrong by a fixed pattern per participant, and trial `blurAt` is reported with lost focus. */
  async function drive(n: number, options: { stop?: number; blurAt?: number } = {}) {
    const { sessionId, answered: count } = await driveSession(test.db, {
      linkCode,
      stop: options.stop,
      choose: (spec, right) => ((spec.index * (n + 2)) % 5 < 1 + (n % 3) ? flip(right) : right),
      flags: (spec) => (spec.index === options.blurAt && spec.protocol === "hype_time" ? ["blur"] : []),
      measuredMs: (spec, frames) => (frames === null ? 1200 + spec.index : (frames * 1000) / 60 + 0.3),
      refreshHz: 59.94,
    });
    answered.set(sessionId, count);
    return sessionId;
  }

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    studyId = (await test.db.study.findUniqueOrThrow({ where: { linkCode } })).id;
    await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
    // Two evaluators in each (protocol, arm) cell; one timed trial lost focus and was re-run.
    for (let n = 0; n < 8; n++) await drive(n, { blurAt: n === 1 ? 3 : undefined });
    // Two more with a qualification block first (block 0), then their protocol.
    await test.db.study.update({ where: { id: studyId }, data: { qualificationRequired: true } });
    for (let n = 8; n < 10; n++) {
      // Pass the qualification (all right), then answer by the pattern.
      const { sessionId, answered: count } = await driveSession(test.db, {
        linkCode,
        choose: (spec, right) => (spec.protocol === "qualification" || spec.index % 4 !== 0 ? right : flip(right)),
        measuredMs: () => 900,
      });
      answered.set(sessionId, count);
    }
    await test.db.study.update({ where: { id: studyId }, data: { qualificationRequired: false } });
    // One evaluator stops after 3 answers with a 4th trial issued but unanswered.
    unfinished = await drive(10, { stop: 3 });
    const { participantId } = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: unfinished } });
    await nextTrial(test.db, { sessionId: unfinished, participantId, secret: TEST_SECRET });
  });

  afterAll(async () => {
    await test.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports one row per answered trial, in (session, index) order, the same whatever the page size", async () => {
    const rows = await all(exportTrialRows(test.db, studyId));
    const paged = await all(exportTrialRows(test.db, studyId, { pageSize: 7 }));
    expect(paged).toEqual(rows);
    expect(await all(exportTrialRows(test.db, studyId, { pageSize: 1 }))).toEqual(rows);

    expect(rows.length).toBe([...answered.values()].reduce((a, b) => a + b, 0));
    expect(rows.length).toBe(await test.db.trial.count({ where: { answeredAt: { not: null } } }));
    expect(await test.db.trial.count({ where: { answeredAt: null } })).toBe(1);
    // Each evaluator's rows are contiguous and in trial order.
    const runs = rows.filter((r, i) => i === 0 || rows[i - 1]!.evaluator !== r.evaluator).map((r) => r.evaluator);
    expect(new Set(runs).size).toBe(runs.length);
    expect(runs).toHaveLength(answered.size);
    expect(rows.every((r, i) => i === 0 || rows[i - 1]!.evaluator !== r.evaluator || rows[i - 1]!.trial < r.trial)).toBe(true);
    for (const [sessionId, count] of answered) expect(rows.filter((r) => r.evaluator === sessionId)).toHaveLength(count);
  });

  it("fills every column from the stored trial, its session, arm and image", async () => {
    const rows = await all(exportTrialRows(test.db, studyId));
    const trials = await test.db.trial.findMany({
      where: { answeredAt: { not: null } },
      include: { image: true, session: { include: { arm: true } } },
    });
    const byKey = new Map(trials.map((t) => [`${t.sessionId}/${t.index}`, t]));
    for (const row of rows) {
      const t = byKey.get(`${row.evaluator}/${row.trial}`)!;
      expect(row).toEqual<ExportRow>({
        study: studyId,
        arm: t.session.arm!.name,
        evaluator: t.sessionId,
        protocol: row.protocol,
        block: t.block,
        trial: t.index,
        label: t.label === ImageLabel.REAL ? "real" : "generated",
        answer: t.answer === ImageLabel.REAL ? "real" : "generated",
        correct: t.correct!,
        exposure_ms: t.requestedMs,
        requested_frames: t.requestedFrames,
        presented_frames: t.presentedFrames,
        measured_ms: t.measuredMs,
        refresh_hz: t.refreshHz,
        response_ms: 1000, // drive-session answers 1000 ms after the stimulus onset
        flags: t.flags,
        image_hash: t.image.contentHash,
        issued_at: t.issuedAt.toISOString(),
        answered_at: t.answeredAt!.toISOString(),
      });
      expect(row.image_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.protocol === "hype_time").toBe(row.exposure_ms !== null);
    }
    expect(new Set(rows.map((r) => r.arm))).toEqual(new Set(["Model A", "Model B"]));
    // Qualification blocks come first in a session and are exported as such.
    const qualification = rows.filter((r) => r.protocol === "qualification");
    expect(qualification).toHaveLength(16);
    expect(qualification.every((r) => r.block === 0)).toBe(true);
    expect(new Set(rows.map((r) => r.protocol))).toEqual(new Set(["hype_time", "hype_inf", "qualification"]));
    // The re-run: the flagged trial is marked replaced, its re-run follows at the same exposure.
    const replaced = rows.filter((r) => r.flags.includes("replaced"));
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.flags).toEqual(["blur", "replaced"]);
    const rerun = rows.find((r) => r.evaluator === replaced[0]!.evaluator && r.trial === replaced[0]!.trial + 1)!;
    expect(rerun).toMatchObject({ label: replaced[0]!.label, exposure_ms: replaced[0]!.exposure_ms, block: replaced[0]!.block, flags: [] });
  });

  it("only exports answers stored by the snapshot time, and refuses an unknown study", async () => {
    expect(await all(exportTrialRows(test.db, studyId, { asOf: new Date(0) }))).toEqual([]);
    await expect(all(exportTrialRows(test.db, "no-such-study"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("the score CLI on the CSV export prints exactly what scoreStudyFromDb computes", async () => {
    const file = path.join(dir, "trials.csv");
    const csv = await text(csvChunks(exportTrialRows(test.db, studyId, { pageSize: 16 })));
    writeFileSync(file, csv);
    const options = { seed: 20190425, resamples: 2_000 };
    const fromDb = await scoreStudyFromDb(test.db, studyId, options);
    const cli = score(file, ["--seed", String(options.seed), "--resamples", String(options.resamples)]);
    expect(cli.stderr).toMatch(/\[score\] \d+ rows: \d+ scored, 1 replaced \(re-run\) left out; 11 evaluators in 2 arms/);
    expect(cli.code).toBe(0);
    // Byte for byte: the same JSON text, so every double agrees exactly.
    expect(cli.lastLine).toBe(JSON.stringify(jsonSafe({ file, format: "csv", ...fromDb })));

    const rows = csv.split("\r\n").length - 2;
    expect(fromDb.counts).toEqual({ rows, scored: rows - 1, replaced: 1, evaluators: 11, arms: 2 });
    expect(parseTrialRowsCsv(csv).rows).toHaveLength(rows - 1);
    const { scores } = fromDb;
    expect(scores.arms.map((a) => a.arm)).toEqual(["Model A", "Model B"]);
    for (const arm of scores.arms) {
      expect(arm.hypeTime?.evaluators).toBeGreaterThanOrEqual(2);
      expect(arm.hypeInf?.evaluators).toBeGreaterThanOrEqual(2);
      expect(arm.hypeTime!.ci[0]).toBeLessThanOrEqual(arm.hypeTime!.score);
      expect(arm.hypeTime!.ci[1]).toBeGreaterThanOrEqual(arm.hypeTime!.score);
    }
    expect(scores.arms.flatMap((a) => a.qualification?.perEvaluator ?? []).map((q) => q.passed)).toEqual([true, true]);
    // Balanced assignment: 3 + 3 timed evaluators, 3 + 2 untimed (one stopped after 3 answers).
    expect(scores.separability.hypeTime!.groups.map((g) => [g.name, g.n])).toEqual([["Model A", 3], ["Model B", 3]]);
    expect(scores.separability.hypeInf!.groups.map((g) => [g.name, g.n])).toEqual([["Model A", 3], ["Model B", 2]]);
  });

  it("the JSON export scores the same, and the CLI agrees with the results page for another seed", async () => {
    const file = path.join(dir, "trials.json");
    writeFileSync(file, await text(jsonChunks(exportTrialRows(test.db, studyId))));
    const fromDb = await scoreStudyFromDb(test.db, studyId, { seed: 3, resamples: 500, pageSize: 5 });
    const cli = score(file, ["--seed", "3", "--resamples", "500"]);
    expect(cli.code).toBe(0);
    expect(cli.lastLine).toBe(JSON.stringify(jsonSafe({ file, format: "json", ...fromDb })));
  });
});
