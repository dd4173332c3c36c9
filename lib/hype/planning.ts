/**
 * Study planning: how wide will the 95% bootstrap CI of the HYPE score be with N evaluators per
 * arm? (The paper's Fig. 4, for the researcher's own design and expectations, before launch.)
 *
 * Model (docs/planning.md):
 * - HYPE_time: each evaluator is a psychometric observer (observer.ts) with a threshold drawn from
 *   a normal population and a shared slope and lapse rate. They run `blocks` staircases of
 *   `trialsPerBlock` trials with the study's rule; their threshold is the mode of the presented
 *   exposures per block, averaged over blocks (exactly what scoring.ts computes from rows).
 * - HYPE_∞: each evaluator has an error probability drawn from a Beta distribution with the given
 *   mean and SD and answers `trials` untimed trials; the score is the pooled % wrong.
 * - For each replicate a pool of max(N) evaluators is simulated once and every N takes the first N
 *   of them; the CI is the same percentile bootstrap over evaluators as in scoring (bootstrap.ts),
 *   by default with 1,000 resamples instead of 10,000 (the width is averaged over replicates, so
 *   the extra Monte Carlo noise of fewer resamples mostly averages out).
 *
 * Seeds: evaluator e of replicate r and the bootstrap of (r, N) each get their own stream from
 * `seedFrom`, so the figures for one N do not depend on which other Ns were asked for.
 *
 * The staircase here is a mutable, allocation-free copy of staircase.ts's rule (same counters,
 * steps and clamping) because the immutable engine copies its history on every answer; a unit
 * test replays the simulated answers through the real engine and through scoreStudy.
 */
import { bootstrapColumnSums } from "./bootstrap";
import { convergencePoint } from "./convergence";
import { quantileSorted } from "./descriptive";
import { modeWithTieMean } from "./mode";
import { createObserver, exposureForAccuracy, probabilityCorrect, sampleObserver, type ObserverPopulation, type PsychometricObserver } from "./observer";
import { createRng, randomNormal, randomUnit, seedFrom, type RandomGenerator, type Seed } from "./random";
import { HYPE_TIME_STAIRCASE, levelsOf, staircaseParamsSchema, stepRuleOf, type StaircaseParams } from "./staircase-params";
import { toMs } from "./staircase";

export type PlanningProtocol = "hype_time" | "hype_inf";

export interface HypeTimeDesign {
  blocks: number;
  trialsPerBlock: number;
  /** Default: the paper's rule in ms (HYPE_TIME_STAIRCASE). */
  staircase?: StaircaseParams;
}

export interface HypeInfDesign {
  /** Untimed trials per evaluator (the paper: 100). */
  trials: number;
}

/** HYPE_∞ evaluators: error probability ~ Beta with this mean and SD (both as fractions, 0–1). */
export interface ErrorRatePopulation {
  errorRateMean: number;
  errorRateSd: number;
}

interface CommonRequest {
  /** Numbers of evaluators per arm to evaluate, e.g. [5, 10, 15, 20, 30, 40, 60]. */
  evaluatorCounts: readonly number[];
  /** Simulated studies per N (default 20). */
  replicates?: number;
  /** Bootstrap resamples per simulated study (default 1,000; the results page uses 10,000). */
  resamples?: number;
  seed: Seed;
}

export type PlanRequest =
  | (CommonRequest & { protocol: "hype_time"; population: ObserverPopulation; design: HypeTimeDesign })
  | (CommonRequest & { protocol: "hype_inf"; population: ErrorRatePopulation; design: HypeInfDesign });

export interface PlanPoint {
  evaluators: number;
  /** Mean over replicates of the 95% CI width (ms for HYPE_time, percentage points for HYPE_∞). */
  meanWidth: number;
  /** 10th and 90th percentiles of the width over replicates (type-7). */
  p10Width: number;
  p90Width: number;
  /** Mean of the simulated scores (ms or % wrong). */
  meanScore: number;
  /** SD of the simulated scores over replicates: the study-to-study spread the CI estimates. */
  scoreSd: number;
}

