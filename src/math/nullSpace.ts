import { assert } from '../core/errors.ts';
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
  if (m > n) square = triangularFactor(a, m, n);
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

/** R of A = Q R by Householder reflections (Q not formed), `n * n` row-major. */
function triangularFactor(a: Float64Array, m: number, n: number): Float64Array {
  const w = a.slice(0, m * n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = w[k * n + k] > 0 ? -norm : norm;
    const v0 = w[k * n + k] - alpha;
    const vv = v0 * v0 + norm * norm - w[k * n + k] ** 2;
    // v = (w_kk − α, w_{k+1,k}, …): reflect columns k+1 … n−1; column k becomes (α, 0, …)
    for (let j = k + 1; j < n; j++) {
      let dot = v0 * w[k * n + j];
      for (let i = k + 1; i < m; i++) dot += w[i * n + k] * w[i * n + j];
      const f = (2 * dot) / vv;
      w[k * n + j] -= f * v0;
      for (let i = k + 1; i < m; i++) w[i * n + j] -= f * w[i * n + k];
    }
    w[k * n + k] = alpha;
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  return r;
}

/** The exact null space of a wide matrix by elimination, with a rank indicator. */
export interface EliminationNullSpace {
  /** n − m orthonormal basis vectors, each `n` values, concatenated. */
  basis: Float64Array;
  /** |last pivot| ÷ |first pivot| of the complete-pivoting elimination: near 0 when A has rank < m
   *  (then the basis is not a null space of dimension n − m and should not be trusted). */
  pivotRatio: number;
}

/**
 * The null space of an `m × n` matrix of full row rank m < n by Gauss–Jordan elimination with
 * complete pivoting, then modified Gram–Schmidt — about m²n flops, against the Jacobi SVD's
 * hundreds of rotations: the fast path of minimal solvers (5, 7 or 8 epipolar equations, 8 DLT rows).
 * Row i of the reduced matrix reads x[p_i] = −Σ_f a_if x[f] over the n − m free columns f, so each
 * free column gives one basis vector.
 *
 * @param a - `m * n` values, row-major; not modified.
 * @returns the basis and the pivot ratio (0 when a pivot is exactly 0).
 * @example
 * eliminationNullSpace(new Float64Array([1, 1]), 1, 2).basis; // ±[0.7071, −0.7071]
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §3.4.8 (complete pivoting, rank
 * revelation in practice), §5.2.8 (modified Gram–Schmidt).
 */
export function eliminationNullSpace(a: Float64Array, m: number, n: number): EliminationNullSpace {
  assert(m >= 1 && m < n && a.length >= m * n, `eliminationNullSpace: 1 <= m ${m} < n ${n}, a holds m * n values`);
  const w = a.slice(0, m * n);
  const pivotColumn = new Int32Array(m);
  const isPivot = new Uint8Array(n);
  let first = 0, last = 0;
  for (let r = 0; r < m; r++) {
    let pi = r, pj = -1, big = -1;
    for (let i = r; i < m; i++) for (let j = 0; j < n; j++) {
      if (!isPivot[j] && Math.abs(w[i * n + j]) > big) [big, pi, pj] = [Math.abs(w[i * n + j]), i, j];
    }
    if (r === 0) first = big;
    last = big;
    if (!(big > 0)) return { basis: new Float64Array((n - m) * n), pivotRatio: 0 };
    if (pi !== r) for (let j = 0; j < n; j++) [w[pi * n + j], w[r * n + j]] = [w[r * n + j], w[pi * n + j]];
    pivotColumn[r] = pj;
    isPivot[pj] = 1;
    const inv = 1 / w[r * n + pj];
    for (let j = 0; j < n; j++) w[r * n + j] *= inv;
    for (let i = 0; i < m; i++) {
      const f = w[i * n + pj];
      if (i === r || f === 0) continue;
      for (let j = 0; j < n; j++) w[i * n + j] -= f * w[r * n + j];
    }
  }
  const k = n - m;
  const basis = new Float64Array(k * n);
  let b = 0;
  for (let f = 0; f < n; f++) {
    if (isPivot[f]) continue;
    const v = basis.subarray(b * n, b * n + n);
    v[f] = 1;
    for (let r = 0; r < m; r++) v[pivotColumn[r]] = -w[r * n + f];
    for (let c = 0; c < b; c++) {
      const u = basis.subarray(c * n, c * n + n);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
    b++;
  }
  return { basis, pivotRatio: last / first };
}
