/**
 * The feature pipeline shared by the Web Worker, the Node bench and the tests: runs batches of
 * 299×299 planar images through an ONNX Runtime session (web or node — same API), folds `pool3`
 * into StreamingMoments, keeps up to `featureCap` feature rows and logits for KID / PRDC / IS, and
 * evaluates an arm against the reference set. No DOM, no fetch: I/O lives in the worker.
 */
import { featureSet, type FeatureSet } from "@/lib/metrics/features";
import { frechetDistance } from "@/lib/metrics/fid";
import { inceptionScore } from "@/lib/metrics/inception-score";
import { kernelInceptionDistance } from "@/lib/metrics/kid";
import { StreamingMoments } from "@/lib/metrics/moments";
import { FEATURE_DIM, INCEPTION_CONTRACT, INPUT_SIZE, LOGITS_DIM } from "@/lib/metrics/onnx-contract";
import { precisionRecallDensityCoverage } from "@/lib/metrics/prdc";

export const PLANE = 3 * INPUT_SIZE * INPUT_SIZE;

/** The slice of onnxruntime-{web,node} we use. */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}
export interface OrtLike {
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensorLike;
}
export interface SessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
}

/** Streaming moments of pool3 plus the first `cap` feature rows and logits. */
export class FeatureAccumulator {
  readonly moments = new StreamingMoments(FEATURE_DIM);
  readonly features: Float32Array;
  readonly logits: Float32Array;
  kept = 0;

  constructor(readonly cap: number) {
    this.features = new Float32Array(cap * FEATURE_DIM);
    this.logits = new Float32Array(cap * LOGITS_DIM);
  }

  get count(): number {
    return this.moments.count;
  }

  add(pool3: Float32Array, logits: Float32Array, rows: number): void {
    if (pool3.length !== rows * FEATURE_DIM) throw new Error(`pool3 has ${pool3.length} values for ${rows} images, expected ${rows * FEATURE_DIM}`);
    if (logits.length !== rows * LOGITS_DIM) throw new Error(`logits has ${logits.length} values for ${rows} images, expected ${rows * LOGITS_DIM}`);
    for (let i = 0; i < pool3.length; i++) {
      if (!Number.isFinite(pool3[i]!)) throw new Error("the model returned a non-finite feature value");
    }
    this.moments.update(Float64Array.from(pool3), rows);
    const keep = Math.min(rows, this.cap - this.kept);
    if (keep > 0) {
      this.features.set(pool3.subarray(0, keep * FEATURE_DIM), this.kept * FEATURE_DIM);
      this.logits.set(logits.subarray(0, keep * LOGITS_DIM), this.kept * LOGITS_DIM);
      this.kept += keep;
    }
  }

  featureSet(): FeatureSet {
    return rowsAsFeatureSet(this.features, this.kept, FEATURE_DIM);
  }

  logitSet(): FeatureSet {
    return rowsAsFeatureSet(this.logits, this.kept, LOGITS_DIM);
  }
}

/** The first `rows` rows of a float32 row-major block, widened to a float64 FeatureSet. */
export function rowsAsFeatureSet(data: Float32Array, rows: number, dim: number): FeatureSet {
  return featureSet(Float64Array.from(data.subarray(0, rows * dim)), rows, dim);
}

/**
 * Runs `rows` images stored planar in `batch` (rows·3·299·299 floats, 0–255) and returns their
 * pool3 and logits (copied out of the runtime's buffers). With a fixed-batch model, short batches
 * are zero-padded and the padding rows dropped.
 */
export async function runBatch(ort: OrtLike, session: SessionLike, batch: Float32Array, rows: number, fixedBatch: number | null = null): Promise<{ pool3: Float32Array; logits: Float32Array }> {
  const n = fixedBatch ?? rows;
  if (rows > n) throw new Error(`batch of ${rows} images for a model fixed to ${n}`);
  let input = batch.subarray(0, rows * PLANE);
  if (n > rows) {
    input = new Float32Array(n * PLANE);
    input.set(batch.subarray(0, rows * PLANE));
  }
  const tensor = new ort.Tensor("float32", input, [n, 3, INPUT_SIZE, INPUT_SIZE]);
  const out = await session.run({ [INCEPTION_CONTRACT.input.name]: tensor });
  tensor.dispose?.();
  const pool3 = out.pool3;
  const logits = out.logits;
  if (!pool3 || !logits) throw new Error('the model did not return both "pool3" and "logits"');
  const take = (t: OrtTensorLike, dim: number, name: string) => {
    if (!(t.data instanceof Float32Array)) throw new Error(`output "${name}" is not float32`);
    if (t.dims.length !== 2 || t.dims[0] !== n || t.dims[1] !== dim) throw new Error(`output "${name}" has shape [${t.dims.join(", ")}], expected [${n}, ${dim}]`);
    const copy = t.data.slice(0, rows * dim);
    t.dispose?.();
    return copy;
  };
  return { pool3: take(pool3, FEATURE_DIM, "pool3"), logits: take(logits, LOGITS_DIM, "logits") };
}

export interface ArmMetrics {
  fid: number | null;
  isMean: number | null;
  isStd: number | null;
  kidMean: number | null;
  kidStd: number | null;
  kidSubsetSize: number | null;
  precision: number | null;
  recall: number | null;
  density: number | null;
  coverage: number | null;
}

export interface ReferenceData {
  moments: StreamingMoments;
  features: FeatureSet;
}

/**
 * Every metric of a generated set against the reference. A metric its sample is too small for is
 * null (FID needs 2 images per set, IS 10, PRDC more than k = 5 per set, KID 2).
 */
export function evaluateArm(reference: ReferenceData, arm: { moments: StreamingMoments; features: FeatureSet; logits: FeatureSet }, options: { kidSubsets?: number; kidSubsetSize?: number; seed?: number } = {}): ArmMetrics {
  const out: ArmMetrics = { fid: null, isMean: null, isStd: null, kidMean: null, kidStd: null, kidSubsetSize: null, precision: null, recall: null, density: null, coverage: null };
  if (reference.moments.count >= 2 && arm.moments.count >= 2) {
    out.fid = frechetDistance(
      { mean: reference.moments.mean(), cov: reference.moments.covariance() },
      { mean: arm.moments.mean(), cov: arm.moments.covariance() },
    ).fid;
  }
  if (arm.logits.rows >= 10) {
    const is = inceptionScore(arm.logits);
    out.isMean = is.mean;
    out.isStd = is.std;
  }
  if (reference.features.rows >= 2 && arm.features.rows >= 2) {
    const kid = kernelInceptionDistance(reference.features, arm.features, { subsets: options.kidSubsets ?? 100, subsetSize: options.kidSubsetSize ?? 1000, seed: options.seed ?? 2020 });
    out.kidMean = kid.mean;
    out.kidStd = kid.std;
    out.kidSubsetSize = kid.subsetSize;
  }
  if (reference.features.rows > 5 && arm.features.rows > 5) {
    Object.assign(out, precisionRecallDensityCoverage(reference.features, arm.features));
  }
  return out;
}
