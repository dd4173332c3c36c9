/**
 * The two inner loops every O(d³) step of the FID pipeline spends its time
 * in, behind one interface so that a WebAssembly SIMD version
 * (wasm-workspace.ts) can stand in for the plain TS one below.
 *
 * A Workspace pairs the kernels with the allocator of the arrays they work
 * on: the wasm kernels can only read arrays that live in their linear
 * memory, so the linalg routines take their scratch matrices from
 * `workspace.alloc` rather than `new Float64Array`.
 */

export interface Kernels {
  /** Tile kernels for these operands (the wasm ones only if all three live in its memory). */
  tiles(p: Float64Array, q: Float64Array, c: Float64Array): TileKernels;
  /** The symmetric matrix-vector kernel for these operands. */
  symv(a: Float64Array, v: Float64Array, y: Float64Array): SymvKernel;
}

export interface TileKernels {
  /**
   * out[2r+t] = Σ_{k0 ≤ k < k1} P(r,k)·Q(t,k) for r < 4, t < 2, where row r
   * of P starts at p[pAt + r·ldp] and row t of Q at q[qAt + t·ldq]; `out` is
   * the workspace's.
   */
  dot4x2(pAt: number, ldp: number, qAt: number, ldq: number, k0: number, k1: number): void;
  /** C(r,t) ← β·C(r,t) + α·(the same sums), C(r,t) at c[cAt + r·ldc + t]; β = 0 never reads C. */
  update4x2(pAt: number, ldp: number, qAt: number, ldq: number, k0: number, k1: number, cAt: number, ldc: number, alpha: number, beta: number): void;
}

/**
 * Four rows of a symmetric matrix-vector product from the lower triangle,
 * columns j in [j0, j1): out[r] = Σ_j A(r,j)·v[j] and y[j] += Σ_r A(r,j)·w_r,
 * with row r of A at a[aAt + r·lda + j].
 */
export type SymvKernel = (aAt: number, lda: number, j0: number, j1: number, w0: number, w1: number, w2: number, w3: number) => void;

export interface Workspace {
  /** A zero-filled array the kernels can work on. */
  alloc(length: number): Float64Array;
  readonly kernels: Kernels;
  /** Small output buffer for the kernels (8 entries), owned by the workspace. */
  readonly out: Float64Array;
  /** "wasm-simd" or "ts": which kernels actually ran, for benches and tests. */
  readonly name: string;
}

/** The TS kernels writing their sums to `out`; the reference the wasm ones are tested against. */
export function scalarKernels(out: Float64Array): Kernels {
  return {
    tiles(p, q, c) {
      const dot4x2 = (pAt: number, ldp: number, qAt: number, ldq: number, k0: number, k1: number) => scalarDot4x2(p, pAt, ldp, q, qAt, ldq, k0, k1, out);
      return {
        dot4x2,
        update4x2(pAt, ldp, qAt, ldq, k0, k1, cAt, ldc, alpha, beta) {
          dot4x2(pAt, ldp, qAt, ldq, k0, k1);
          for (let r = 0; r < 4; r++) {
            const at = cAt + r * ldc;
            for (let t = 0; t < 2; t++) {
              const v = alpha * (out[2 * r + t] as number);
              c[at + t] = beta === 0 ? v : (c[at + t] as number) + v;
            }
          }
        },
      };
    },
    symv(a, v, y) {
      return (aAt, lda, j0, j1, w0, w1, w2, w3) => scalarSymv4(a, aAt, lda, v, y, j0, j1, w0, w1, w2, w3, out);
    },
  };
}

function scalarDot4x2(p: Float64Array, pAt: number, ldp: number, q: Float64Array, qAt: number, ldq: number, k0: number, k1: number, out: Float64Array): void {
  const a0 = pAt;
  const a1 = a0 + ldp;
  const a2 = a1 + ldp;
  const a3 = a2 + ldp;
  const b0 = qAt;
  const b1 = qAt + ldq;
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
  for (let k = k0; k < k1; k++) {
    const x0 = q[b0 + k] as number;
    const x1 = q[b1 + k] as number;
    let y = p[a0 + k] as number;
    c00 += y * x0;
    c01 += y * x1;
    y = p[a1 + k] as number;
    c10 += y * x0;
    c11 += y * x1;
    y = p[a2 + k] as number;
    c20 += y * x0;
    c21 += y * x1;
    y = p[a3 + k] as number;
    c30 += y * x0;
    c31 += y * x1;
  }
  out[0] = c00; out[1] = c01; out[2] = c10; out[3] = c11;
  out[4] = c20; out[5] = c21; out[6] = c30; out[7] = c31;
}

function scalarSymv4(a: Float64Array, aAt: number, lda: number, v: Float64Array, y: Float64Array, j0: number, j1: number, w0: number, w1: number, w2: number, w3: number, out: Float64Array): void {
  const r0 = aAt;
  const r1 = r0 + lda;
  const r2 = r1 + lda;
  const r3 = r2 + lda;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (let j = j0; j < j1; j++) {
    const x0 = a[r0 + j] as number;
    const x1 = a[r1 + j] as number;
    const x2 = a[r2 + j] as number;
    const x3 = a[r3 + j] as number;
    const vj = v[j] as number;
    a0 += x0 * vj;
    a1 += x1 * vj;
    a2 += x2 * vj;
    a3 += x3 * vj;
    y[j] = (y[j] as number) + x0 * w0 + x1 * w1 + x2 * w2 + x3 * w3;
  }
  out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
}

/** Plain JS arrays and the TS kernels: works everywhere. */
export function heapWorkspace(): Workspace {
  const out = new Float64Array(8);
  return { alloc: (length) => new Float64Array(length), kernels: scalarKernels(out), out, name: "ts" };
}
