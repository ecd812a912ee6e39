import { assert } from '../core/errors.ts';
import { householderQr } from './qr.ts';
import { svd } from './svd.ts';

/** The right null space of a matrix, least-squares sense: its last right singular vectors. */
export interface NullSpace {
  /** `k` basis vectors, each `n` values, concatenated (vector j at `j * n`): the right singular
   *  vectors of the k smallest singular values, the smallest last. */
  basis: Float64Array;
  /** All n singular values, decreasing (about zero beyond the rank of a wide matrix). */
  singularValues: Float64Array;
}

/**
 * The k right singular vectors of A with the smallest singular values — the exact null space when
 * A has rank n − k, the least-squares one (min ‖A x‖ over unit x) otherwise. A wide matrix (m < n) is
 * padded with zero rows so that all n right singular vectors exist; a tall one (m > n) is first
 * reduced to its n × n triangular factor R (A = Q R has the same right singular vectors), so the
 * Jacobi SVD runs on n × n whatever the row count.
 *
 * @param a - `m * n` values, row-major; not modified.
 * @param k - how many basis vectors, 1 ≤ k ≤ n.
 * @example
 * nullSpace(new Float64Array([1, 1]), 1, 2, 1).basis; // ±[0.7071, −0.7071]
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §2.4 (SVD and null space), §5.4.5
 * (R-SVD: QR before the SVD of a tall matrix).
 */
export function nullSpace(a: Float64Array, m: number, n: number, k: number): NullSpace {
  assert(k >= 1 && k <= n && a.length >= m * n, `nullSpace: 1 <= k ${k} <= n ${n}, a holds m * n values`);
  let square: Float64Array;
  if (m > n) square = householderQr(a, m, n).r;
  else {
    square = new Float64Array(n * n);
    square.set(a.subarray(0, m * n));
  }
  const { s, v } = svd(square, n, n);
  const basis = new Float64Array(k * n);
  for (let j = 0; j < k; j++) {
    const col = n - k + j;
    for (let i = 0; i < n; i++) basis[j * n + i] = v[i * n + col];
  }
  return { basis, singularValues: s };
}
