import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMoments, encodeMoments } from "@/lib/metrics/moments-codec";
import { StreamingMoments } from "@/lib/metrics/moments";
import { expected, loadFeatures, relErr } from "./fixtures";

function accumulate(data: Float64Array, rows: number, dim: number, batch: number): StreamingMoments {
  const m = new StreamingMoments(dim);
  for (let r = 0; r < rows; r += batch) {
    const n = Math.min(batch, rows - r);
    m.update(data.subarray(r * dim, (r + n) * dim), n);
  }
  return m;
}

describe("StreamingMoments", () => {
  const real = loadFeatures("full_real.npy");

  it("matches numpy.mean / numpy.cov on the fixture", () => {
    const m = accumulate(real.data, real.rows, real.dim, 37);
    const mean = m.mean();
    const cov = m.covariance();
    expected.full.mean_real_head.forEach((v, j) => expect(relErr(mean[j] as number, v)).toBeLessThan(1e-13));
    expected.full.cov_real_head.forEach((v, j) => expect(relErr(cov[j] as number, v)).toBeLessThan(1e-12));
    expect(cov[5 * real.dim + 9]).toBe(cov[9 * real.dim + 5]);
  });

  it("gives the same statistics for any batching and merge order", () => {
    const ref = accumulate(real.data, real.rows, real.dim, real.rows);
    const refCov = ref.covariance();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: real.rows - 1 }), (batch, cut) => {
        const a = accumulate(real.data.subarray(0, cut * real.dim), cut, real.dim, batch);
        const b = accumulate(real.data.subarray(cut * real.dim), real.rows - cut, real.dim, batch);
        const merged = b.merge(a);
        expect(merged.count).toBe(real.rows);
        const cov = merged.covariance();
        for (let i = 0; i < cov.length; i += 97) {
          expect(Math.abs((cov[i] as number) - (refCov[i] as number))).toBeLessThan(1e-13);
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it("stays accurate when the mean dwarfs the spread (no Σxxᵀ − nμμᵀ cancellation)", () => {
    // Values 1e9 + {0, 1, 2, 3}: variance 5/3 exactly; the naive formula loses it all.
    const rows = 4;
    const data = Float64Array.from([0, 1, 2, 3].flatMap((v) => [1e9 + v, 1e9 - 2 * v]));
    const m = new StreamingMoments(2).update(data.subarray(0, 4), 2).update(data.subarray(4), 2);
    const cov = m.covariance();
    expect(m.count).toBe(rows);
    expect(cov[0]).toBeCloseTo(5 / 3, 12);
    expect(cov[1]).toBeCloseTo(-10 / 3, 12);
    expect(cov[3]).toBeCloseTo(20 / 3, 12);
  });

  it("serializes and restores bit-exactly, then keeps accumulating", () => {
    const half = accumulate(real.data.subarray(0, 150 * real.dim), 150, real.dim, 50);
    const restored = decodeMoments(encodeMoments(half));
    expect(restored.count).toBe(150);
    expect(restored.covariance()).toEqual(half.covariance());
    expect(restored.mean()).toEqual(half.mean());
    const rest = real.data.subarray(150 * real.dim);
    restored.update(rest, 150);
    half.update(rest, 150);
    expect(restored.covariance()).toEqual(half.covariance());
  });

  it("rejects corrupt or mismatched input", () => {
    const m = new StreamingMoments(3);
    expect(() => m.update(new Float64Array(5), 2)).toThrow(/expected 2×3/);
    expect(() => m.covariance()).toThrow(/at least 2 samples/);
    expect(() => m.merge(new StreamingMoments(4))).toThrow(/dimension/);
    const bytes = encodeMoments(m);
    expect(() => decodeMoments(bytes.subarray(0, bytes.length - 8))).toThrow(/expected/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeMoments(bad)).toThrow(/magic/);
  });
});
