import { tridiagonalizeInPlace } from "./tridiagonal";
import { tridiagonalEigenvalues } from "./tql";
import { heapWorkspace, type Workspace } from "./kernels";

/** Eigenvalues (ascending) of a symmetric n×n row-major matrix; reads the lower triangle only. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  return symmetricEigenvaluesInPlace(Float64Array.from(a.subarray(0, n * n)), n);
}

/** As symmetricEigenvalues but uses `a` as scratch (saves an n² copy at d = 2048). */
export function symmetricEigenvaluesInPlace(a: Float64Array, n: number, workspace: Workspace = heapWorkspace()): Float64Array {
  const { d, e } = tridiagonalizeInPlace(a, n, workspace);
  return tridiagonalEigenvalues(d, e).sort();
}
