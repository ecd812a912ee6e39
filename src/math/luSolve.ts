import { assert } from '../core/errors.ts';

/**
 * Solves the square system A X = B by LU decomposition with partial (row) pivoting.
 *
 * @param a - `n * n` values, row-major; not modified.
 * @param b - `n * nrhs` values, row-major (one right-hand side per column).
 * @param nrhs - number of right-hand sides (default 1).
 * @returns X, `n * nrhs` row-major, or null when A is singular to working precision (a pivot below
 *   1e-14 of the largest entry).
 * @example
 * luSolve(new Float64Array([0, 1, 1, 0]), new Float64Array([2, 3]), 2); // [3, 2]
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §3.4.2 (partial pivoting), Algorithm 3.4.1.
 */
export function luSolve(a: Float64Array, b: Float64Array, n: number, nrhs = 1): Float64Array | null {
  assert(a.length >= n * n && b.length >= n * nrhs, 'luSolve: a holds n * n and b n * nrhs values');
  const lu = a.slice(0, n * n);
  const x = b.slice(0, n * nrhs);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(lu[i]));
  const tiny = 1e-14 * scale;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    if (!(Math.abs(lu[p * n + k]) > tiny)) return null;
    if (p !== k) {
      swapRows(lu, n, p, k);
      swapRows(x, nrhs, p, k);
    }
    const pivot = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] / pivot;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      for (let c = 0; c < nrhs; c++) x[i * nrhs + c] -= f * x[k * nrhs + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < nrhs; c++) {
      let s = x[i * nrhs + c];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j * nrhs + c];
      x[i * nrhs + c] = s / lu[i * n + i];
    }
  }
  return x;
}

function swapRows(m: Float64Array, cols: number, p: number, q: number): void {
  for (let j = 0; j < cols; j++) {
    const t = m[p * cols + j];
    m[p * cols + j] = m[q * cols + j];
    m[q * cols + j] = t;
  }
}
