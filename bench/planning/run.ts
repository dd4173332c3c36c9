/**
 * Times planCiWidth (lib/hype/planning.ts) on the page's default settings and a few heavier ones.
 * Run: npx tsx bench/planning/run.ts   (one line per case, then a JSON object)
 */
import { planCiWidth, PLANNING_DEFAULTS, type PlanRequest } from "@/lib/hype/planning";
import { HYPE_TIME_STAIRCASE } from "@/lib/hype";

const counts = [...PLANNING_DEFAULTS.evaluatorCounts];
const time: PlanRequest = {
  protocol: "hype_time",
  population: { thresholdMeanMs: 300, thresholdSdMs: 100, slopePerMs: 0.02, lapseRate: 0.02 },
  design: { blocks: 3, trialsPerBlock: 150, staircase: HYPE_TIME_STAIRCASE },
  evaluatorCounts: counts,
  replicates: 20,
  resamples: 1000,
  seed: 1,
};
const inf: PlanRequest = {
  protocol: "hype_inf",
  population: { errorRateMean: 0.3, errorRateSd: 0.1 },
  design: { trials: 100 },
  evaluatorCounts: counts,
  replicates: 20,
  resamples: 1000,
  seed: 1,
};
const cases: Array<[string, PlanRequest]> = [
  ["hype_time 3×150, N≤60, 20 replicates, 1,000 resamples (page default)", time],
  ["hype_inf 100 trials, N≤60, 20 replicates, 1,000 resamples", inf],
  ["hype_time, 100 replicates, 1,000 resamples", { ...time, replicates: 100 }],
  ["hype_time, 20 replicates, 10,000 resamples", { ...time, resamples: 10_000 }],
];

const results: Record<string, { firstMs: number; medianMs: number }> = {};
for (const [name, request] of cases) {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    planCiWidth(request);
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  results[name] = { firstMs: Math.round(runs[0]!), medianMs: Math.round(sorted[2]!) };
  console.log(`${name}: first ${results[name]!.firstMs} ms, median of 5 ${results[name]!.medianMs} ms`);
}
console.log(JSON.stringify({ node: process.version, results }));
