/** A set of N feature vectors of dimension d, row-major float64. */
export interface FeatureSet {
  readonly data: Float64Array;
  readonly rows: number;
  readonly dim: number;
}

export function featureSet(data: ArrayLike<number>, rows: number, dim: number): FeatureSet {
  if (!Number.isInteger(rows) || !Number.isInteger(dim) || rows < 0 || dim <= 0) {
    throw new Error(`featureSet: invalid shape ${rows}×${dim}`);
  }
  if (data.length !== rows * dim) throw new Error(`featureSet: expected ${rows * dim} values for ${rows}×${dim}, got ${data.length}`);
  return { data: data instanceof Float64Array ? data : Float64Array.from(data), rows, dim };
}

/** Rows `idx` of `set`, copied into a contiguous block. */
export function gatherRows(set: FeatureSet, idx: ArrayLike<number>): FeatureSet {
  const { dim } = set;
  const out = new Float64Array(idx.length * dim);
  for (let r = 0; r < idx.length; r++) {
    const src = (idx[r] as number) * dim;
    out.set(set.data.subarray(src, src + dim), r * dim);
  }
  return { data: out, rows: idx.length, dim };
}
