import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { frechetDistance, traceSqrtProduct, traceSqrtProductScratch } from "@/lib/metrics/fid";
import { pivotedCholesky } from "@/lib/metrics/linalg/cholesky";
import { congruenceLtBL } from "@/lib/metrics/linalg/congruence";
import { symmetricEigenvaluesInPlace } from "@/lib/metrics/linalg/eigen";
import { gemmNT } from "@/lib/metrics/linalg/gemm";
import { heapWorkspace, type Workspace } from "@/lib/metrics/linalg/kernels";
import { symvLower } from "@/lib/metrics/linalg/tridiagonal";
import { createWasmWorkspace, resetSimdKernelModule, simdKernelModule } from "@/lib/metrics/linalg/wasm-workspace";
import { BYTES_MODULE_PATH, assembleKernels, bytesModuleSource } from "@/lib/metrics/linalg/wasm/generate";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

function fillRandom(x: Float64Array, seed: number): Float64Array {
  const rng = xoroshiro128plus(seed);
  for (let i = 0; i < x.length; i++) x[i] = uniformFloat64(rng) * 2 - 1;
  return x;
}

function wasmWorkspace(capacity = 1 << 16): Workspace {
  const ws = createWasmWorkspace(capacity);
  if (!ws) throw new Error("this Node has WebAssembly SIMD; the kernels must load");
  return ws;
}

/** Random symmetric positive definite n×n (B·Bᵀ + n·I), both triangles filled. */
function spd(n: number, seed: number): Float64Array {
  const b = fillRandom(new Float64Array(n * n), seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

const relClose = (x: number, y: number, tol: number) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));

afterEach(() => resetSimdKernelModule());

describe("WebAssembly kernels: the committed bytes", () => {
  it("are what kernels.wat assembles to (regenerate with npx tsx lib/metrics/linalg/wasm/generate.ts)", async () => {
    expect(readFileSync(BYTES_MODULE_PATH, "utf8")).toBe(bytesModuleSource(await assembleKernels()));
  });
});

describe("WebAssembly tile kernels agree with the TS ones", () => {
  // k ranges: empty, single, odd, even, offset starts, longer than a SIMD pair.
  const ranges: [number, number][] = [[0, 0], [3, 3], [0, 1], [2, 3], [0, 7], [1, 8], [5, 38], [0, 64], [7, 6]];
  it.each(ranges)("dot4x2 and update4x2 over k in [%i, %i)", (k0, k1) => {
    const ld = 71; // odd stride: rows start at unaligned addresses
    const ws = wasmWorkspace();
    const ref = heapWorkspace();
    const p = fillRandom(ws.alloc(5 * ld), 11 + k0);
    const q = fillRandom(ws.alloc(3 * ld), 13 + k1);
    const c = fillRandom(ws.alloc(6 * ld), 17);
    const cRef = Float64Array.from(c);
    const tiles = ws.kernels.tiles(p, q, c);
    const tilesRef = ref.kernels.tiles(Float64Array.from(p), Float64Array.from(q), cRef);
    tiles.dot4x2(ld + 1, ld, 3, ld, k0, k1);
    tilesRef.dot4x2(ld + 1, ld, 3, ld, k0, k1);
    for (let i = 0; i < 8; i++) expect(relClose(ws.out[i] as number, ref.out[i] as number, 1e-14)).toBe(true);
    for (const [alpha, beta] of [[1, 0], [-1, 1], [1, 1]] as const) {
      tiles.update4x2(ld + 1, ld, 3, ld, k0, k1, 2 * ld + 5, ld, alpha, beta);
      tilesRef.update4x2(ld + 1, ld, 3, ld, k0, k1, 2 * ld + 5, ld, alpha, beta);
      for (let i = 0; i < c.length; i++) expect(relClose(c[i] as number, cRef[i] as number, 1e-14)).toBe(true);
    }
  });

  it("update4x2 with β = 0 overwrites C without reading it (NaN there stays out)", () => {
    const ws = wasmWorkspace();
    const p = fillRandom(ws.alloc(4 * 9), 1);
    const q = fillRandom(ws.alloc(2 * 9), 2);
    const c = ws.alloc(8).fill(NaN);
    ws.kernels.tiles(p, q, c).update4x2(0, 9, 0, 9, 0, 9, 0, 2, -1, 0);
    for (const x of c) expect(Number.isFinite(x)).toBe(true);
  });

  it.each([[0, 0], [0, 1], [0, 2], [3, 10], [1, 64], [2, 67]])("symv4 over j in [%i, %i)", (j0, j1) => {
    const n = 70;
    const ws = wasmWorkspace();
    const ref = heapWorkspace();
    const a = fillRandom(ws.alloc(n * n), 5);
    const v = fillRandom(ws.alloc(n), 6);
    const y = fillRandom(ws.alloc(n), 7);
    const yRef = Float64Array.from(y);
    const w = [0.5, -1.25, 2, 0.75] as const;
    ws.kernels.symv(a, v, y)(n * 3, n, j0, j1, ...w);
    ref.kernels.symv(Float64Array.from(a), Float64Array.from(v), yRef)(n * 3, n, j0, j1, ...w);
    for (let r = 0; r < 4; r++) expect(relClose(ws.out[r] as number, ref.out[r] as number, 1e-14)).toBe(true);
    for (let j = 0; j < n; j++) expect(relClose(y[j] as number, yRef[j] as number, 1e-14)).toBe(true);
  });
});

