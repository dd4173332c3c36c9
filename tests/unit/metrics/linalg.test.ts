import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pivotedCholesky } from "@/lib/metrics/linalg/cholesky";
import { congruenceLtBL } from "@/lib/metrics/linalg/congruence";
import { symmetricEigenvalues } from "@/lib/metrics/linalg/eigen";
import { gemmNT } from "@/lib/metrics/linalg/gemm";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

function randomMatrix(seed: number, rows: number, cols: number): Float64Array {
  const rng = xoroshiro128plus(seed);
  return Float64Array.from({ length: rows * cols }, () => uniformFloat64(rng) * 2 - 1);
}

function naiveABt(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += (a[i * k + t] as number) * (b[j * k + t] as number);
    c[i * n + j] = s;
  }
  return c;
}

/** Q·diag(λ)·Qᵀ with Q a product of random Householder reflections (orthogonal). */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const a = new Float64Array(n * n);
  lambda.forEach((l, i) => (a[i * n + i] = l));
  for (let r = 0; r < 3; r++) {
    const v = randomMatrix(seed + r, 1, n);
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A ← H·A·H, H = I − 2vvᵀ/vᵀv
    for (const side of [0, 1]) {
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += (v[k] as number) * (side === 0 ? (a[k * n + i] as number) : (a[i * n + k] as number));
        for (let k = 0; k < n; k++) {
          const idx = side === 0 ? k * n + i : i * n + k;
          a[idx] = (a[idx] as number) - (2 * dot * (v[k] as number)) / vv;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j] as number; // exact symmetry
  return a;
}

describe("gemmNT", () => {
  it("matches a naive product for odd sizes (edge tiles) and accumulates with α = −1", () => {
    const [m, n, k] = [7, 5, 13];
    const a = randomMatrix(1, m, k);
    const b = randomMatrix(2, n, k);
    const c = new Float64Array(m * n).fill(1);
    gemmNT({ p: a, ldp: k, q: b, ldq: k, c, ldc: n, iLo: 0, iHi: m, jLo: () => 0, jHi: () => n, kLo: () => 0, kHi: () => k, alpha: -1, beta: 1 });
    const ref = naiveABt(a, b, m, n, k);
    ref.forEach((v, i) => expect(c[i]).toBeCloseTo(1 - v, 13));
  });

  it("writes only the requested triangle", () => {
    const n = 9;
    const a = randomMatrix(3, n, 4);
    const c = new Float64Array(n * n).fill(42);
    gemmNT({ p: a, ldp: 4, q: a, ldq: 4, c, ldc: n, iLo: 0, iHi: n, jLo: () => 0, jHi: (i) => i + 1, kLo: () => 0, kHi: () => 4, alpha: 1, beta: 0 });
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(c[i * n + j]).toBe(42);
    expect(c[8 * n + 3]).toBeCloseTo(naiveABt(a, a, n, n, 4)[8 * n + 3] as number, 14);
  });
});

describe("symmetricEigenvalues", () => {
  it.each([1, 2, 3, 33, 64, 65, 97, 150])("recovers a known spectrum at n = %i (panel edges included)", (n) => {
    const lambda = Array.from({ length: n }, (_, i) => Math.cos(i * 1.7) * 10 + (i % 5));
    const eig = symmetricEigenvalues(withSpectrum(lambda, n), n);
    const sorted = [...lambda].sort((x, y) => x - y);
    sorted.forEach((l, i) => expect(Math.abs((eig[i] as number) - l)).toBeLessThan(1e-11 * 15));
  });

  it("handles repeated and zero eigenvalues (singular matrices)", () => {
    const lambda = [0, 0, 0, 0, 2, 2, 2, 5, 0, 1e-3];
    const eig = symmetricEigenvalues(withSpectrum(lambda, 11), lambda.length);
    [...lambda].sort((x, y) => x - y).forEach((l, i) => expect(Math.abs((eig[i] as number) - l)).toBeLessThan(1e-13));
  });

  it("property: trace and Frobenius norm are preserved", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 80 }), fc.integer(), (n, seed) => {
        const r = randomMatrix(seed, n, n);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r[i * n + j] as number;
        const eig = symmetricEigenvalues(a, n);
        let tr = 0;
        let fro = 0;
        for (let i = 0; i < n; i++) tr += a[i * n + i] as number;
        a.forEach((x) => (fro += x * x));
        expect(Math.abs(eig.reduce((s, x) => s + x, 0) - tr)).toBeLessThan(1e-11 * n);
        expect(Math.abs(eig.reduce((s, x) => s + x * x, 0) - fro)).toBeLessThan(1e-10 * fro);
      }),
      { numRuns: 30, seed: 3 },
    );
  });
});

describe("pivotedCholesky", () => {
  function gram(n: number, rank: number, seed: number): Float64Array {
    const x = randomMatrix(seed, n, rank);
    return naiveABt(x, x, n, n, rank);
  }

  it("factors a PD matrix across several panels: P·A·Pᵀ = L·Lᵀ", () => {
    const n = 150;
    const a = gram(n, n + 10, 5);
    const { l, rank, perm } = pivotedCholesky(a, n);
    expect(rank).toBe(n);
    const llt = naiveABt(l, l, n, n, n);
    for (let i = 0; i < n; i += 7) for (let j = 0; j < n; j += 5) {
      expect(Math.abs((llt[i * n + j] as number) - (a[(perm[i] as number) * n + (perm[j] as number)] as number))).toBeLessThan(1e-10);
    }
  });

  it("reveals the rank of a semi-definite matrix instead of failing", () => {
    const n = 90;
    const a = gram(n, 23, 6);
    const { l, rank, perm } = pivotedCholesky(a, n);
    expect(rank).toBe(23);
    const llt = naiveABt(l, l, n, n, n);
    for (let i = 0; i < n; i += 3) {
      expect(Math.abs((llt[i * n + i] as number) - (a[(perm[i] as number) * (n + 1)] as number))).toBeLessThan(1e-10);
    }
  });

  it("congruence Lᵀ·B·L has the spectrum of A·B", () => {
    const n = 70;
    const a = gram(n, n, 8);
    const b = gram(n, n + 3, 9);
    const { l, rank, perm } = pivotedCholesky(a, n);
    const bp = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) bp[i * n + j] = b[(perm[i] as number) * n + (perm[j] as number)] as number;
    const s = congruenceLtBL(bp, l, n, rank);
    // Tr(S) = Tr(A·B) and Tr(S²) = Tr((A·B)²).
    const ab = naiveABt(a, b, n, n, n); // B symmetric, so A·Bᵀ = A·B
    let trAB = 0;
    let trAB2 = 0;
    for (let i = 0; i < n; i++) {
      trAB += ab[i * n + i] as number;
      for (let k = 0; k < n; k++) trAB2 += (ab[i * n + k] as number) * (ab[k * n + i] as number);
    }
    let trS = 0;
    let trS2 = 0;
    for (let i = 0; i < n; i++) {
      trS += s[i * n + i] as number;
      for (let k = 0; k < n; k++) trS2 += (s[i * n + k] as number) ** 2;
    }
    expect(Math.abs(trS - trAB) / trAB).toBeLessThan(1e-12);
    expect(Math.abs(trS2 - trAB2) / trAB2).toBeLessThan(1e-11);
    expect(s[3 * n + 11]).toBe(s[11 * n + 3]);
  });
});
