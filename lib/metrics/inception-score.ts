import type { FeatureSet } from "./features";

/**
 * Inception Score (Salimans et al. 2016) from unbiased Inception logits
 * [N, 1008] (pool3·Wᵀ without the bias, as torch-fidelity's
 * "logits_unbiased"):
 *   IS_s = exp( mean_{x∈split s} KL(p(y|x) ‖ p̂_s(y)) ),  p̂_s = mean of p(y|x) over split s
 * reported as mean and population std (ddof = 0) of IS_s over the splits.
 *
 * Splits follow the original OpenAI code and torch-fidelity:
 * split s = rows [⌊s·N/S⌋, ⌊(s+1)·N/S⌋), contiguous, in input order. torch-
 * fidelity by default shuffles the rows first (samples_shuffle=True, torch
 * RNG seeded 2020), which cannot be reproduced outside torch; pass rows in
 * a random order yourself if you want that, or compare against torch-
 * fidelity with samples_shuffle=False. Softmax / log-softmax are computed
 * in float64 with the max-subtraction trick, so p·log p never sees log 0.
 */

export interface InceptionScoreResult {
  readonly mean: number;
  readonly std: number;
  readonly splits: number;
  readonly values: Float64Array;
}

export function inceptionScore(logits: FeatureSet, splits = 10): InceptionScoreResult {
  const { rows: n, dim: c, data } = logits;
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`inceptionScore: splits must be a positive integer, got ${splits}`);
  if (n < splits) throw new Error(`inceptionScore: need at least ${splits} samples for ${splits} splits, have ${n}`);
  const logp = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    const row = r * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, data[row + j] as number);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp((data[row + j] as number) - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < c; j++) logp[row + j] = (data[row + j] as number) - lse;
  }
  const values = new Float64Array(splits);
  const marginal = new Float64Array(c);
  for (let s = 0; s < splits; s++) {
    const lo = Math.floor((s * n) / splits);
    const hi = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let r = lo; r < hi; r++) {
      for (let j = 0; j < c; j++) marginal[j] = (marginal[j] as number) + Math.exp(logp[r * c + j] as number);
    }
    for (let j = 0; j < c; j++) marginal[j] = Math.log((marginal[j] as number) / (hi - lo));
    let klSum = 0;
    for (let r = lo; r < hi; r++) {
      let kl = 0;
      for (let j = 0; j < c; j++) {
        const lp = logp[r * c + j] as number;
        kl += Math.exp(lp) * (lp - (marginal[j] as number));
      }
      klSum += kl;
    }
    values[s] = Math.exp(klSum / (hi - lo));
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= splits;
  let varSum = 0;
  for (const v of values) varSum += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(varSum / splits), splits, values };
}
