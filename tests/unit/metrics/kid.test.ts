import { describe, expect, it } from "vitest";
import { gatherRows } from "@/lib/metrics/features";
import { kernelInceptionDistance, mmd2Unbiased } from "@/lib/metrics/kid";
import { createSampler } from "@/lib/metrics/rng";
import { expected, loadFeatures, relErr } from "./fixtures";

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("KID", () => {
  const real = loadFeatures("full_real.npy");
  const fake = loadFeatures("full_fake.npy");

  it("unbiased MMD² of a fixed subset matches numpy (torch-fidelity formula) to 1e-9", () => {
    const m = expected.full.kid_first_subset.size;
    const v = mmd2Unbiased(gatherRows(real, range(m)), gatherRows(fake, range(m)));
    expect(relErr(v, expected.full.kid_first_subset.mmd2)).toBeLessThan(1e-9);
  });

  it("uses min(subsetSize, nReal, nFake) and then every subset is the full set", () => {
    // 300 real / 250 fake, default size 1000 → 250; all fake rows every time.
    const r = kernelInceptionDistance(gatherRows(real, range(250)), fake, { subsets: 5, seed: 1 });
    expect(r.subsetSize).toBe(250);
    expect(relErr(r.mean, expected.full.kid_full.mmd2)).toBeLessThan(1e-9);
    expect(r.std).toBeLessThan(1e-12 * r.mean);
  });

  it("is reproducible from the seed, varies across seeds, and centres on the full-set value", () => {
    const opts = { subsets: 40, subsetSize: 60 };
    const a = kernelInceptionDistance(real, fake, { ...opts, seed: 11 });
    const b = kernelInceptionDistance(real, fake, { ...opts, seed: 11 });
    const c = kernelInceptionDistance(real, fake, { ...opts, seed: 12 });
    expect(b.values).toEqual(a.values);
    expect(c.mean).not.toBe(a.mean);
    expect(a.std).toBeGreaterThan(0);
    // Unbiased estimator: subset means agree with each other and with the
    // large-sample value within a few standard errors.
    const se = a.std / Math.sqrt(opts.subsets);
    expect(Math.abs(a.mean - c.mean)).toBeLessThan(6 * se);
    expect(Math.abs(a.mean - expected.full.kid_full.mmd2)).toBeLessThan(6 * se);
  });

  it("gives bit-identical values with and without the cached Gram matrix", () => {
    const opts = { subsets: 3, subsetSize: 50, seed: 5 };
    const cached = kernelInceptionDistance(real, fake, opts);
    const direct = kernelInceptionDistance(real, fake, { ...opts, gramCacheMaxRows: 0 });
    expect(direct.values).toEqual(cached.values);
  });

  it("draws subsets without replacement", () => {
    const s = createSampler(3);
    for (let t = 0; t < 20; t++) {
      const idx = s.sampleWithoutReplacement(30, 30);
      expect(new Set(idx).size).toBe(30);
    }
    expect(() => s.sampleWithoutReplacement(3, 4)).toThrow(/cannot draw 4 of 3/);
  });

  it("rejects tiny or mismatched sets", () => {
    expect(() => kernelInceptionDistance(gatherRows(real, range(1)), fake)).toThrow(/at least 2 samples/);
    expect(() => kernelInceptionDistance(real, loadFeatures("logits.npy"))).toThrow(/dimensions differ/);
  });
});
