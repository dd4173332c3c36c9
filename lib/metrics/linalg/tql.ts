/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL method
 * with Wilkinson shifts (EISPACK tql1 / Numerical Recipes tqli without
 * eigenvectors). O(n²) — negligible next to the O(n³) reduction.
 *
 * d: diagonal (overwritten with the eigenvalues, unsorted),
 * e: e[i] couples i and i+1 (overwritten).
 */
const EPS = 2 ** -52;
const MAX_ITER = 60;

export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  if (e.length < n) throw new Error("tridiagonalEigenvalues: e must have length n");
  if (n > 0) e[n - 1] = 0;
  // Deflate when e[m] is negligible relative to its neighbours OR to the
  // whole matrix (EISPACK tql1's test). The second test is what lets
  // clusters of (numerically) zero eigenvalues — singular covariances —
  // converge; the purely relative test never fires there.
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i] as number) + Math.abs(e[i] as number));
  const absTol = EPS * norm;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        const em = Math.abs(e[m] as number);
        if (em <= EPS * dd || em <= absTol) break;
      }
      if (m !== l) {
        if (iter++ === MAX_ITER) throw new Error("tridiagonalEigenvalues: no convergence");
        let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
        let r = Math.hypot(g, 1);
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * (e[i] as number);
          const b = c * (e[i] as number);
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            // Recover from underflow: deflate and restart this l.
            d[i + 1] = (d[i + 1] as number) - p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = (d[i + 1] as number) - p;
          r = ((d[i] as number) - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] = (d[l] as number) - p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d;
}
