import { describe, expect, it } from "vitest";
import { bootstrapColumnSums, bootstrapMean, createRng, randomIndex } from "@/lib/hype";
import { quantileSorted } from "@/lib/hype/descriptive";
import { randomNormal } from "@/lib/hype/random";
import reference from "../../fixtures/hype/scipy-reference.json";

const sampleOf = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => 300 + 80 * randomNormal(rng));
};

describe("randomIndex", () => {
  it("stays in range and is close to uniform", () => {
    const rng = createRng(5);
    const counts = new Array(7).fill(0);
    const draws = 70_000;
    for (let i = 0; i < draws; i++) counts[randomIndex(rng, 7)]++;
    // Each cell ~ Binomial(70000, 1/7): SD ≈ 92; allow 5 SD.
    for (const c of counts) expect(Math.abs(c - draws / 7)).toBeLessThan(460);
    expect(randomIndex(createRng(1), 1)).toBe(0);
    expect(() => randomIndex(rng, 0)).toThrow(RangeError);
  });
});

describe("quantileSorted", () => {
  it("matches numpy.percentile (linear, type 7)", () => {
    const sorted = [...reference.percentiles.sample].sort((a, b) => a - b);
    for (const [p, expected] of Object.entries(reference.percentiles.values)) {
      expect(quantileSorted(sorted, Number(p) / 100)).toBeCloseTo(expected, 12);
    }
  });
});

describe("bootstrapMean", () => {
  const values = sampleOf(30, 1);

  it("is deterministic for a seed and changes with the seed", () => {
    const a = bootstrapMean(values, { seed: 9 });
    expect(bootstrapMean(values, { seed: 9 })).toEqual(a);
    expect(bootstrapMean(values, { seed: 10 }).ci).not.toEqual(a.ci);
  });
  it("brackets the point estimate, with an SD near the standard error", () => {
    const r = bootstrapMean(values, { seed: 3 });
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    expect(r.score).toBeCloseTo(mean, 10);
    expect(r.ci[0]).toBeLessThan(r.score);
    expect(r.ci[1]).toBeGreaterThan(r.score);
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
    // The bootstrap SE of a mean is the plug-in SD / √n, up to Monte Carlo error (~1% at 10,000).
    expect(r.bootstrapSd / (sd / Math.sqrt(values.length))).toBeGreaterThan(0.95);
    expect(r.bootstrapSd / (sd / Math.sqrt(values.length))).toBeLessThan(1.05);
    // A 95% percentile interval of a near-normal statistic spans about ±1.96 SD.
    expect((r.ci[1] - r.ci[0]) / (2 * 1.96 * r.bootstrapSd)).toBeCloseTo(1, 1);
  });
  it("narrows with more evaluators", () => {
    const small = bootstrapMean(sampleOf(10, 2), { seed: 1 });
    const large = bootstrapMean(sampleOf(160, 2), { seed: 1 });
    expect(large.ci[1] - large.ci[0]).toBeLessThan((small.ci[1] - small.ci[0]) / 2);
  });
  it("collapses to the value when all evaluators agree", () => {
    expect(bootstrapMean([250, 250, 250], { seed: 1, resamples: 500 })).toEqual({ score: 250, ci: [250, 250], bootstrapSd: 0 });
  });
  it("rejects empty input and bad options", () => {
    expect(() => bootstrapMean([], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMean([1], { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMean([1], { seed: 1, confidence: 1 })).toThrow(RangeError);
  });
});

describe("bootstrapColumnSums", () => {
  it("recomputes pooled ratios on the same resampled evaluators", () => {
    // Evaluator i answered answers[i] trials with wrong[i] errors.
    const wrong = [10, 30, 50, 20];
    const answers = [100, 100, 100, 100];
    const [pooled, wrongRate] = bootstrapColumnSums(
      [wrong, answers],
      [(s) => (100 * s[0]!) / s[1]!, (s, n) => s[0]! / n],
      { seed: 4, resamples: 2000 },
    );
    expect(pooled!.score).toBe(27.5);
    expect(wrongRate!.score).toBe(27.5);
    // Same draws → the two statistics (identical up to scale here) have identical intervals.
    expect(pooled!.ci).toEqual(wrongRate!.ci);
    expect(pooled!.ci[0]).toBeGreaterThanOrEqual(10);
    expect(pooled!.ci[1]).toBeLessThanOrEqual(50);
  });
});
