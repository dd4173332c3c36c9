import { describe, expect, it } from "vitest";
import { frechetDistance, type Gaussian } from "@/lib/metrics/fid";
import type { FeatureSet } from "@/lib/metrics/features";
import { StreamingMoments } from "@/lib/metrics/moments";
import { expected, loadFeatures, relErr } from "./fixtures";

function gaussian(set: FeatureSet): Gaussian {
  const m = new StreamingMoments(set.dim).update(set.data, set.rows);
  return { mean: m.mean(), cov: m.covariance() };
}

describe("frechetDistance", () => {
  it.each([
    ["full", "auto", "wasm-simd"],
    ["rankdef", "auto", "wasm-simd"],
    ["full", "ts", "ts"],
    ["rankdef", "ts", "ts"],
  ] as const)("matches pytorch-fid (scipy sqrtm) to 1e-6 relative: %s, kernels %s", (name, kernels, ran) => {
    const real = gaussian(loadFeatures(`${name}_real.npy`));
    const fake = gaussian(loadFeatures(`${name}_fake.npy`));
    const r = frechetDistance(real, fake, { kernels });
    expect(r.kernels).toBe(ran);
    expect(relErr(r.fid, expected[name].fid)).toBeLessThan(1e-6);
    expect(r.rank1).toBe(expected[name].rank_real);
    expect(r.offsetApplied).toBe(false);
  });

  it("agrees with the float64 eigh reference: ~1e-14 full rank, within the √ε noise floor when singular", () => {
    // Full rank: the trace term is well conditioned and every method agrees.
    const full = frechetDistance(gaussian(loadFeatures("full_real.npy")), gaussian(loadFeatures("full_fake.npy")));
    expect(relErr(full.fid, expected.full.fid_rank_aware)).toBeLessThan(1e-12);
    expect(relErr(full.fid, expected.full.fid)).toBeLessThan(1e-12);
    // Singular: rounding-level noise δ in null directions moves Tr√· by ~√δ,
    // so pytorch-fid, the eigh reference and ours differ at ~1e-8 relative.
    const rd = frechetDistance(gaussian(loadFeatures("rankdef_real.npy")), gaussian(loadFeatures("rankdef_fake.npy")));
    expect(relErr(rd.fid, expected.rankdef.fid_rank_aware)).toBeLessThan(1e-7);
  });

  it("is symmetric and zero for identical Gaussians", () => {
    const a = gaussian(loadFeatures("full_real.npy"));
    const b = gaussian(loadFeatures("full_fake.npy"));
    expect(relErr(frechetDistance(b, a).fid, frechetDistance(a, b).fid)).toBeLessThan(1e-10);
    // Tr Σ ≈ 21 here; the trace term cancels to rounding level.
    expect(Math.abs(frechetDistance(a, a).fid)).toBeLessThan(1e-10);
  });

  it("reduces to the closed form for commuting (diagonal) covariances", () => {
    const d = 5;
    const s1 = [1, 4, 9, 0.25, 2];
    const s2 = [4, 1, 1, 1, 8];
    const diag = (v: number[]) => {
      const m = new Float64Array(d * d);
      v.forEach((x, i) => (m[i * d + i] = x));
      return m;
    };
    const r = frechetDistance({ mean: Float64Array.from([0, 0, 0, 0, 1]), cov: diag(s1) }, { mean: new Float64Array(d), cov: diag(s2) });
    const want = 1 + s1.reduce((acc, x, i) => acc + (Math.sqrt(x) - Math.sqrt(s2[i] as number)) ** 2, 0);
    expect(r.fid).toBeCloseTo(want, 12);
  });

  it("rejects mismatched shapes and non-finite input clearly", () => {
    const a = gaussian(loadFeatures("full_real.npy"));
    expect(() => frechetDistance(a, { mean: new Float64Array(3), cov: new Float64Array(9) })).toThrow(/dimensions differ/);
    const bad = { mean: a.mean, cov: Float64Array.from(a.cov) };
    bad.cov[0] = NaN;
    expect(() => frechetDistance(a, bad)).toThrow(/not finite even after adding eps/);
  });
});
