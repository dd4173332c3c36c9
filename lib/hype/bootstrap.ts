/**
 * Nonparametric bootstrap over evaluators (the paper's CI): draw as many evaluators as there are,
 * with replacement, recompute the statistic, repeat (default 10,000 times, seeded). The interval
 * is the percentile interval of the replicates (type-7 quantiles); the SD is the sample SD of the
 * replicates. The statistic is computed from per-evaluator summaries held in typed arrays, so a
 * resample costs one random index and a few additions per evaluator.
 */
import { quantileSorted } from "./descriptive";
import { createRng, randomIndex, type Seed } from "./random";

export interface BootstrapOptions {
  seed: Seed;
  /** Number of resamples (default 10,000). */
  resamples?: number;
  /** Two-sided coverage of the interval (default 0.95). */
  confidence?: number;
}

export interface BootstrapEstimate {
  /** The statistic on the observed data (not the bootstrap mean). */
  score: number;
  /** Percentile interval [lower, upper]. */
  ci: [number, number];
  /** Standard deviation of the bootstrap replicates. */
  bootstrapSd: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_CONFIDENCE = 0.95;
/** Column sums are kept in four registers; HYPE needs one (HYPE_time) or four (HYPE_∞). */
const MAX_COLUMNS = 4;

function resolve(options: BootstrapOptions): { resamples: number; confidence: number } {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be an integer ≥ 1`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1)`);
  return { resamples, confidence };
}

/** Interval and SD from replicates; non-finite replicates (e.g. 0/0) are left out. */
export function summarizeReplicates(score: number, replicates: Float64Array, confidence: number): BootstrapEstimate {
  const finite = replicates.filter(Number.isFinite).sort();
  const n = finite.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += finite[i] as number;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((finite[i] as number) - m) ** 2;
  const alpha = (1 - confidence) / 2;
  return {
    score,
    ci: [quantileSorted(finite, alpha), quantileSorted(finite, 1 - alpha)],
    bootstrapSd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
  };
}

/**
 * Bootstrap of statistics that depend only on column sums over evaluators. Each column holds one
 * number per evaluator (e.g. their wrong answers, their answers); each resample draws n evaluators
 * with replacement, sums the columns once, and evaluates every statistic on those sums, so several
 * statistics share the same resampled evaluators. Returns one estimate per statistic.
 */
export function bootstrapColumnSums(
  columns: ReadonlyArray<ArrayLike<number>>,
  statistics: ReadonlyArray<(sums: Float64Array, n: number) => number>,
  options: BootstrapOptions,
): BootstrapEstimate[] {
  const { resamples, confidence } = resolve(options);
  const c = columns.length;
  const n = columns[0]?.length ?? 0;
  if (n === 0) throw new RangeError("cannot bootstrap zero evaluators");
  if (c === 0 || c > MAX_COLUMNS) throw new RangeError(`between 1 and ${MAX_COLUMNS} columns are supported`);
  // Interleaved per evaluator with a fixed stride of 4 ([col0, col1, col2, col3], zero-padded) so
  // one drawn index reads adjacent memory and the sums live in local variables: this loop runs
  // n × resamples times (25 million for 2,500 evaluators).
  const data = new Float64Array(n * MAX_COLUMNS);
  const observedSums = new Float64Array(c);
  columns.forEach((col, j) => {
    if (col.length !== n) throw new RangeError("columns differ in length");
    for (let i = 0; i < n; i++) {
      data[i * MAX_COLUMNS + j] = col[i] as number;
      observedSums[j] = (observedSums[j] as number) + (col[i] as number);
    }
  });
  const replicates = statistics.map(() => new Float64Array(resamples));
  const sums = new Float64Array(c);
  const rng = createRng(options.seed);
  for (let b = 0; b < resamples; b++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const base = randomIndex(rng, n) * MAX_COLUMNS;
      s0 += data[base] as number;
      s1 += data[base + 1] as number;
      s2 += data[base + 2] as number;
      s3 += data[base + 3] as number;
    }
    sums[0] = s0;
    if (c > 1) sums[1] = s1;
    if (c > 2) sums[2] = s2;
    if (c > 3) sums[3] = s3;
    for (let s = 0; s < statistics.length; s++) {
      (replicates[s] as Float64Array)[b] = (statistics[s] as (sums: Float64Array, n: number) => number)(sums, n);
    }
  }
  return statistics.map((stat, s) => summarizeReplicates(stat(observedSums, n), replicates[s] as Float64Array, confidence));
}

/** Bootstrap of the mean of per-evaluator values (HYPE_time: thresholds in ms). */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions): BootstrapEstimate {
  return bootstrapColumnSums([values], [(sums, n) => (sums[0] as number) / n], options)[0] as BootstrapEstimate;
}
