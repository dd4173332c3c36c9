import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { averageRanks, spearman } from "@/lib/metrics/spearman";

interface Case {
  name: string;
  x: number[];
  y: number[];
  rho: number;
  p: number;
}
const reference = JSON.parse(readFileSync(path.resolve(__dirname, "../../fixtures/onnx/spearman.json"), "utf8")) as { cases: Case[] };

describe("spearman against scipy.stats.spearmanr", () => {
  it.each(reference.cases)("$name", ({ x, y, rho, p }) => {
    const r = spearman(x, y);
    expect(r.n).toBe(x.length);
    expect(Math.abs(r.rho - rho)).toBeLessThan(1e-12);
    expect(r.p).not.toBeNull();
    if (p === 0) expect(r.p).toBe(0);
    // jstat's incomplete beta (continued fraction) is good to ~5e-8 relative here.
    else expect(Math.abs(r.p! - p) / p).toBeLessThan(1e-7);
  });
});

describe("spearman edge cases", () => {
  it("averages tied ranks", () => {
    expect(Array.from(averageRanks([10, 20, 20, 5, 20]))).toEqual([2, 4, 4, 1, 4]);
  });

  it("is symmetric and flips sign with one side reversed", () => {
    const x = [3, 1, 4, 1.5, 9, 2.6];
    const y = [2, 7, 1, 8, 2.8, 1.8];
    expect(spearman(x, y).rho).toBeCloseTo(spearman(y, x).rho, 15);
    expect(spearman(x, y.map((v) => -v)).rho).toBeCloseTo(-spearman(x, y).rho, 15);
  });

  it("has no p-value for two arms or a constant side, and refuses bad input", () => {
    expect(spearman([1, 2], [3, 4])).toEqual({ rho: 1, p: null, n: 2 });
    const constant = spearman([1, 2, 3], [5, 5, 5]);
    expect(constant.rho).toBeNaN();
    expect(constant.p).toBeNull();
    expect(() => spearman([1, 2], [1])).toThrow(/2 values against 1/);
    expect(() => spearman([1, Number.NaN, 2], [1, 2, 3])).toThrow(/finite/);
  });
});
