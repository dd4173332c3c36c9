import { readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { featureSet, frechetDistance, precisionRecallDensityCoverage, StreamingMoments } from "@/lib/metrics";
import { FEATURE_DIM, LOGITS_DIM } from "@/lib/metrics/onnx-contract";
import { resizeToPlanar } from "@/lib/metrics/resize";
import { evaluateArm, FeatureAccumulator, PLANE, runBatch, type OrtLike, type SessionLike } from "@/lib/metrics/worker/pipeline";
import { buildModel } from "../../../scripts/make-fixture-model";

/** The worker's pipeline (resize → batch → model → moments/features → metrics) on onnxruntime-node. */
const FIXTURE = path.resolve(__dirname, "../../fixtures/onnx/tiny-inception.onnx");
const ORT = ort as unknown as OrtLike;

function image(seed: number, size = 40): Uint8ClampedArray {
  // Smooth per-seed colour ramps: the fixture pools a 3×3 grid, so images must differ at that scale.
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 4; c++) data[(y * size + x) * 4 + c] = (seed * (c + 1) * 29 + x * ((seed % 5) + 1) + y * ((seed % 3) + 1)) % 256;
    }
  }
  return data;
}

async function extract(session: SessionLike, seeds: number[], batchSize: number, fixedBatch: number | null = null) {
  const acc = new FeatureAccumulator(seeds.length);
  const batch = new Float32Array(batchSize * PLANE);
  for (let start = 0; start < seeds.length; start += batchSize) {
    const rows = Math.min(batchSize, seeds.length - start);
    for (let r = 0; r < rows; r++) resizeToPlanar({ data: image(seeds[start + r]!), width: 40, height: 40, channels: 4 }, 299, "tf1-bilinear", batch, r * PLANE);
    const out = await runBatch(ORT, session, batch, rows, fixedBatch);
    acc.add(out.pool3, out.logits, rows);
  }
  return acc;
}

describe("feature pipeline with the fixture model (onnxruntime-node)", () => {
  let session: SessionLike;
  beforeAll(async () => {
    session = (await ort.InferenceSession.create(FIXTURE)) as unknown as SessionLike;
  });

  it("gives the same features whatever the batch size, and the moments of the features it keeps", async () => {
    const seeds = Array.from({ length: 13 }, (_, i) => i);
    const one = await extract(session, seeds, 1);
    const five = await extract(session, seeds, 5);
    expect(one.count).toBe(13);
    expect(one.kept).toBe(13);
    let maxDiff = 0;
    for (let i = 0; i < one.features.length; i++) maxDiff = Math.max(maxDiff, Math.abs(one.features[i]! - five.features[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    const direct = new StreamingMoments(FEATURE_DIM).update(Float64Array.from(five.features), 13);
    const a = direct.mean();
    const b = five.moments.mean();
    for (let j = 0; j < FEATURE_DIM; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThan(1e-9);
  });

  it("pads short batches for a fixed-batch model and drops the padding", async () => {
    const fixed = (await ort.InferenceSession.create(buildModel({ inputDims: [4, 3, 299, 299] }))) as unknown as SessionLike;
    const seeds = [1, 2, 3, 4, 5, 6];
    const padded = await extract(fixed, seeds, 4, 4);
    const free = await extract(session, seeds, 3);
    expect(padded.count).toBe(6);
    let maxDiff = 0;
    for (let i = 0; i < 6 * FEATURE_DIM; i++) maxDiff = Math.max(maxDiff, Math.abs(padded.features[i]! - free.features[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it("caps the kept rows but not the moments", async () => {
    const acc = new FeatureAccumulator(3);
    const pool3 = new Float32Array(5 * FEATURE_DIM).map((_, i) => (i % 7) + Math.floor(i / FEATURE_DIM));
    acc.add(pool3, new Float32Array(5 * LOGITS_DIM), 5);
    expect(acc.count).toBe(5);
    expect(acc.kept).toBe(3);
    expect(acc.featureSet().rows).toBe(3);
    expect(() => acc.add(new Float32Array(FEATURE_DIM).fill(Number.NaN), new Float32Array(LOGITS_DIM), 1)).toThrow(/non-finite/);
  });

  it("evaluates an arm exactly as the metric functions do on the same features", async () => {
    const real = await extract(session, Array.from({ length: 12 }, (_, i) => 100 + i), 4);
    const fake = await extract(session, Array.from({ length: 12 }, (_, i) => 200 + i), 4);
    const m = evaluateArm({ moments: real.moments, features: real.featureSet() }, { moments: fake.moments, features: fake.featureSet(), logits: fake.logitSet() });
    const fid = frechetDistance({ mean: real.moments.mean(), cov: real.moments.covariance() }, { mean: fake.moments.mean(), cov: fake.moments.covariance() }).fid;
    expect(m.fid).toBe(fid);
    expect(m.fid!).toBeGreaterThan(0);
    expect(m.isMean!).toBeGreaterThanOrEqual(1);
    expect(m.kidSubsetSize).toBe(12);
    const prdc = precisionRecallDensityCoverage(featureSet(real.featureSet().data, 12, FEATURE_DIM), fake.featureSet());
    expect([m.precision, m.recall, m.density, m.coverage]).toEqual([prdc.precision, prdc.recall, prdc.density, prdc.coverage]);
    // Too few images for IS (10) and PRDC (k = 5): null, not an exception.
    const small = await extract(session, [1, 2, 3], 3);
    const s = evaluateArm({ moments: real.moments, features: real.featureSet() }, { moments: small.moments, features: small.featureSet(), logits: small.logitSet() });
    expect([s.isMean, s.precision, s.density]).toEqual([null, null, null]);
    expect(s.fid).not.toBeNull();
    expect(readFileSync(FIXTURE).length).toBeLessThan(400_000);
  });
});
