import { type FeatureSet, gatherRows } from "./features";
import { gemmNT } from "./linalg/gemm";
import { createSampler } from "./rng";

/**
 * Kernel Inception Distance (Bińkowski et al. 2018), as torch-fidelity:
 * polynomial kernel k(x,y) = (x·y/d + 1)³, unbiased MMD² per subset,
 * mean and population std (ddof = 0) over subsets.
 *
 * Subsets: each subset draws `subsetSize` real and `subsetSize` fake rows
 * WITHOUT replacement within the subset (torch-fidelity:
 * rng.choice(n, size, replace=False)), independently across subsets, from
 * our seeded xoroshiro128+ (torch-fidelity uses numpy RandomState(2020), so
 * the exact subsets differ). torch-fidelity refuses sets smaller than the
 * subset size; we instead use min(subsetSize, nReal, nFake) and report it.
 */

export interface KidOptions {
  readonly subsets?: number;
  readonly subsetSize?: number;
  readonly seed?: number;
  /**
   * Performance knob: when nReal + nFake ≤ this, all dot products are
   * computed once (8·n² bytes) and subsets become lookups. Results are
   * bit-identical either way. Default 4096.
   */
  readonly gramCacheMaxRows?: number;
}

export interface KidResult {
  readonly mean: number;
  readonly std: number;
  readonly subsets: number;
  readonly subsetSize: number;
  readonly values: Float64Array;
}

const GRAM_CACHE_MAX_ROWS = 4096;

export function kernelInceptionDistance(real: FeatureSet, fake: FeatureSet, options: KidOptions = {}): KidResult {
  const d = real.dim;
  if (fake.dim !== d) throw new Error(`KID: feature dimensions differ (${d} vs ${fake.dim})`);
  const subsets = options.subsets ?? 100;
  const subsetSize = Math.min(options.subsetSize ?? 1000, real.rows, fake.rows);
  if (!Number.isInteger(subsets) || subsets < 1) throw new Error(`KID: subsets must be a positive integer, got ${subsets}`);
  if (subsetSize < 2) throw new Error(`KID: need at least 2 samples per set, have ${real.rows} real and ${fake.rows} fake`);
  const sampler = createSampler(options.seed ?? 2020);
  const values = new Float64Array(subsets);

  // Small sets: all dot products once, subsets become lookups. Values are
  // bit-identical to recomputing per subset (same kernel, same k order).
  const gram = real.rows + fake.rows <= (options.gramCacheMaxRows ?? GRAM_CACHE_MAX_ROWS) ? jointGram(real, fake) : null;
  for (let s = 0; s < subsets; s++) {
    const ir = sampler.sampleWithoutReplacement(real.rows, subsetSize);
    const jf = sampler.sampleWithoutReplacement(fake.rows, subsetSize);
    if (gram) {
      const n = real.rows + fake.rows;
      const jfShift = jf.map((j) => j + real.rows);
      values[s] = mmd2FromDots(subsetSize, d, (a, b) => gram[(ir[a] as number) * n + (ir[b] as number)] as number,
        (a, b) => gram[(jfShift[a] as number) * n + (jfShift[b] as number)] as number,
        (a, b) => gram[(ir[a] as number) * n + (jfShift[b] as number)] as number);
    } else {
      values[s] = mmd2Unbiased(gatherRows(real, ir), gatherRows(fake, jf));
    }
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= subsets;
  let varSum = 0;
  for (const v of values) varSum += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(varSum / subsets), subsets, subsetSize, values };
}

/** Unbiased MMD² between equally sized sets X, Y with the cubic polynomial kernel. */
export function mmd2Unbiased(x: FeatureSet, y: FeatureSet): number {
  if (x.rows !== y.rows || x.dim !== y.dim) throw new Error("mmd2Unbiased: sets must have equal shape");
  const m = x.rows;
  const d = x.dim;
  const kxx = dots(x, x);
  const kyy = dots(y, y);
  const kxy = dots(x, y);
  return mmd2FromDots(m, d, (a, b) => kxx[a * m + b] as number, (a, b) => kyy[a * m + b] as number, (a, b) => kxy[a * m + b] as number);
}

/**
 * torch-fidelity's mmd2(..., mmd_est='unbiased'):
 *   (ΣΣ_{a≠b} Kxx + ΣΣ_{a≠b} Kyy)/(m(m−1)) − 2·ΣΣ Kxy/m²
 * Dot products are symmetric, so only a > b is visited for Kxx and Kyy.
 */
function mmd2FromDots(
  m: number,
  d: number,
  dxx: (a: number, b: number) => number,
  dyy: (a: number, b: number) => number,
  dxy: (a: number, b: number) => number,
): number {
  const k = (dot: number) => {
    const t = dot / d + 1;
    return t * t * t;
  };
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < a; b++) {
      sxx += k(dxx(a, b));
      syy += k(dyy(a, b));
    }
    for (let b = 0; b < m; b++) sxy += k(dxy(a, b));
  }
  return (2 * sxx + 2 * syy) / (m * (m - 1)) - (2 * sxy) / (m * m);
}

/** Full matrix of dot products X·Yᵀ (rows_x × rows_y). */
function dots(x: FeatureSet, y: FeatureSet): Float64Array {
  const out = new Float64Array(x.rows * y.rows);
  gemmNT({
    p: x.data, ldp: x.dim, q: y.data, ldq: y.dim, c: out, ldc: y.rows,
    iLo: 0, iHi: x.rows, jLo: () => 0, jHi: () => y.rows,
    kLo: () => 0, kHi: () => x.dim,
    alpha: 1, beta: 0,
  });
  return out;
}

/** Dot products among the stacked rows [real; fake], full symmetric n×n. */
function jointGram(real: FeatureSet, fake: FeatureSet): Float64Array {
  const d = real.dim;
  const n = real.rows + fake.rows;
  const stacked = new Float64Array(n * d);
  stacked.set(real.data.subarray(0, real.rows * d), 0);
  stacked.set(fake.data.subarray(0, fake.rows * d), real.rows * d);
  const g = new Float64Array(n * n);
  gemmNT({
    p: stacked, ldp: d, q: stacked, ldq: d, c: g, ldc: n,
    iLo: 0, iHi: n, jLo: () => 0, jHi: (i) => i + 1,
    kLo: () => 0, kHi: () => d,
    alpha: 1, beta: 0,
  });
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j] as number;
  return g;
}
