/**
 * Live-estimate bench: what one dashboard recomputation costs (scoreStudy with the live view's
 * 1,000 resamples, exclusion rules on, then liveCells) against the results page's 10,000, on
 * simulated HYPE_time studies. Prints figures and, as the last line, one JSON object.
 * Run: npx tsx bench/scoring/live.ts   (times are medians of 5 warm runs; noisy on a busy machine)
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { emptyConduct, HYPE_TIME_BLOCKS, liveCells, recordConduct, scoreStudy, simulateArm, type EvaluatorConduct, type TrialRow } from "@/lib/hype";
import { DEFAULT_EXCLUSION_RULES, DEFAULT_LIVE_SETTINGS } from "@/lib/studies/config";
import { LIVE_RESAMPLES } from "@/lib/studies/live-scores";

const REPEATS = 5;

function study(arms: number, evaluators: number): { rows: TrialRow[]; conduct: Map<string, EvaluatorConduct> } {
  const rows = Array.from({ length: arms }, (_, i) =>
    simulateArm({ arm: `arm-${i}`, evaluators, population: { thresholdMeanMs: 250 + 40 * i, thresholdSdMs: 70, slopePerMs: 0.02, lapseRate: 0.05 }, blocks: HYPE_TIME_BLOCKS, seed: i + 1 }).rows,
  ).flat();
  const conduct = new Map<string, EvaluatorConduct>();
  rows.forEach((row, i) => {
    const c = conduct.get(row.evaluator) ?? emptyConduct();
    recordConduct(c, { protocol: row.protocol, flags: i % 40 === 0 ? ["blur"] : [], response_ms: 600 + (i % 300) });
    conduct.set(row.evaluator, c);
  });
  return { rows, conduct };
}

function medianMs(run: () => void): number {
  run(); // warm-up
  const times = Array.from({ length: REPEATS }, () => {
    const t0 = performance.now();
    run();
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return times[Math.floor(REPEATS / 2)]!;
}

const results = [];
for (const [arms, evaluators] of [
  [2, 30],
  [4, 100],
] as const) {
  const { rows, conduct } = study(arms, evaluators);
  const score = (resamples: number) => () => void liveCells(scoreStudy(rows, { seed: 7, resamples, exclusions: DEFAULT_EXCLUSION_RULES, conduct }), DEFAULT_LIVE_SETTINGS);
  const live = medianMs(score(LIVE_RESAMPLES));
  const full = medianMs(score(10_000));
  console.log(`${arms} arms × ${evaluators} evaluators (${rows.length} rows): live (${LIVE_RESAMPLES} resamples) ${live.toFixed(1)} ms, full (10,000) ${full.toFixed(1)} ms`);
  results.push({ arms, evaluators, rows: rows.length, liveMs: live, fullMs: full });
}
console.log(JSON.stringify({ cpus: os.cpus().length, load: os.loadavg()[0], liveResamples: LIVE_RESAMPLES, results }));
