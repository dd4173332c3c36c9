/** Small descriptive statistics on numeric arrays (plain or typed). */

type Numbers = ArrayLike<number>;

export function mean(xs: Numbers): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Sample variance (n − 1 denominator); NaN for fewer than two values. */
export function sampleVariance(xs: Numbers): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - m;
    ss += d * d;
  }
  return ss / (n - 1);
}

/**
 * Quantile of an ascending-sorted array by linear interpolation between order statistics
 * (Hyndman–Fan type 7, numpy's default `percentile`), so figures can be checked against numpy.
 */
export function quantileSorted(sorted: Numbers, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}
