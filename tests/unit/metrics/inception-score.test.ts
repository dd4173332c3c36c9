import { describe, expect, it } from "vitest";
import { featureSet } from "@/lib/metrics/features";
import { inceptionScore } from "@/lib/metrics/inception-score";
import { expected, loadFeatures, relErr } from "./fixtures";

describe("inceptionScore", () => {
  it("matches the torch-fidelity/OpenAI formula with uneven splits (N = 103)", () => {
    const logits = loadFeatures("logits.npy");
    const want = expected.inception_score;
    const r = inceptionScore(logits, want.splits);
    expect(relErr(r.mean, want.mean)).toBeLessThan(1e-9);
    expect(relErr(r.std, want.std)).toBeLessThan(1e-9);
    want.values.forEach((v, i) => expect(relErr(r.values[i] as number, v)).toBeLessThan(1e-9));
  });

  it("is 1 when every sample predicts the same distribution", () => {
    const logits = featureSet(Array.from({ length: 20 * 4 }, (_, i) => [1, 2, 3, 4][i % 4] as number), 20, 4);
    const r = inceptionScore(logits, 10);
    expect(r.mean).toBeCloseTo(1, 14);
    expect(r.std).toBeCloseTo(0, 14);
  });

  it("approaches the number of classes for confident, balanced predictions", () => {
    const c = 8;
    const logits = featureSet(Array.from({ length: 80 * c }, (_, i) => (Math.floor(i / c) % c === i % c ? 60 : 0)), 80, c);
    expect(inceptionScore(logits, 10).mean).toBeCloseTo(c, 6);
  });

  it("rejects fewer samples than splits", () => {
    expect(() => inceptionScore(featureSet(new Float64Array(9 * 3), 9, 3), 10)).toThrow(/at least 10 samples/);
  });
});
