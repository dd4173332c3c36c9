import { congruenceLtBL } from "./linalg/congruence";
import { pivotedCholesky } from "./linalg/cholesky";
import { symmetricEigenvaluesInPlace } from "./linalg/eigen";
import { heapWorkspace, type Workspace } from "./linalg/kernels";
import { createWasmWorkspace } from "./linalg/wasm-workspace";

/**
 * Fréchet distance between Gaussians N(μ₁,Σ₁) and N(μ₂,Σ₂):
 *   FID = ‖μ₁−μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr((Σ₁Σ₂)^½)
 *
 * Tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(Σ₁Σ₂). pytorch-fid gets it from scipy.linalg.sqrtm of
 * the non-symmetric product (a complex Schur decomposition, ~10 s at d = 2048).
 * We use that Σ₁Σ₂ is similar to the symmetric PSD matrix Lᵀ·Σ₂·L when
 * P·Σ₁·Pᵀ = L·Lᵀ (pivoted Cholesky, which also covers singular Σ₁), so the
 * trace term is Σ √max(λᵢ, 0) over the eigenvalues of a symmetric matrix.
 * Negative λᵢ are rounding noise of a PSD matrix and are clamped, which
 * matches taking the real part of sqrtm.
 *
 * Singular covariances: pytorch-fid retries with eps·I added to both
 * covariances when sqrtm returns non-finite values. The pivoted Cholesky
 * does not need that for PSD input, but we keep the same rule: if the trace
 * term comes out non-finite we add eps (default 1e-6) to both diagonals and
 * recompute, and report it in `offsetApplied`.
 *
 * Speed: the O(d³) inner loops run as WebAssembly SIMD kernels where the
 * engine supports them (Node, every current browser), else as plain TS —
 * see lib/metrics/linalg/kernels.ts and docs/metrics.md for the figures.
 */

export interface Gaussian {
  readonly mean: Float64Array;
  /** d×d row-major, symmetric; only the lower triangle is read. */
  readonly cov: Float64Array;
}

export interface FrechetResult {
  readonly fid: number;
  readonly meanTerm: number;
  readonly traceCov1: number;
  readonly traceCov2: number;
  readonly traceSqrtProduct: number;
  /** Numerical rank of Σ₁ found by the pivoted Cholesky. */
  readonly rank1: number;
  /** True when the pytorch-fid style eps retry was used. */
  readonly offsetApplied: boolean;
  /** Which kernels ran: "wasm-simd" or "ts". */
  readonly kernels: string;
}

export interface FrechetOptions {
  readonly eps?: number;
  /** "auto" (default): WebAssembly SIMD when available, else TS. "ts": always the TS kernels. */
  readonly kernels?: "auto" | "ts";
}

export function frechetDistance(g1: Gaussian, g2: Gaussian, options: FrechetOptions = {}): FrechetResult {
  const d = g1.mean.length;
  if (g2.mean.length !== d) throw new Error(`frechetDistance: mean dimensions differ (${d} vs ${g2.mean.length})`);
  if (g1.cov.length !== d * d || g2.cov.length !== d * d) {
    throw new Error(`frechetDistance: covariances must be ${d}×${d}`);
  }
  const eps = options.eps ?? 1e-6;
  let meanTerm = 0;
  for (let i = 0; i < d; i++) {
    const diff = (g1.mean[i] as number) - (g2.mean[i] as number);
    meanTerm += diff * diff;
  }
  const traceCov1 = trace(g1.cov, d);
  const traceCov2 = trace(g2.cov, d);

  const workspace = () => (options.kernels === "ts" ? heapWorkspace() : (createWasmWorkspace(traceSqrtProductScratch(d)) ?? heapWorkspace()));
  let offsetApplied = false;
  let ws = workspace();
  let tr = traceSqrtProduct(g1.cov, g2.cov, d, ws);
  if (!Number.isFinite(tr.value)) {
    offsetApplied = true;
    ws = workspace();
    tr = traceSqrtProduct(addDiagonal(g1.cov, d, eps), addDiagonal(g2.cov, d, eps), d, ws);
    if (!Number.isFinite(tr.value)) throw new Error("frechetDistance: trace term is not finite even after adding eps to the diagonals");
  }
  const fid = meanTerm + traceCov1 + traceCov2 - 2 * tr.value;
  return { fid, meanTerm, traceCov1, traceCov2, traceSqrtProduct: tr.value, rank1: tr.rank, offsetApplied, kernels: ws.name };
}

/**
 * f64 entries traceSqrtProduct takes from its workspace at dimension d:
 * the Cholesky factor, the permuted Σ₂ and the congruence's four r×n
 * matrices (r ≤ d), the tridiagonalisation's n×64 / n×128 panels and two
 * vectors, plus alignment slack.
 */
export function traceSqrtProductScratch(d: number): number {
  return 6 * d * d + 386 * d + 512;
}

/** Tr((Σ₁Σ₂)^½) for symmetric PSD Σ₁, Σ₂ (d×d row-major, lower triangles read). */
export function traceSqrtProduct(cov1: Float64Array, cov2: Float64Array, d: number, workspace: Workspace = heapWorkspace()): { value: number; rank: number } {
  for (const c of [cov1, cov2]) {
    for (let i = 0; i < d * d; i++) if (!Number.isFinite(c[i] as number)) return { value: NaN, rank: 0 };
  }
  const { l, rank, perm } = pivotedCholesky(cov1, d, undefined, workspace);
  if (rank === 0) return { value: 0, rank };
  // Σ₂ in the pivot order of Σ₁ (a similarity, so the spectrum is unchanged).
  const permuted = workspace.alloc(d * d);
  for (let a = 0; a < d; a++) {
    const src = (perm[a] as number) * d;
    const dst = a * d;
    for (let b = 0; b <= a; b++) {
      // Read from the lower triangle of Σ₂ whichever way round the pair falls.
      const pb = perm[b] as number;
      const pa = perm[a] as number;
      permuted[dst + b] = pa >= pb ? (cov2[src + pb] as number) : (cov2[pb * d + pa] as number);
    }
  }
  const s = congruenceLtBL(permuted, l, d, rank, workspace);
  const eig = symmetricEigenvaluesInPlace(s, rank, workspace);
  let value = 0;
  for (let i = 0; i < rank; i++) value += Math.sqrt(Math.max(eig[i] as number, 0));
  return { value, rank };
}

function trace(m: Float64Array, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += m[i * d + i] as number;
  return t;
}

function addDiagonal(m: Float64Array, d: number, eps: number): Float64Array {
  const out = Float64Array.from(m);
  for (let i = 0; i < d; i++) out[i * d + i] = (out[i * d + i] as number) + eps;
  return out;
}
