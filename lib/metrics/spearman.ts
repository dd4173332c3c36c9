/**
 * Spearman rank correlation with its two-sided p-value, as `scipy.stats.spearmanr`:
 * ρ = Pearson correlation of the average ranks (ties share the mean of their ranks), and
 * p = 2·P(T > |t|) for t = ρ·√((n−2)/((1+ρ)(1−ρ))) with T ~ Student t(n−2), from the regularized
 * incomplete beta: P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
 *
 * With the handful of arms a study has, the t approximation is rough (exact permutation p-values
 * would differ for n < 10); the page says so. Pure.
 */
import jStat from "jstat";

export interface SpearmanResult {
  /** NaN when either side is constant (no ranking to correlate). */
  rho: number;
  /** Two-sided; null when n < 3 or ρ is undefined. */
  p: number | null;
  n: number;
}

/** Average ranks, 1-based (ties get the mean of the ranks they span). */
export function averageRanks(values: readonly number[]): Float64Array {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]![0] === order[start]![0]) end++;
    const rank = (start + end + 1) / 2; // mean of start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]![1]] = rank;
    start = end;
  }
  return ranks;
}

function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export function spearman(x: readonly number[], y: readonly number[]): SpearmanResult {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} values against ${y.length}`);
  if (x.some((v) => !Number.isFinite(v)) || y.some((v) => !Number.isFinite(v))) throw new Error("spearman: values must be finite");
  const n = x.length;
  if (n < 2) return { rho: Number.NaN, p: null, n };
  const rho = pearson(averageRanks(x), averageRanks(y));
  if (Number.isNaN(rho) || n < 3) return { rho, p: null, n };
  const dof = n - 2;
  if (Math.abs(rho) === 1) return { rho, p: 0, n };
  const t2 = (rho * rho * dof) / ((1 + rho) * (1 - rho));
  const p = jStat.ibeta(dof / (dof + t2), dof / 2, 0.5);
  return { rho, p: p === false ? null : Math.min(1, Math.max(0, p)), n };
}
