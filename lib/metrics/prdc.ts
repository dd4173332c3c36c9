import type { FeatureSet } from "./features";
import { gemmNT } from "./linalg/gemm";

/**
 * k-NN manifold metrics on one pass over the pairwise distances:
 *
 * Improved precision / recall (Kynkäänniemi et al. 2019, k = 3): the real
 * manifold is the union of balls around each real sample with radius its
 * distance to the k-th nearest other real sample; precision is the fraction
 * of fake samples inside it, with `<=` as in the official code
 * (`distance_batch <= self.D`). Recall swaps the roles.
 *
 * Density / coverage (Naeem et al. 2020, k = 5, strict `<` as in the prdc
 * package): density = (1/(k·M)) Σ_fake #{real i : d(i,j) < r_i};
 * coverage = fraction of real i whose nearest fake is < r_i.
 *
 * Radii exclude the sample itself by index. The references take the
 * (k+1)-th smallest distance including self (= 0), which is the same value
 * even when duplicates are present. Distances are compared squared
 * (monotone), computed as ‖x‖² + ‖y‖² − 2x·y with the dot-product kernel in
 * row blocks, so memory stays O(block·N) instead of O(N²).
 */

export interface PrdcOptions {
  readonly kPrecisionRecall?: number;
  readonly kDensityCoverage?: number;
}

export interface PrdcResult {
  readonly precision: number;
  readonly recall: number;
  readonly density: number;
  readonly coverage: number;
}

const BLOCK = 64;

export function precisionRecallDensityCoverage(real: FeatureSet, fake: FeatureSet, options: PrdcOptions = {}): PrdcResult {
  const kpr = options.kPrecisionRecall ?? 3;
  const kdc = options.kDensityCoverage ?? 5;
  if (real.dim !== fake.dim) throw new Error(`PRDC: feature dimensions differ (${real.dim} vs ${fake.dim})`);
  const kMax = Math.max(kpr, kdc);
  if (real.rows <= kMax || fake.rows <= kMax) {
    throw new Error(`PRDC: need more than ${kMax} samples per set for k = ${kMax}, have ${real.rows} real and ${fake.rows} fake`);
  }
  const realKnn = kthNeighbourSquared(real, [kpr, kdc]);
  const fakeKnn = kthNeighbourSquared(fake, [kpr]);
  const rReal3 = realKnn[0] as Float64Array;
  const rReal5 = realKnn[1] as Float64Array;
  const rFake3 = fakeKnn[0] as Float64Array;

  let precisionCount = 0;
  let densityCount = 0;
  const realInFake = new Uint8Array(real.rows);
  const nearestFake = new Float64Array(real.rows).fill(Infinity);
  forEachDistanceBlock(fake, real, (j, dist) => {
    // dist[i] = squared distance between fake j and real i.
    let inside = false;
    const rf = rFake3[j] as number;
    for (let i = 0; i < real.rows; i++) {
      const dd = dist[i] as number;
      if (dd <= (rReal3[i] as number)) inside = true;
      if (dd < (rReal5[i] as number)) densityCount++;
      if (dd <= rf) realInFake[i] = 1;
      if (dd < (nearestFake[i] as number)) nearestFake[i] = dd;
    }
    if (inside) precisionCount++;
  });
  let recallCount = 0;
  let coverageCount = 0;
  for (let i = 0; i < real.rows; i++) {
    recallCount += realInFake[i] as number;
    if ((nearestFake[i] as number) < (rReal5[i] as number)) coverageCount++;
  }
  return {
    precision: precisionCount / fake.rows,
    recall: recallCount / real.rows,
    density: densityCount / (kdc * fake.rows),
    coverage: coverageCount / real.rows,
  };
}

/** For each k in ks: squared distance from each row to its k-th nearest other row. */
export function kthNeighbourSquared(set: FeatureSet, ks: readonly number[]): Float64Array[] {
  const kMax = Math.max(...ks);
  const out = ks.map(() => new Float64Array(set.rows));
  const best = new Float64Array(kMax);
  forEachDistanceBlock(set, set, (i, dist) => {
    // Keep the kMax smallest distances to other rows, sorted (insertion).
    let filled = 0;
    for (let j = 0; j < set.rows; j++) {
      if (j === i) continue;
      const dd = dist[j] as number;
      if (filled < kMax) {
        let p = filled++;
        while (p > 0 && (best[p - 1] as number) > dd) {
          best[p] = best[p - 1] as number;
          p--;
        }
        best[p] = dd;
      } else if (dd < (best[kMax - 1] as number)) {
        let p = kMax - 1;
        while (p > 0 && (best[p - 1] as number) > dd) {
          best[p] = best[p - 1] as number;
          p--;
        }
        best[p] = dd;
      }
    }
    ks.forEach((k, t) => {
      (out[t] as Float64Array)[i] = best[k - 1] as number;
    });
  });
  return out;
}

/**
 * Calls visit(i, dist) for every row i of `a`, where dist[j] is the squared
 * distance to row j of `b` (clamped at 0 against rounding, as the TF
 * reference does). Rows of `a` are processed BLOCK at a time through the
 * dot-product kernel.
 */
function forEachDistanceBlock(a: FeatureSet, b: FeatureSet, visit: (i: number, dist: Float64Array) => void): void {
  const d = a.dim;
  const normsA = squaredNorms(a);
  const normsB = a === b ? normsA : squaredNorms(b);
  const block = new Float64Array(BLOCK * b.rows);
  const dist = new Float64Array(b.rows);
  for (let i0 = 0; i0 < a.rows; i0 += BLOCK) {
    const i1 = Math.min(a.rows, i0 + BLOCK);
    gemmNT({
      p: a.data, ldp: d, pOff: i0 * d, q: b.data, ldq: d, c: block, ldc: b.rows,
      iLo: 0, iHi: i1 - i0, jLo: () => 0, jHi: () => b.rows,
      kLo: () => 0, kHi: () => d,
      alpha: 1, beta: 0,
    });
    for (let i = i0; i < i1; i++) {
      const row = (i - i0) * b.rows;
      const na = normsA[i] as number;
      for (let j = 0; j < b.rows; j++) {
        dist[j] = Math.max(na + (normsB[j] as number) - 2 * (block[row + j] as number), 0);
      }
      if (a === b) dist[i] = 0;
      visit(i, dist);
    }
  }
}

function squaredNorms(s: FeatureSet): Float64Array {
  const out = new Float64Array(s.rows);
  for (let i = 0; i < s.rows; i++) {
    let t = 0;
    for (let k = 0; k < s.dim; k++) {
      const v = s.data[i * s.dim + k] as number;
      t += v * v;
    }
    out[i] = t;
  }
  return out;
}