describe("linalg routines on the WebAssembly workspace match the TS path", () => {
  it.each([1, 2, 3, 5, 9, 33, 64, 65, 97, 130])("gemmNT, symvLower, Cholesky, congruence and eigenvalues at n = %i", (n) => {
    const ws = wasmWorkspace(8 * n * n + 1000);
    const ref = heapWorkspace();
    // Lower-triangular product with a ragged edge, accumulating with α = −1.
    const p = fillRandom(ws.alloc(n * (n + 3)), n);
    const c = fillRandom(ws.alloc(n * n), n + 1);
    const cRef = Float64Array.from(c);
    const spec = { p, ldp: n + 3, q: p, ldq: n + 3, ldc: n, iLo: 0, iHi: n, jLo: () => 0, jHi: (i: number) => i + 1, kLo: () => 1, kHi: () => n + 2, alpha: -1, beta: 1 } as const;
    gemmNT({ ...spec, c, workspace: ws });
    gemmNT({ ...spec, c: cRef, workspace: ref });
    for (let i = 0; i < n * n; i++) expect(relClose(c[i] as number, cRef[i] as number, 1e-13)).toBe(true);

    const sym = spd(n, 3 * n);
    const v = fillRandom(ws.alloc(n), 7);
    const y = ws.alloc(n);
    const yRef = new Float64Array(n);
    const a = ws.alloc(n * n);
    a.set(sym);
    symvLower(a, n, 1 % n, v, y, ws);
    symvLower(sym, n, 1 % n, Float64Array.from(v), yRef, ref);
    for (let i = 0; i < n; i++) expect(relClose(y[i] as number, yRef[i] as number, 1e-12)).toBe(true);

    const chol = pivotedCholesky(sym, n, undefined, ws);
    const cholRef = pivotedCholesky(sym, n, undefined, ref);
    expect(Array.from(chol.perm)).toEqual(Array.from(cholRef.perm));
    for (let i = 0; i < n * n; i++) expect(relClose(chol.l[i] as number, cholRef.l[i] as number, 1e-12)).toBe(true);

    const b = spd(n, 5 * n);
    const bIn = ws.alloc(n * n);
    bIn.set(b);
    const s = congruenceLtBL(bIn, chol.l, n, chol.rank, ws);
    const sRef = congruenceLtBL(b, cholRef.l, n, cholRef.rank, ref);
    for (let i = 0; i < s.length; i++) expect(relClose(s[i] as number, sRef[i] as number, 1e-12)).toBe(true);

    const eig = symmetricEigenvaluesInPlace(s, chol.rank, ws);
    const eigRef = symmetricEigenvaluesInPlace(sRef, cholRef.rank, ref);
    const scale = Math.max(...Array.from(eigRef, Math.abs));
    eig.forEach((e, i) => expect(Math.abs(e - (eigRef[i] as number))).toBeLessThan(1e-12 * scale));
  });
});

describe("fallbacks", () => {
  it("without WebAssembly SIMD frechetDistance runs the TS kernels and gives the same distance", () => {
    const d = 21;
    const g1 = { mean: fillRandom(new Float64Array(d), 1), cov: spd(d, 2) };
    const g2 = { mean: fillRandom(new Float64Array(d), 3), cov: spd(d, 4) };
    const withSimd = frechetDistance(g1, g2);
    expect(withSimd.kernels).toBe("wasm-simd");
    resetSimdKernelModule();
    expect(simdKernelModule(() => false)).toBeNull();
    expect(createWasmWorkspace(100)).toBeNull();
    const without = frechetDistance(g1, g2);
    expect(without.kernels).toBe("ts");
    expect(relClose(without.fid, withSimd.fid, 1e-12)).toBe(true);
  });

  it("a workspace too small for the problem spills to plain arrays and TS kernels, still exactly right", () => {
    const d = 100;
    const cov1 = spd(d, 8);
    const cov2 = spd(d, 9);
    const reference = traceSqrtProduct(cov1, cov2, d, heapWorkspace());
    // Room (rounded up to whole 64 KiB pages) for the Cholesky factor only: the rest spills to the heap.
    const cramped = wasmWorkspace(d * d + 16);
    const spilled = traceSqrtProduct(cov1, cov2, d, cramped);
    expect(cramped.alloc(d * d).buffer).not.toBe(cramped.out.buffer);
    expect(relClose(spilled.value, reference.value, 1e-12)).toBe(true);
    const roomy = traceSqrtProduct(cov1, cov2, d, wasmWorkspace(traceSqrtProductScratch(d)));
    expect(relClose(roomy.value, reference.value, 1e-12)).toBe(true);
  });

  it("traceSqrtProductScratch covers every allocation at d = 2048's shape (no spill to the heap)", () => {
    for (const d of [1, 7, 64, 129]) {
      const ws = wasmWorkspace(traceSqrtProductScratch(d));
      traceSqrtProduct(spd(d, d), spd(d, d + 1), d, ws);
      expect(ws.alloc(1).buffer).toBe(ws.out.buffer);
    }
  });
});
