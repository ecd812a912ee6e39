import { assert } from '../core/errors.ts';

/** A thin QR factorisation A = Q R of an `m × n` matrix, m ≥ n. */
export interface QrFactors {
  /** Q, `m * n` row-major, orthonormal columns. */
  q: Float64Array;
  /** R, `n * n` row-major, upper triangular. */
  r: Float64Array;
}

/**
 * Thin QR by Householder reflections: reflector k zeroes column k below the diagonal; Q is
 * accumulated by applying the reflectors, last first, to the first n columns of the identity.
 *
 * @param a - `m * n` values, row-major; not modified.
 * @param m - rows, m ≥ n.
 * @param n - columns, n ≥ 1.
 * @example
 * const { q, r } = householderQr(new Float64Array([3, 4]), 2, 1); // q = [0.6, 0.8] up to sign, r = [5] up to sign
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §5.1.2 (Householder vectors), Algorithm 5.2.1.
 */
export function householderQr(a: Float64Array, m: number, n: number): QrFactors {
  assert(m >= n && n >= 1 && a.length >= m * n, `householderQr: m ${m} >= n ${n} >= 1 and a holds m * n values`);
  const w = a.slice(0, m * n);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = w[k * n + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i - k] = w[i * n + k];
    v[0] -= alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    vs.push(v);
    if (vv === 0) continue;
    for (let j = k; j < n; j++) reflect(w, n, j, k, m, v, vv);
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) reflect(q, n, j, k, m, v, vv);
  }
  return { q, r };
}

/** Column j of the row-major `m × cols` matrix x, rows k…m−1, ← (I − 2 v vᵀ / vᵀv) applied to it. */
function reflect(x: Float64Array, cols: number, j: number, k: number, m: number, v: Float64Array, vv: number): void {
  let s = 0;
  for (let i = k; i < m; i++) s += v[i - k] * x[i * cols + j];
  const f = (2 * s) / vv;
  for (let i = k; i < m; i++) x[i * cols + j] -= f * v[i - k];
}
