import { describe, expect, it } from "vitest";
import { gatherRows } from "@/lib/metrics/features";
import { precisionRecallDensityCoverage } from "@/lib/metrics/prdc";
import { expected, loadFeatures } from "./fixtures";

describe("precision/recall/density/coverage", () => {
  it.each(["full", "rankdef"] as const)("matches the numpy ports of the reference code to 1e-6: %s", (name) => {
    const r = precisionRecallDensityCoverage(loadFeatures(`${name}_real.npy`), loadFeatures(`${name}_fake.npy`));
    const want = expected[name];
    expect(Math.abs(r.precision - want.precision)).toBeLessThan(1e-6);
    expect(Math.abs(r.recall - want.recall)).toBeLessThan(1e-6);
    expect(Math.abs(r.density - want.density)).toBeLessThan(1e-6);
    expect(Math.abs(r.coverage - want.coverage)).toBeLessThan(1e-6);
  });

  it("gives precision = recall = coverage = 1 for a set against itself (`<=` / self-distance 0)", () => {
    const real = loadFeatures("full_real.npy");
    const r = precisionRecallDensityCoverage(real, real);
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(1);
    expect(r.coverage).toBe(1);
  });

  it("uses `<=` with duplicate-aware radii for P/R and strict `<` for density/coverage", () => {
    // Real: 7 points on a line. Fake: four copies of x=0 and four of x=6, so
    // every fake 3-NN radius is 0 (the reference's (k+1)-th value incl. self).
    const line = (xs: number[]) => ({ data: Float64Array.from(xs.flatMap((x) => [x, 0])), rows: xs.length, dim: 2 });
    const real = line([0, 1, 2, 3, 4, 5, 6]);
    const fake = line([0, 0, 0, 0, 6, 6, 6, 6]);
    const r = precisionRecallDensityCoverage(real, fake);
    expect(r.precision).toBe(1);
    // Only reals at distance exactly 0 from the fake manifold: x=0 and x=6.
    expect(r.recall).toBeCloseTo(2 / 7, 15);
    // Real 5-NN radii: 5,4,3,3,3,4,5. Each fake lies strictly inside 3 balls
    // (with `<=` it would be 4 → 0.8).
    expect(r.density).toBeCloseTo(3 / 5, 15);
    // Real x=3 has nearest fake at 3 = its radius: not covered under `<`.
    expect(r.coverage).toBeCloseTo(6 / 7, 15);
  });

  it("rejects sets too small for k", () => {
    const real = loadFeatures("full_real.npy");
    expect(() => precisionRecallDensityCoverage(real, gatherRows(real, [0, 1, 2, 3, 4]))).toThrow(/more than 5 samples/);
  });
});
