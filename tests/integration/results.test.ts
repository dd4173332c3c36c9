import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { Role, SessionStatus } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { exportTrialRows, scoreStudyFromDb } from "@/lib/export/study-trials";
import { csvChunks, jsonSafe, parseTrialRowsJson } from "@/lib/export/trial-rows";
import { DEFAULT_EXCLUSION_RULES } from "@/lib/studies/config";
import { updateStudy } from "@/lib/studies/design";
import { studyManifest } from "@/lib/studies/manifest";
import { EVALUATOR_COLUMNS, evaluatorDownload, studyResults, studyScores, trialDownload } from "@/lib/studies/results";
import { textStream } from "@/lib/studies/results-download";
import { driveSession, flip } from "../support/drive-session";
import { createTestUser, createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe.each(targetKinds())("study results on %s", (kind) => {
  let test: TestDatabase;
  let studyId: string;
  let linkCode: string;
  let seed: number;
  let owner: CurrentUser;
  let stranger: CurrentUser;
  let admin: CurrentUser;
  const dir = mkdtempSync(path.join(tmpdir(), "percept-results-"));

  /** One participant answers `stop` trials (all by default), right or wrong by a fixed pattern;
   * trial `blurAt` of a timed session is reported with lost focus (and re-run). */
  async function drive(n: number, options: { stop?: number; blurAt?: number } = {}): Promise<string> {
    const { sessionId } = await driveSession(test.db, {
      linkCode,
      stop: options.stop,
      choose: (spec, right) => ((spec.index * (n + 2)) % 5 < 1 + (n % 3) ? flip(right) : right),
      flags: (spec) => (spec.index === options.blurAt && spec.protocol === "hype_time" ? ["blur"] : []),
    });
    return sessionId;
  }

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    const study = await test.db.study.findUniqueOrThrow({ where: { linkCode }, include: { owner: true } });
    studyId = study.id;
    seed = study.seed;
    owner = { id: study.owner.id, email: study.owner.email, name: study.owner.name, role: study.owner.role };
    const make = (email: string, role: Role) => createTestUser(test.db, email, role);
    stranger = await make("stranger@example.org", Role.RESEARCHER);
    admin = await make("admin@example.org", Role.ADMIN);
  });

  /** Runs the command the results page prints (`npm run score -- <file> …`) on `file`; its last stdout line. */
  function runPageCommand(command: string, file: string) {
    const [, , , , name, ...options] = command.split(" ");
    expect(name).toBe(path.basename(file));
    const cli = spawnSync(TSX, [path.join(ROOT, "scripts", "score.ts"), file, ...options], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(cli.stderr).not.toMatch(/^error/m);
    expect(cli.status).toBe(0);
    return JSON.parse(cli.stdout.trim().split("\n").pop()!);
  }

  afterAll(async () => {
    await test.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives an explicit empty result, not an error, before any answer", async () => {
    const results = await studyResults(test.db, owner, studyId);
    expect(results.empty).toBe(true);
    expect(results.counts).toEqual({ rows: 0, scored: 0, replaced: 0, evaluators: 0, arms: 0 });
    expect(results.scores.arms).toEqual([]);
    expect(results.evaluators).toEqual([]);
    expect(results.staircases).toEqual([]);
    expect(results.curves).toEqual([]);
    expect(results.arms.map((a) => [a.arm, a.started, a.finished, a.withAnswers])).toEqual([
      ["Model A", 0, 0, 0],
      ["Model B", 0, 0, 0],
    ]);
    expect(results.targetAccuracy).toBe(0.75);
    // The default exclusion rules, spelled out as the CLI's flags.
    const rules = "--exclude-failed-qualification --max-flagged-timed-percent 20 --min-median-response-ms 200 --fast-answer-ms 150 --max-fast-answer-percent 25";
    expect(results.scoring).toEqual({ seed, resamples: 10_000, confidence: 0.95, command: `npm run score -- percept-${studyId}-trials.csv --seed ${seed} --resamples 10000 ${rules}` });
    expect(await read(textStream((await trialDownload(test.db, owner, studyId, "csv")).chunks))).toMatch(/^study,arm,evaluator,[^\r\n]+\r\n$/);
    expect(parseTrialRowsJson(await read(textStream((await trialDownload(test.db, owner, studyId, "json")).chunks))).rows).toEqual([]);
  });

  it("refuses someone else's study as not found and lets an admin in", async () => {
    await expect(studyResults(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(studyScores(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(trialDownload(test.db, stranger, studyId, "csv")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(evaluatorDownload(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(studyManifest(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(studyResults(test.db, owner, "no-such-study")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await studyResults(test.db, admin, studyId)).study.id).toBe(studyId);
  });

  describe("after evaluators answered", () => {
    const sessions: string[] = [];
    let unfinished = "";

    beforeAll(async () => {
      await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
      // Four complete sessions fill the four (protocol, arm) cells; timed trial 3 of the first
      // timed session lost focus and was re-run. A fifth stops after 3 answers.
      for (let n = 0; n < 4; n++) sessions.push(await drive(n, { blurAt: 3 }));
      unfinished = await drive(4, { stop: 3 });
      sessions.push(unfinished);
    });

    it("counts evaluators per arm, started and finished", async () => {
      const results = await studyResults(test.db, owner, studyId);
      expect(results.empty).toBe(false);
      const stored = await test.db.evaluationSession.findMany({ where: { studyId }, include: { arm: true } });
      expect(stored).toHaveLength(5);
      for (const arm of results.arms) {
        const mine = stored.filter((s) => s.arm!.name === arm.arm);
        expect(arm.started).toBe(mine.length);
        expect(arm.finished).toBe(mine.filter((s) => s.status === SessionStatus.COMPLETED).length);
        expect(arm.inProgress).toBe(mine.filter((s) => s.status !== SessionStatus.COMPLETED).length);
        expect(arm.withAnswers).toBe(mine.length);
        expect(arm.targetEvaluators).toBe(100);
        expect(arm.byProtocol.hype_time?.finished).toBe(1);
        expect(arm.byProtocol.hype_inf?.finished).toBe(1);
      }
      expect(results.arms.reduce((s, a) => s + a.finished, 0)).toBe(4);
      expect(results.arms.reduce((s, a) => s + a.started, 0)).toBe(5);
    });

    it("has one evaluator row per session that matches the stored trials and the scores", async () => {
      const results = await studyResults(test.db, owner, studyId);
      expect(results.evaluators.map((e) => e.evaluator).sort()).toEqual([...sessions].sort());
      const scores = results.scores;
      for (const row of results.evaluators) {
        const session = await test.db.evaluationSession.findUniqueOrThrow({ where: { id: row.evaluator }, include: { arm: true, trials: { where: { answeredAt: { not: null } } } } });
        expect(row.arm).toBe(session.arm!.name);
        expect(row.status).toBe(session.status);
        expect(row.protocol).toBe(session.protocol === "HYPE_TIME" ? "hype_time" : "hype_inf");
        expect(row.answered).toBe(session.trials.length);
        const replaced = session.trials.filter((t) => t.flags.includes("replaced"));
        expect(row.flags.replaced).toBe(replaced.length);
        expect(row.flags.blur).toBe(session.trials.filter((t) => t.flags.includes("blur")).length);
        expect(row.scored).toBe(session.trials.length - replaced.length);
        const scored = session.trials.filter((t) => !t.flags.includes("replaced"));
        expect(row.accuracy).toBeCloseTo(scored.filter((t) => t.correct).length / scored.length, 12);
        const arm = scores.arms.find((a) => a.arm === row.arm)!;
        if (row.protocol === "hype_time") {
          const scoredAs = arm.hypeTime!.perEvaluator.find((e) => e.evaluator === row.evaluator)!;
          expect(row.thresholdMs).toBe(scoredAs.thresholdMs);
          expect(row.blockModesMs).toEqual(scoredAs.blockModesMs);
          expect(row.accuracy).toBeCloseTo(scoredAs.accuracy, 12);
          expect(row.percentWrong).toBeNull();
        } else {
          const scoredAs = arm.hypeInf!.perEvaluator.find((e) => e.evaluator === row.evaluator)!;
          expect(row.percentWrong).toBe(scoredAs.percentWrong);
          expect(row.accuracy).toBeCloseTo(1 - scoredAs.percentWrong / 100, 12);
          expect(row.thresholdMs).toBeNull();
        }
      }
      const timed = results.evaluators.filter((e) => e.protocol === "hype_time");
      // The first timed session's trial 3 was re-run; the unfinished one answered 3 trials.
      expect(timed.reduce((s, e) => s + e.flags.replaced, 0)).toBeGreaterThanOrEqual(1);
      expect(results.evaluators.find((e) => e.evaluator === unfinished)).toMatchObject({ answered: 3, status: SessionStatus.IN_PROGRESS });
      expect(results.counts).toMatchObject({ evaluators: 5, arms: 2 });
    });

    it("plots each timed evaluator's staircase and accuracy per 50 ms bin from the same rows", async () => {
      const results = await studyResults(test.db, owner, studyId);
      const timed = await test.db.evaluationSession.findMany({ where: { studyId, protocol: "HYPE_TIME" }, include: { trials: { where: { answeredAt: { not: null } }, orderBy: { index: "asc" } } } });
      expect(results.staircases.map((s) => s.evaluator)).toEqual(timed.map((s) => s.id).sort());
      expect(results.staircaseTotal).toBe(timed.length);
      for (const series of results.staircases) {
        const trials = timed.find((s) => s.id === series.evaluator)!.trials;
        expect(series.blocks.flatMap((b) => b.trials)).toEqual(trials.map((t) => t.index));
        expect(series.blocks.flatMap((b) => b.exposureMs)).toEqual(trials.map((t) => t.requestedMs));
        // Every block starts at the staircase's 500 ms.
        for (const block of series.blocks) expect(block.exposureMs[0]).toBe(500);
      }
      const all = timed.flatMap((s) => s.trials).filter((t) => !t.flags.includes("replaced"));
      expect(results.curves.flatMap((c) => c.bins).reduce((s, b) => s + b.trials, 0)).toBe(all.length);
      for (const curve of results.curves) for (const bin of curve.bins) expect(bin.toMs - bin.fromMs).toBe(50);
      expect((await studyResults(test.db, owner, studyId, { maxStaircases: 1 })).staircases).toHaveLength(1);
    });

    it("shows exactly scoreStudyFromDb's scores with the study seed, 10,000 resamples and its exclusion rules", async () => {
      const asOf = new Date();
      const results = await studyResults(test.db, owner, studyId, { asOf });
      const direct = await scoreStudyFromDb(test.db, studyId, { seed, resamples: 10_000, exclusions: DEFAULT_EXCLUSION_RULES, asOf });
      expect(JSON.stringify(jsonSafe(results.scores))).toBe(JSON.stringify(jsonSafe(direct.scores)));
      expect(results.counts).toEqual(direct.counts);
    });

    it("the scores endpoint's object is the CLI's last line on the streamed trial download", async () => {
      const download = await trialDownload(test.db, owner, studyId, "csv");
      expect(download.filename).toBe(`percept-${studyId}-trials.csv`);
      const csv = await read(textStream(download.chunks));
      expect(csv).toBe(await text(csvChunks(exportTrialRows(test.db, studyId))));
      const file = path.join(dir, download.filename);
      writeFileSync(file, csv);

      const api = jsonSafe(await studyScores(test.db, owner, studyId));
      expect(JSON.stringify(api)).toBe(JSON.stringify(jsonSafe(await scoreStudyFromDb(test.db, studyId, { seed, resamples: 10_000, exclusions: DEFAULT_EXCLUSION_RULES }))));
      const line = runPageCommand((await studyResults(test.db, owner, studyId)).scoring.command, file);
      expect([line.file, line.format]).toEqual([file, "csv"]);
      expect(JSON.stringify({ counts: line.counts, scores: line.scores })).toBe(JSON.stringify(api));

      // Other parameters are honoured.
      const other = await studyScores(test.db, owner, studyId, { seed: 7, resamples: 300, confidence: 0.9 });
      expect(other.scores).toMatchObject({ seed: 7, resamples: 300, confidence: 0.9 });
    });

    it("downloads the evaluator table as CSV, one record per session", async () => {
      const download = await evaluatorDownload(test.db, owner, studyId);
      expect(download.filename).toBe(`percept-${studyId}-evaluators.csv`);
      const lines = (await read(textStream(download.chunks))).split("\r\n").filter((l) => l !== "");
      expect(lines[0]).toBe(EVALUATOR_COLUMNS.join(","));
      expect(lines).toHaveLength(1 + sessions.length);
      expect(lines.slice(1).every((l) => l.split(",").length === EVALUATOR_COLUMNS.length)).toBe(true);
    });

    it("writes a manifest with the config, seed, scoring parameters, every image hash and the counts", async () => {
      const manifest = await studyManifest(test.db, owner, studyId);
      expect(manifest.app.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.study).toMatchObject({ id: studyId, seed, protocols: ["HYPE_TIME", "HYPE_INFINITY"], config: { hypeTime: { blocks: 2, trialsPerBlock: 8 } } });
      expect(manifest.scoring).toMatchObject({ seed, resamples: 10_000, confidence: 0.95, staircase: { convergencePoint: 0.75 } });
      expect(manifest.arms.map((a) => [a.name, a.generatedSet.imageCount])).toEqual([
        ["Model A", 12],
        ["Model B", 12],
      ]);
      const images = await test.db.image.findMany({ select: { contentHash: true } });
      const listed = [...manifest.realImageSet!.images, ...manifest.arms.flatMap((a) => a.generatedSet.images)].map((i) => i.contentHash);
      expect(listed.sort()).toEqual(images.map((i) => i.contentHash).sort());
      expect(listed.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
      expect(manifest.counts.sessionsTotal).toBe(5);
      expect(manifest.counts.trialsAnswered).toBe(await test.db.trial.count({ where: { answeredAt: { not: null } } }));
      expect(manifest.counts.sessions).toMatchObject({ COMPLETED: 4 });
      expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
    });

    // Last: it edits the study's rules and the stored response times of one evaluator.
    it("applies rules edited while live that exclude evaluators, and the page's command reproduces its numbers", async () => {
      // One HYPE_∞ evaluator answered within 100 ms of the stimulus, every time.
      const fast = (await test.db.evaluationSession.findFirstOrThrow({ where: { studyId, protocol: "HYPE_INFINITY", status: SessionStatus.COMPLETED }, orderBy: { id: "asc" } })).id;
      await test.db.trial.updateMany({ where: { sessionId: fast }, data: { clientTimes: { stimulusOnset: 1000, stimulusOffset: null, responseAt: 1100 } } });
      // Any flagged timed trial excludes its evaluator: the timed sessions lost focus on trial 3.
      const flagged = (await test.db.trial.findMany({ where: { session: { studyId, protocol: "HYPE_TIME" }, flags: { has: "blur" } }, select: { sessionId: true } })).map((t) => t.sessionId);
      expect(flagged.length).toBeGreaterThan(0);
      const exclusions = { ...DEFAULT_EXCLUSION_RULES, maxFlaggedTimedPercent: 0 };
      expect((await test.db.study.findUniqueOrThrow({ where: { id: studyId } })).status).toBe("LIVE");
      await updateStudy(test.db, owner, studyId, { analysis: { exclusions, live: { targetCiWidthMs: 40, targetCiWidthPercent: 6, stopWhenNarrower: false, minEvaluatorsToStop: 10 } } });

      const results = await studyResults(test.db, owner, studyId);
      const excluded = results.evaluators.filter((e) => e.excluded.length > 0);
      expect(excluded.find((e) => e.evaluator === fast)?.excluded).toEqual(["fast_median", "fast_answers"]);
      for (const id of new Set(flagged)) expect(excluded.find((e) => e.evaluator === id)?.excluded).toContain("flagged_timed_trials");
      expect(excluded).toHaveLength(1 + new Set(flagged).size);
      for (const arm of results.scores.arms) {
        const kept = [...(arm.hypeTime?.perEvaluator ?? []), ...(arm.hypeInf?.perEvaluator ?? [])].map((e) => e.evaluator);
        for (const e of arm.excluded) expect(kept).not.toContain(e.evaluator);
      }
      // Per rule and arm, the count of evaluators it excluded.
      const perRule = Object.fromEntries(results.exclusions.map((r) => [r.reason, r.perArm]));
      const armOf = (id: string) => results.evaluators.find((e) => e.evaluator === id)!.arm;
      expect(perRule.fast_median).toEqual({ "Model A": armOf(fast) === "Model A" ? 1 : 0, "Model B": armOf(fast) === "Model B" ? 1 : 0 });
      expect(Object.values(perRule.flagged_timed_trials!).reduce((s, n) => s + n, 0)).toBe(new Set(flagged).size);
      expect(results.scoring.command).toContain("--max-flagged-timed-percent 0 ");

      const download = await trialDownload(test.db, owner, studyId, "csv");
      const file = path.join(dir, `rules-${download.filename}`);
      writeFileSync(file, await read(textStream(download.chunks)));
      const line = runPageCommand(results.scoring.command.replace(download.filename, path.basename(file)), file);
      expect(JSON.stringify(line.scores)).toBe(JSON.stringify(jsonSafe(results.scores)));
      expect(line.counts).toEqual(results.counts);
    });
  });
});
