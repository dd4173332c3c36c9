import { gemmNT } from "./linalg/gemm";

/**
 * Streaming mean and covariance of feature vectors (float64).
 *
 * Batches are folded in with Chan et al.'s pairwise update: each batch is
 * centred on its own mean before its scatter matrix is formed, and merging
 * two partial results adds δδᵀ·nₐn_b/n. Unlike the textbook Σx·xᵀ − n·μμᵀ this
 * does not cancel catastrophically when |μ| ≫ σ (Inception features are
 * non-negative with large means). The batch scatter Xcᵀ·Xc runs through the
 * dot-product kernel on the transposed batch, lower triangle only.
 *
 * State is (n, μ, M2) with M2 = Σ(x−μ)(x−μ)ᵀ; covariance = M2/(n−1),
 * matching numpy.cov / pytorch-fid.
 */
export class StreamingMoments {
  readonly dim: number;
  private n = 0;
  private readonly mu: Float64Array;
  /** Lower triangle is authoritative; the upper is filled on read. */
  private readonly m2: Float64Array;

  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`StreamingMoments: invalid dimension ${dim}`);
    this.dim = dim;
    this.mu = new Float64Array(dim);
    this.m2 = new Float64Array(dim * dim);
  }

  get count(): number {
    return this.n;
  }

  /** Adds `rows` feature vectors stored row-major in `batch` (length rows·dim). */
  update(batch: ArrayLike<number>, rows: number): this {
    const d = this.dim;
    if (batch.length !== rows * d) throw new Error(`StreamingMoments.update: expected ${rows}×${d} values, got ${batch.length}`);
    if (rows === 0) return this;
    const mean = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (batch[r * d + j] as number);
    }
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / rows;
    // Centred batch, transposed (d×rows) so scatter(a,b) is a row·row dot product.
    const ct = new Float64Array(d * rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) ct[j * rows + r] = (batch[r * d + j] as number) - (mean[j] as number);
    }
    const scatter = new Float64Array(d * d);
    gemmNT({
      p: ct, ldp: rows, q: ct, ldq: rows, c: scatter, ldc: d,
      iLo: 0, iHi: d, jLo: () => 0, jHi: (i) => i + 1,
      kLo: () => 0, kHi: () => rows,
      alpha: 1, beta: 0,
    });
    this.mergeRaw(rows, mean, scatter);
    return this;
  }

  /** Folds another accumulator (same dimension) into this one. */
  merge(other: StreamingMoments): this {
    if (other.dim !== this.dim) throw new Error(`StreamingMoments.merge: dimension ${other.dim} ≠ ${this.dim}`);
    this.mergeRaw(other.n, other.mu, other.m2);
    return this;
  }

  private mergeRaw(nb: number, muB: Float64Array, m2B: Float64Array): void {
    if (nb === 0) return;
    const d = this.dim;
    const na = this.n;
    const n = na + nb;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = (muB[j] as number) - (this.mu[j] as number);
    const w = (na * nb) / n;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      const di = (delta[i] as number) * w;
      for (let j = 0; j <= i; j++) {
        this.m2[row + j] = (this.m2[row + j] as number) + (m2B[row + j] as number) + di * (delta[j] as number);
      }
    }
    for (let j = 0; j < d; j++) this.mu[j] = (this.mu[j] as number) + (delta[j] as number) * (nb / n);
    this.n = n;
  }

  mean(): Float64Array {
    return Float64Array.from(this.mu);
  }

  /** Unbiased covariance (n−1 denominator), full symmetric d×d row-major. */
  covariance(): Float64Array {
    if (this.n < 2) throw new Error(`StreamingMoments.covariance: need at least 2 samples, have ${this.n}`);
    const d = this.dim;
    const out = new Float64Array(d * d);
    const s = 1 / (this.n - 1);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        const v = (this.m2[i * d + j] as number) * s;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }

  /** Snapshot for serialization (see moments-codec.ts); copies. */
  toState(): MomentsState {
    const d = this.dim;
    const packed = new Float64Array((d * (d + 1)) / 2);
    let t = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) packed[t++] = this.m2[i * d + j] as number;
    return { dim: d, count: this.n, mean: Float64Array.from(this.mu), m2Lower: packed };
  }

  static fromState(state: MomentsState): StreamingMoments {
    const d = state.dim;
    if (state.mean.length !== d || state.m2Lower.length !== (d * (d + 1)) / 2) {
      throw new Error("StreamingMoments.fromState: array lengths do not match dim");
    }
    if (!Number.isInteger(state.count) || state.count < 0) throw new Error("StreamingMoments.fromState: invalid count");
    const m = new StreamingMoments(d);
    m.n = state.count;
    m.mu.set(state.mean);
    let t = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) m.m2[i * d + j] = state.m2Lower[t++] as number;
    return m;
  }
}

export interface MomentsState {
  readonly dim: number;
  readonly count: number;
  readonly mean: Float64Array;
  /** Lower triangle of M2 = Σ(x−μ)(x−μ)ᵀ, row by row (d(d+1)/2 values). */
  readonly m2Lower: Float64Array;
}
