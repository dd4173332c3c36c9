import { gemmNT } from "./gemm";
import { heapWorkspace, type Workspace } from "./kernels";

/**
 * Pivoted (rank-revealing) Cholesky of a symmetric positive SEMI-definite
 * matrix: P·A·Pᵀ = L·Lᵀ with L lower-trapezoidal n×rank.
 *
 * Why pivoting: covariance matrices of fewer samples than dimensions (N ≤ d)
 * are singular, and the plain Cholesky breaks down on them. Choosing the
 * largest remaining diagonal as pivot and stopping once it falls below
 * `tol` (LAPACK dpstrf's default n·ε·max diag) yields an exact factor of the
 * numerically non-null part, which is what the trace term of FID needs.
 *
 * Blocked right-looking variant: pivots inside a panel of NB columns are
 * chosen from a running copy of the Schur-complement diagonal; the trailing
 * matrix then gets one rank-NB update through the dot-product kernel.
 * Only the lower triangle of `a` is read.
 */

const NB = 64;
const EPS = 2 ** -52;

export interface PivotedCholesky {
  /** n×n row-major; L in the lower triangle of columns < rank, zeros elsewhere. */
  readonly l: Float64Array;
  readonly n: number;
  readonly rank: number;
  /** Row a of P·A·Pᵀ is row perm[a] of A. */
  readonly perm: Int32Array;
}

export function pivotedCholesky(a: Float64Array, n: number, tol?: number, workspace: Workspace = heapWorkspace()): PivotedCholesky {
  if (a.length !== n * n) throw new Error(`pivotedCholesky: expected ${n * n} entries, got ${a.length}`);
  const w = workspace.alloc(n * n);
  w.set(a);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, w[i * n + i] as number);
  const threshold = tol ?? n * EPS * maxDiag;
  const schurDiag = new Float64Array(n);
  let rank = n;

  outer: for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    // Trailing diagonal as left by the previous panels' updates.
    for (let i = k0; i < n; i++) schurDiag[i] = w[i * n + i] as number;
    for (let k = k0; k < k1; k++) {
      let piv = k;
      for (let i = k + 1; i < n; i++) if ((schurDiag[i] as number) > (schurDiag[piv] as number)) piv = i;
      const dk = schurDiag[piv] as number;
      if (!(dk > threshold)) {
        // NaN lands here too; the caller checks finiteness of the result.
        rank = k;
        break outer;
      }
      if (piv !== k) {
        symmetricSwap(w, n, k, piv);
        swap(schurDiag, k, piv);
        const t = perm[k] as number;
        perm[k] = perm[piv] as number;
        perm[piv] = t;
      }
      const ljj = Math.sqrt(dk);
      w[k * n + k] = ljj;
      const rowK = k * n;
      for (let i = k + 1; i < n; i++) {
        const rowI = i * n;
        // Contributions of earlier columns of this panel (left-looking).
        let s = w[rowI + k] as number;
        for (let m = k0; m < k; m++) s -= (w[rowI + m] as number) * (w[rowK + m] as number);
        const lik = s / ljj;
        w[rowI + k] = lik;
        schurDiag[i] = (schurDiag[i] as number) - lik * lik;
      }
    }
    if (k1 < n) {
      // A22 -= L21·L21ᵀ on the lower triangle.
      gemmNT({
        p: w, ldp: n, q: w, ldq: n, c: w, ldc: n,
        iLo: k1, iHi: n,
        jLo: () => k1, jHi: (i) => i + 1,
        kLo: () => k0, kHi: () => k1,
        alpha: -1, beta: 1, workspace,
      });
    }
  }

  // Clear the upper triangle and the unfactored trailing columns so L can be
  // used directly as a dense matrix with explicit structural zeros.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = Math.min(i + 1, rank); j < n; j++) w[row + j] = 0;
  }
  return { l: w, n, rank, perm };
}

function swap(v: Float64Array, i: number, j: number): void {
  const t = v[i] as number;
  v[i] = v[j] as number;
  v[j] = t;
}

/** Swap rows/columns k < p of a symmetric matrix stored in the lower triangle (LAPACK dsyswapr). */
function symmetricSwap(w: Float64Array, n: number, k: number, p: number): void {
  for (let j = 0; j < k; j++) swap(w, k * n + j, p * n + j);
  swap(w, k * n + k, p * n + p);
  for (let i = k + 1; i < p; i++) swap(w, i * n + k, p * n + i);
  for (let i = p + 1; i < n; i++) swap(w, i * n + k, i * n + p);
}