export interface PlanResult {
  protocol: PlanningProtocol;
  /** "ms" (HYPE_time) or "%" (HYPE_∞). */
  unit: "ms" | "%";
  /**
   * What the score should land near: HYPE_time, the exposure at the staircase's convergence
   * accuracy for the mean observer (the 75% point for the paper's rule); HYPE_∞, 100 × mean error.
   */
  expectedScore: number;
  /** Accuracy the staircase converges to (HYPE_time), null for HYPE_∞. */
  targetAccuracy: number | null;
  replicates: number;
  resamples: number;
  points: PlanPoint[];
}

export interface PlanProgress {
  done: number;
  total: number;
}

export const PLANNING_DEFAULTS = Object.freeze({
  evaluatorCounts: Object.freeze([5, 10, 15, 20, 30, 40, 60]),
  replicates: 20,
  resamples: 1000,
});

export const PLANNING_LIMITS = Object.freeze({
  maxEvaluators: 500,
  maxCounts: 20,
  maxReplicates: 500,
  minResamples: 100,
  maxResamples: 10_000,
  /** Simulated trials plus bootstrap index draws; about 10 s at most in a browser. */
  maxWork: 150_000_000,
});

/** One problem with the request, located by a dotted path (e.g. "population.lapseRate"). */
export interface PlanningIssue {
  path: string;
  message: string;
}

