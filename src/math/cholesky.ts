/**
 * Cholesky factorisation A = L Lᵀ of a symmetric positive-definite `n × n` matrix.
 *
 * @param a - `n * n` values, row-major; only the lower triangle is read; not modified.
 * @returns L, `n * n` row-major lower triangular, or null when A is not (numerically) positive
 *   definite — a normal outcome for damped normal equations, so a value, not a throw.
 * @example
 * choleskyFactor(new Float64Array([4, 2, 2, 3]), 2); // [2, 0, 1, √2]
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §4.2.5, Algorithm 4.2.1 (gaxpy Cholesky).
 */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solves A x = b given A's Cholesky factor L (forward substitution L y = b, then back Lᵀ x = y).
 *
 * @param l - `n * n` lower triangular factor from `choleskyFactor`.
 * @param b - `n` values.
 * @returns x, `n` values.
 * @example choleskySolve(choleskyFactor(a, n)!, b, n);
 */
export function choleskySolve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b.subarray(0, n));
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
