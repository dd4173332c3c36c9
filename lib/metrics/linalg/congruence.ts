import { gemmNT } from "./gemm";
import { heapWorkspace, type Workspace } from "./kernels";

/**
 * S = Lᵀ·B·L for symmetric B (n×n) and lower-trapezoidal L (n×n storage,
 * columns ≥ r zero); returns the r×r symmetric S (both triangles filled).
 *
 * Why this shape: with Σ₁ = L·Lᵀ the matrix Lᵀ·Σ₂·L is symmetric and has the
 * same non-zero eigenvalues as Σ₁·Σ₂, so the FID trace term needs only a
 * symmetric eigenvalue solver.
 *
 * Cost trick (the same count as LAPACK dsygst): split B = T + Tᵀ with T the
 * lower triangle of B and half its diagonal. Then Lᵀ·B·L = X + Xᵀ with
 * X = Lᵀ·(T·L), and T·L is lower triangular, so the two products cost
 * n³/6 + n³/3 multiply-adds instead of n³/2 + n³/6 for the direct route.
 */
export function congruenceLtBL(b: Float64Array, l: Float64Array, n: number, r: number, workspace: Workspace = heapWorkspace()): Float64Array {
  // T: lower triangle of B, half diagonal, explicit zeros above.
  const t = workspace.alloc(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < i; j++) t[row + j] = b[row + j] as number;
    t[row + i] = 0.5 * (b[row + i] as number);
  }
  // U = Lᵀ (r×n), upper-trapezoidal; row a is column a of L (whose zeros above the diagonal come along).
  const u = workspace.alloc(r * n);
  transposeInto(l, n, u, n, n, r);
  // H = T·L (n×r): H(i,b) = Σ_{k=b..i} T(i,k)·U(b,k); zero for b > i.
  const h = workspace.alloc(n * r);
  gemmNT({
    p: t, ldp: n, q: u, ldq: n, c: h, ldc: r,
    iLo: 0, iHi: n,
    jLo: () => 0, jHi: (i) => Math.min(i + 1, r),
    kLo: (_i, j) => j, kHi: (i) => i + 1,
    alpha: 1, beta: 0, workspace,
  });
  // Hᵀ (r×n) so that X(a,b) = U(a,:)·Hᵀ(b,:) is a dot product of rows. Reuse T's storage.
  const ht = t.subarray(0, r * n);
  transposeInto(h, r, ht, n, n, r);
  // X = U·H (r×r): X(a,b) = Σ_{k ≥ max(a,b)} U(a,k)·H(k,b).
  const xFull = workspace.alloc(r * r);
  gemmNT({
    p: u, ldp: n, q: ht, ldq: n, c: xFull, ldc: r,
    iLo: 0, iHi: r,
    jLo: () => 0, jHi: () => r,
    kLo: (i, j) => Math.max(i, j), kHi: () => n,
    alpha: 1, beta: 0, workspace,
  });
  // S = X + Xᵀ, in place.
  for (let a = 0; a < r; a++) {
    for (let bb = 0; bb < a; bb++) {
      const s = (xFull[a * r + bb] as number) + (xFull[bb * r + a] as number);
      xFull[a * r + bb] = s;
      xFull[bb * r + a] = s;
    }
    xFull[a * r + a] = 2 * (xFull[a * r + a] as number);
  }
  return xFull;
}

const BLOCK = 32;

/**
 * dst(c, i) = src(i, c) for i < rows, c < cols (leading dimensions srcLd,
 * dstLd). In 32×32 blocks: an element-wise transpose of a d = 2048 matrix
 * touches a new page with every write, blocks keep both sides in cache.
 */
function transposeInto(src: Float64Array, srcLd: number, dst: Float64Array, dstLd: number, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(rows, i0 + BLOCK);
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const c1 = Math.min(cols, c0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        const row = i * srcLd;
        for (let c = c0; c < c1; c++) dst[c * dstLd + i] = src[row + c] as number;
      }
    }
  }
}