export class PlanningInputError extends Error {
  override readonly name = "PlanningInputError";
  readonly code = "INVALID_PLAN";
  constructor(readonly issues: readonly PlanningIssue[]) {
    super(`invalid planning input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** All problems with a request (empty when it can run). The UI shows them next to its fields. */
export function validatePlanRequest(request: PlanRequest): PlanningIssue[] {
  const issues: PlanningIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const counts = request.evaluatorCounts;
  if (!Array.isArray(counts) || counts.length === 0) add("evaluatorCounts", "give at least one number of evaluators");
  else if (counts.length > PLANNING_LIMITS.maxCounts) add("evaluatorCounts", `at most ${PLANNING_LIMITS.maxCounts} values`);
  else if (!counts.every((n) => isInt(n) && n >= 2 && n <= PLANNING_LIMITS.maxEvaluators)) {
    add("evaluatorCounts", `whole numbers from 2 to ${PLANNING_LIMITS.maxEvaluators} (one evaluator has no spread to bootstrap)`);
  } else if (new Set(counts).size !== counts.length) add("evaluatorCounts", "each number only once");
  const replicates = request.replicates ?? PLANNING_DEFAULTS.replicates;
  if (!isInt(replicates) || replicates < 2 || replicates > PLANNING_LIMITS.maxReplicates) {
    add("replicates", `a whole number from 2 to ${PLANNING_LIMITS.maxReplicates}`);
  }
  const resamples = request.resamples ?? PLANNING_DEFAULTS.resamples;
  if (!isInt(resamples) || resamples < PLANNING_LIMITS.minResamples || resamples > PLANNING_LIMITS.maxResamples) {
    add("resamples", `a whole number from ${PLANNING_LIMITS.minResamples} to ${PLANNING_LIMITS.maxResamples}`);
  }
  if (!isInt(request.seed)) add("seed", "a whole number");

  let trialsPerEvaluator = Number.NaN;
  if (request.protocol === "hype_time") {
    const { population: p, design: d } = request;
    if (!isNum(p.thresholdMeanMs) || p.thresholdMeanMs <= 0 || p.thresholdMeanMs > 5000) add("population.thresholdMeanMs", "a time in ms above 0 and at most 5000");
    if (!isNum(p.thresholdSdMs) || p.thresholdSdMs < 0 || p.thresholdSdMs > 2000) add("population.thresholdSdMs", "an SD in ms from 0 to 2000");
    if (!isNum(p.slopePerMs) || p.slopePerMs <= 0 || p.slopePerMs > 1) add("population.slopePerMs", "a slope above 0 and at most 1 per ms");
    let target = 0.75;
    const parsed = staircaseParamsSchema.safeParse(d.staircase ?? HYPE_TIME_STAIRCASE);
    if (!parsed.success) add("design.staircase", parsed.error.issues.map((i) => i.message).join("; "));
    else target = convergencePoint(stepRuleOf(parsed.data as StaircaseParams));
    if (!isNum(p.lapseRate) || p.lapseRate < 0 || p.lapseRate >= 0.5) add("population.lapseRate", "a share from 0 to below 0.5");
    else if (1 - p.lapseRate <= target) {
      add("population.lapseRate", `with this lapse rate no exposure reaches the staircase's target of ${(target * 100).toFixed(1)}% correct`);
    }
    if (!isInt(d.blocks) || d.blocks < 1 || d.blocks > 10) add("design.blocks", "a whole number from 1 to 10");
    if (!isInt(d.trialsPerBlock) || d.trialsPerBlock < 2 || d.trialsPerBlock > 1000) add("design.trialsPerBlock", "a whole number from 2 to 1000");
    trialsPerEvaluator = d.blocks * d.trialsPerBlock;
  } else if (request.protocol === "hype_inf") {
    const { population: p, design: d } = request;
    const meanOk = isNum(p.errorRateMean) && p.errorRateMean >= 0 && p.errorRateMean <= 1;
    if (!meanOk) add("population.errorRateMean", "a share from 0 to 1");
    if (!isNum(p.errorRateSd) || p.errorRateSd < 0) add("population.errorRateSd", "an SD of 0 or more");
    else if (meanOk && p.errorRateSd > 0 && p.errorRateSd ** 2 >= p.errorRateMean * (1 - p.errorRateMean)) {
      const max = Math.sqrt(p.errorRateMean * (1 - p.errorRateMean));
      add("population.errorRateSd", `must be below ${(max * 100).toFixed(1)} points for this mean (error rates stay within 0–100%)`);
    }
    if (!isInt(d.trials) || d.trials < 1 || d.trials > 1000) add("design.trials", "a whole number from 1 to 1000");
    trialsPerEvaluator = d.trials;
  } else {
    add("protocol", `"hype_time" or "hype_inf"`);
  }
  if (issues.length === 0) {
    const work = replicates * (Math.max(...counts) * trialsPerEvaluator + counts.reduce((s, n) => s + n, 0) * resamples);
    if (work > PLANNING_LIMITS.maxWork) add("replicates", "too much work for the browser: use fewer replicates, resamples or evaluators");
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Simulated evaluators

export interface TimedBlock {
  /** Exposure presented on each trial, ms. */
  exposuresMs: Float64Array;
  /** 1 = correct. */
  correct: Uint8Array;
}

/**
 * One evaluator through `design.blocks` staircases (a fresh one per block): the same rule as
 * staircase.ts's addResponse. Returns their threshold (mode per block, averaged) and the trials.
 */
export function simulateTimedEvaluator(
  observer: PsychometricObserver,
  design: HypeTimeDesign,
  rng: RandomGenerator,
): { thresholdMs: number; blocks: TimedBlock[] } {
  const params = design.staircase ?? HYPE_TIME_STAIRCASE;
  const { start, min, max, stepUp, stepDown, nDown, nUp } = levelsOf(params);
  const blocks: TimedBlock[] = [];
  let sum = 0;
  for (let b = 0; b < design.blocks; b++) {
    const exposuresMs = new Float64Array(design.trialsPerBlock);
    const correct = new Uint8Array(design.trialsPerBlock);
    let level = start;
    let correctRun = 0;
    let errorRun = 0;
    for (let t = 0; t < design.trialsPerBlock; t++) {
      const ms = toMs(params, level);
      exposuresMs[t] = ms;
      const ok = randomUnit(rng) < probabilityCorrect(observer, ms);
      correct[t] = ok ? 1 : 0;
      if (ok) {
        correctRun++;
        errorRun = 0;
        if (correctRun >= nDown) {
          level = Math.max(min, level - stepDown);
          correctRun = 0;
        }
      } else {
        errorRun++;
        correctRun = 0;
        if (errorRun >= nUp) {
          level = Math.min(max, level + stepUp);
          errorRun = 0;
        }
      }
    }
    sum += modeWithTieMean(exposuresMs);
    blocks.push({ exposuresMs, correct });
  }
  return { thresholdMs: sum / design.blocks, blocks };
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 via the u^(1/shape) boost). */
function randomGamma(shape: number, rng: RandomGenerator): number {
  if (shape < 1) return randomGamma(shape + 1, rng) * Math.pow(1 - randomUnit(rng), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = randomNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - randomUnit(rng);
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** An evaluator's error probability: Beta(mean, sd) by the method of moments; the mean if sd = 0. */
export function sampleErrorRate(population: ErrorRatePopulation, rng: RandomGenerator): number {
  const { errorRateMean: m, errorRateSd: s } = population;
  if (s === 0 || m === 0 || m === 1) return m;
  const k = (m * (1 - m)) / (s * s) - 1;
  const a = randomGamma(m * k, rng);
  const b = randomGamma((1 - m) * k, rng);
  // Near the largest possible SD both shapes are tiny and both draws can underflow to 0; the
  // Beta's limit there is an all-or-nothing evaluator (error rate 0 or 1, the latter with p = m).
  if (a + b === 0) return randomUnit(rng) < m ? 1 : 0;
  return a / (a + b);
}

/** Wrong answers of one untimed evaluator. */
export function simulateUntimedErrors(errorRate: number, trials: number, rng: RandomGenerator): number {
  let wrong = 0;
  for (let t = 0; t < trials; t++) if (randomUnit(rng) < errorRate) wrong++;
  return wrong;
}

// ---------------------------------------------------------------------------------------------
// The plan

interface Resolved {
  counts: number[];
  replicates: number;
  resamples: number;
}

function resolve(request: PlanRequest): Resolved {
  const issues = validatePlanRequest(request);
  if (issues.length > 0) throw new PlanningInputError(issues);
  return {
    counts: [...request.evaluatorCounts].sort((a, b) => a - b),
    replicates: request.replicates ?? PLANNING_DEFAULTS.replicates,
    resamples: request.resamples ?? PLANNING_DEFAULTS.resamples,
  };
}

/** Per-evaluator columns for the bootstrap: [statistic numerator, denominator]. */
function simulatePool(request: PlanRequest, replicate: number, size: number): { num: Float64Array; den: Float64Array } {
  const num = new Float64Array(size);
  const den = new Float64Array(size).fill(1);
  if (request.protocol === "hype_time") {
    for (let e = 0; e < size; e++) {
      const rng = createRng(seedFrom(request.seed, "plan", replicate, e));
      const observer = sampleObserver(request.population, rng);
      num[e] = simulateTimedEvaluator(observer, request.design, rng).thresholdMs;
    }
  } else {
    for (let e = 0; e < size; e++) {
      const rng = createRng(seedFrom(request.seed, "plan", replicate, e));
      const rate = sampleErrorRate(request.population, rng);
      num[e] = 100 * simulateUntimedErrors(rate, request.design.trials, rng);
      den[e] = request.design.trials;
    }
  }
  return { num, den };
}

function expectedScore(request: PlanRequest): { expected: number; target: number | null } {
  if (request.protocol === "hype_inf") return { expected: 100 * request.population.errorRateMean, target: null };
  const target = convergencePoint(stepRuleOf(request.design.staircase ?? HYPE_TIME_STAIRCASE));
  const { thresholdMeanMs, slopePerMs, lapseRate } = request.population;
  // Shared slope and lapse: the mean of the observers' target points is the mean observer's.
  return { expected: exposureForAccuracy(createObserver({ thresholdMs: thresholdMeanMs, slopePerMs, lapseRate }), target), target };
}

function summarize(evaluators: number, widths: Float64Array, scores: Float64Array): PlanPoint {
  const sorted = Float64Array.from(widths).sort();
  const r = widths.length;
  let w = 0;
  let s = 0;
  for (let i = 0; i < r; i++) {
    w += widths[i] as number;
    s += scores[i] as number;
  }
  const meanScore = s / r;
  let ss = 0;
  for (let i = 0; i < r; i++) ss += ((scores[i] as number) - meanScore) ** 2;
  return {
    evaluators,
    meanWidth: w / r,
    p10Width: quantileSorted(sorted, 0.1),
    p90Width: quantileSorted(sorted, 0.9),
    meanScore,
    scoreSd: r > 1 ? Math.sqrt(ss / (r - 1)) : 0,
  };
}

/**
 * The plan, one replicate per step: yields progress after each simulated study and returns the
 * result. A Web Worker (or a setTimeout loop) drives it so the page stays responsive and can
 * cancel between steps. Throws PlanningInputError before the first step when the input is invalid.
 */
export function* planCiWidthSteps(request: PlanRequest): Generator<PlanProgress, PlanResult, void> {
  const { counts, replicates, resamples } = resolve(request);
  const poolSize = counts[counts.length - 1] as number;
  const widths = counts.map(() => new Float64Array(replicates));
  const scores = counts.map(() => new Float64Array(replicates));
  const statistic = (sums: Float64Array) => (sums[0] as number) / (sums[1] as number);
  for (let r = 0; r < replicates; r++) {
    const { num, den } = simulatePool(request, r, poolSize);
    counts.forEach((n, k) => {
      const [estimate] = bootstrapColumnSums([num.subarray(0, n), den.subarray(0, n)], [statistic], {
        seed: seedFrom(request.seed, "plan-bootstrap", r, n),
        resamples,
      });
      (widths[k] as Float64Array)[r] = estimate!.ci[1] - estimate!.ci[0];
      (scores[k] as Float64Array)[r] = estimate!.score;
    });
    yield { done: r + 1, total: replicates };
  }
  const { expected, target } = expectedScore(request);
  return {
    protocol: request.protocol,
    unit: request.protocol === "hype_time" ? "ms" : "%",
    expectedScore: expected,
    targetAccuracy: target,
    replicates,
    resamples,
    points: counts.map((n, k) => summarize(n, widths[k] as Float64Array, scores[k] as Float64Array)),
  };
}

/** Runs {@link planCiWidthSteps} to the end (tests, bench, server). */
export function planCiWidth(request: PlanRequest): PlanResult {
  const steps = planCiWidthSteps(request);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The smallest simulated N whose width (by default the mean; "p90Width" to be 90% sure) is at
 * most `target`, or null when none is.
 */
export function smallestCountReaching(
  points: readonly PlanPoint[],
  target: number,
  by: "meanWidth" | "p90Width" = "meanWidth",
): number | null {
  if (!(target > 0)) return null;
  const sorted = [...points].sort((a, b) => a.evaluators - b.evaluators);
  return sorted.find((p) => p[by] <= target)?.evaluators ?? null;
}

/**
 * Rough N beyond the simulated range: CI width ∝ 1/√N from the largest simulated N, rounded up.
 * Only a hint for when no simulated N reaches the target.
 */
export function extrapolateCount(points: readonly PlanPoint[], target: number, by: "meanWidth" | "p90Width" = "meanWidth"): number | null {
  if (!(target > 0) || points.length === 0) return null;
  const last = [...points].sort((a, b) => b.evaluators - a.evaluators)[0] as PlanPoint;
  if (!(last[by] > 0)) return null;
  return Math.ceil(last.evaluators * (last[by] / target) ** 2);
}
