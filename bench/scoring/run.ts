/**
 * Scoring bench: times scoreStudy (validation + summaries + 10,000-resample bootstraps +
 * separability) on simulated studies. Prints human-readable figures and, as the last line, one
 * JSON object with them. Run: npx tsx bench/scoring/run.ts
 * Data generation is not timed; each case is scored a few times and the median is reported.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import {
  HYPE_INF_BLOCKS,
  HYPE_TIME_BLOCKS,
  QUALIFICATION_BLOCKS,
  scoreStudy,
  simulateArm,
  type BlockSpec,
  type TrialRow,
} from "@/lib/hype";

const RESAMPLES = 10_000;
const REPEATS = 5;

function simulateStudy(arms: string[], evaluatorsPerArm: number, blocks: readonly BlockSpec[], seed: number): TrialRow[] {
  const rows: TrialRow[] = [];
  arms.forEach((arm, i) => {
    const sim = simulateArm({
      arm,
      evaluators: evaluatorsPerArm,
      population: { thresholdMeanMs: 250 + 60 * i, thresholdSdMs: 70, slopePerMs: 0.02, lapseRate: 0.1 + 0.1 * i },
      blocks,
      seed,
    });
    for (const r of sim.rows) rows.push(r);
  });
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** firstMs is the cold run (what a one-shot CLI call pays, JIT included); median/min are warm. */
function timeScoring(rows: TrialRow[]): { firstMs: number; medianMs: number; minMs: number } {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const scores = scoreStudy(rows, { seed: 7, resamples: RESAMPLES });
    times.push(performance.now() - t0);
    if (scores.arms.length === 0) throw new Error("no arms scored");
  }
  return { firstMs: times[0] as number, medianMs: median(times), minMs: Math.min(...times) };
}

const PAPER_BLOCKS = [...QUALIFICATION_BLOCKS, ...HYPE_TIME_BLOCKS]; // 550 answers per evaluator

interface CaseFigures {
  rows: number;
  arms: number;
  evaluatorsPerArm: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
}

/** Simulates, scores and reports one case; its rows are dropped before the next case runs. */
function runCase(title: string, arms: string[], evaluatorsPerArm: number, blocks: readonly BlockSpec[], seed: number): CaseFigures {
  const rows = simulateStudy(arms, evaluatorsPerArm, blocks, seed);
  const t = timeScoring(rows);
  console.log(
    `${title} (${rows.length} rows), ${RESAMPLES} resamples per arm: median ${t.medianMs.toFixed(1)} ms ` +
      `(min ${t.minMs.toFixed(1)} ms, first run ${t.firstMs.toFixed(1)} ms)`,
  );
  return {
    rows: rows.length,
    arms: arms.length,
    evaluatorsPerArm,
    firstMs: round(t.firstMs),
    medianMs: round(t.medianMs),
    minMs: round(t.minMs),
  };
}

// The paper's scale for one model: 30 evaluators × 550 answers.
const paperScale = runCase("1 arm × 30 evaluators × 550 answers", ["stylegan"], 30, PAPER_BLOCKS, 1);
// 1,000,000 answers at the paper's 550 per evaluator: 4 arms × 455 evaluators (1,001,000 rows).
const millionHypeTime = runCase("4 arms × 455 evaluators × 550 answers", ["a", "b", "c", "d"], 455, PAPER_BLOCKS, 2);
// 1,000,000 HYPE_∞ answers at 100 per evaluator: 4 arms × 2,500 evaluators — the bootstrap's
// worst case (10,000 evaluators, three pooled ratios per resample).
const millionHypeInf = runCase("4 arms × 2,500 evaluators × 100 HYPE_∞ answers", ["a", "b", "c", "d"], 2_500, HYPE_INF_BLOCKS, 3);

console.log(
  JSON.stringify({
    bench: "scoring",
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    resamples: RESAMPLES,
    repeats: REPEATS,
    paperScale,
    millionHypeTime,
    millionHypeInf,
  }),
);

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
