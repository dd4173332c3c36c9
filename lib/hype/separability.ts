/**
 * Are the arms' scores distinguishable? The paper runs a one-way ANOVA with Tukey HSD across
 * models, and an unpaired t-test for two models. The observations are per-evaluator scores
 * (HYPE_time thresholds in ms; HYPE_∞ per-evaluator % wrong), since evaluators are the
 * independent units. Distribution functions come from jstat; tail probabilities are taken from
 * the regularized incomplete beta directly rather than as 1 − cdf, to keep small p-values.
 *
 * Checked against scipy (f_oneway, tukey_hsd, ttest_ind) in tests/unit/hype/separability.test.ts.
 */
import jStat from "jstat";
import { mean, sampleVariance } from "./descriptive";

export interface Group {
  name: string;
  values: ArrayLike<number>;
}

export interface AnovaResult {
  F: number;
  dfBetween: number;
  dfWithin: number;
  p: number;
  /** Mean square within groups (the pooled variance used by Tukey HSD). */
  msWithin: number;
}

export interface TukeyComparison {
  a: string;
  b: string;
  /** mean(a) − mean(b). */
  meanDiff: number;
  /** Studentized range statistic |meanDiff| / SE. */
  q: number;
  p: number;
  /** Simultaneous confidence interval for meanDiff (Tukey–Kramer for unequal group sizes). */
  ci: [number, number];
}

export interface TTestResult {
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
}

export interface SeparabilityResult {
  groups: Array<{ name: string; n: number; mean: number; sd: number }>;
  anova: AnovaResult;
  tukey: TukeyComparison[];
  /** Only for exactly two groups: Student's pooled-variance test (the paper's literal
   * "unpaired t-test") and Welch's unequal-variance test. Null where a variant is undefined. */
  tTest: { student: TTestResult | null; welch: TTestResult | null } | null;
}

function ibeta(x: number, a: number, b: number): number {
  const v = jStat.ibeta(x, a, b);
  return v === false ? Number.NaN : v;
}

/** Upper tail P(F > f) of the F(d1, d2) distribution. */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return Number.NaN;
  if (f === Number.POSITIVE_INFINITY) return 0;
  if (f <= 0) return 1;
  return ibeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** Two-sided P(|T| > |t|) for Student's t with df degrees of freedom (df may be fractional). */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return ibeta(df / (df + t * t), df / 2, 0.5);
}

export function oneWayAnova(groups: readonly Group[]): AnovaResult {
  const k = groups.length;
  const N = groups.reduce((s, g) => s + g.values.length, 0);
  let grand = 0;
  for (const g of groups) for (let i = 0; i < g.values.length; i++) grand += g.values[i] as number;
  grand /= N;
  let ssb = 0;
  let ssw = 0;
  for (const g of groups) {
    const m = mean(g.values);
    ssb += g.values.length * (m - grand) ** 2;
    for (let i = 0; i < g.values.length; i++) ssw += ((g.values[i] as number) - m) ** 2;
  }
  const dfBetween = k - 1;
  const dfWithin = N - k;
  const msb = ssb / dfBetween;
  const msw = ssw / dfWithin;
  // Zero within-group spread: any between-group difference is infinitely significant, none is undefined.
  const F = msw === 0 ? (msb === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : msb / msw;
  return { F, dfBetween, dfWithin, p: fSurvival(F, dfBetween, dfWithin), msWithin: msw };
}

export function tukeyHsd(groups: readonly Group[], msWithin: number, dfWithin: number, confidence = 0.95): TukeyComparison[] {
  const k = groups.length;
  const qCritical = jStat.tukey.inv(confidence, k, dfWithin);
  const out: TukeyComparison[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = groups[i] as Group;
      const b = groups[j] as Group;
      const meanDiff = mean(a.values) - mean(b.values);
      const se = Math.sqrt((msWithin / 2) * (1 / a.values.length + 1 / b.values.length));
      const q = Math.abs(meanDiff) / se;
      const p = se === 0 ? (meanDiff === 0 ? Number.NaN : 0) : Math.max(0, 1 - jStat.tukey.cdf(q, k, dfWithin));
      out.push({ a: a.name, b: b.name, meanDiff, q, p, ci: [meanDiff - qCritical * se, meanDiff + qCritical * se] });
    }
  }
  return out;
}

/** Student's unpaired t-test with pooled variance (scipy ttest_ind, equal_var=True). */
export function studentTTest(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult | null {
  const n1 = a.length;
  const n2 = b.length;
  const df = n1 + n2 - 2;
  if (n1 < 1 || n2 < 1 || df < 1) return null;
  const ss1 = n1 > 1 ? sampleVariance(a) * (n1 - 1) : 0;
  const ss2 = n2 > 1 ? sampleVariance(b) * (n2 - 1) : 0;
  const pooled = (ss1 + ss2) / df;
  const t = (mean(a) - mean(b)) / Math.sqrt(pooled * (1 / n1 + 1 / n2));
  return { t, df, p: tTwoSided(t, df) };
}

/** Welch's unequal-variance t-test (scipy ttest_ind, equal_var=False). */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 < 2 || n2 < 2) return null;
  const v1 = sampleVariance(a) / n1;
  const v2 = sampleVariance(b) / n2;
  const t = (mean(a) - mean(b)) / Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1));
  return { t, df, p: tTwoSided(t, df) };
}

/**
 * ANOVA + Tukey HSD across all groups, plus both t-tests when there are exactly two.
 * Returns null when there is nothing to compare (fewer than two groups, or no within-group
 * degrees of freedom).
 */
export function separability(groups: readonly Group[], confidence = 0.95): SeparabilityResult | null {
  const used = groups.filter((g) => g.values.length > 0);
  const N = used.reduce((s, g) => s + g.values.length, 0);
  if (used.length < 2 || N - used.length < 1) return null;
  const anova = oneWayAnova(used);
  return {
    groups: used.map((g) => ({
      name: g.name,
      n: g.values.length,
      mean: mean(g.values),
      sd: Math.sqrt(sampleVariance(g.values)),
    })),
    anova,
    tukey: tukeyHsd(used, anova.msWithin, anova.dfWithin, confidence),
    tTest:
      used.length === 2
        ? { student: studentTTest(used[0]!.values, used[1]!.values), welch: welchTTest(used[0]!.values, used[1]!.values) }
        : null,
  };
}
