import { assert } from '../core/errors.ts';

/** A thin SVD A = U diag(s) Vᵀ of an `m × n` matrix, k = min(m, n). */
export interface SvdFactors {
  /** U, `m * k` row-major, orthonormal columns (a zero singular value's column is 0). */
  u: Float64Array;
  /** Singular values, `k`, decreasing, ≥ 0. */
  s: Float64Array;
  /** V, `n * k` row-major, orthonormal columns. */
  v: Float64Array;
}

/**
 * Thin singular value decomposition by one-sided (Hestenes) Jacobi: plane rotations orthogonalise
 * the columns of W = A V pairwise until every pair is orthogonal to 1e-15 (at most 60 sweeps);
 * then s_j = ‖w_j‖ and u_j = w_j / s_j. Accurate to high relative precision; suited to the small
 * dense matrices of geometry (3 × 3, 9 × 9, 12 × 12) rather than to large ones. For m < n it
 * factors Aᵀ and swaps U and V.
 *
 * @param a - `m * n` values, row-major; not modified.
 * @example
 * svd(new Float64Array([3, 0, 0, 4]), 2, 2).s; // [4, 3]
 *
 * References: J. Demmel, K. Veselić, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal.
 * Appl. 13(4), 1992, §4; Golub & Van Loan, "Matrix Computations", 4th ed., §8.6.3 (one-sided Jacobi).
 */
export function svd(a: Float64Array, m: number, n: number): SvdFactors {
  assert(m >= 1 && n >= 1 && a.length >= m * n, 'svd: a holds m * n values');
  if (m < n) {
    const t = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
    const f = svd(t, n, m);
    return { u: f.v, s: f.s, v: f.u };
  }
  const w = a.slice(0, m * n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let frobenius2 = 0;
  for (let i = 0; i < m * n; i++) frobenius2 += w[i] * w[i];
  const negligible = (Number.EPSILON * Number.EPSILON) * frobenius2;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotated = orthogonalise(w, v, m, n, p, q, negligible) || rotated;
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => Math.sqrt(columnDot(w, m, n, j, j)));
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  const s = new Float64Array(n);
  order.forEach((j, c) => {
    s[c] = norms[j];
    for (let i = 0; i < m; i++) u[i * n + c] = norms[j] > 0 ? w[i * n + j] / norms[j] : 0;
    for (let i = 0; i < n; i++) vs[i * n + c] = v[i * n + j];
  });
  return { u, s, v: vs };
}

/**
 * One Jacobi rotation making columns p and q of w orthogonal, applied to v too; false when they
 * already are, or when either column's squared norm is at most `negligible` (ε² ‖A‖²_F): such a
 * column is zero to working precision (a rank-deficient A), and rotating it against others would
 * only stir rounding noise and never converge.
 */
function orthogonalise(w: Float64Array, v: Float64Array, m: number, n: number, p: number, q: number, negligible: number): boolean {
  const alpha = columnDot(w, m, n, p, p);
  const beta = columnDot(w, m, n, q, q);
  if (alpha <= negligible || beta <= negligible) return false;
  const gamma = columnDot(w, m, n, p, q);
  if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) return false;
  const zeta = (beta - alpha) / (2 * gamma);
  const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = c * t;
  rotateColumns(w, m, n, p, q, c, s);
  rotateColumns(v, n, n, p, q, c, s);
  return true;
}

function rotateColumns(x: Float64Array, rows: number, cols: number, p: number, q: number, c: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const xp = x[i * cols + p], xq = x[i * cols + q];
    x[i * cols + p] = c * xp - s * xq;
    x[i * cols + q] = s * xp + c * xq;
  }
}

function columnDot(x: Float64Array, rows: number, cols: number, p: number, q: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) s += x[i * cols + p] * x[i * cols + q];
  return s;
}
