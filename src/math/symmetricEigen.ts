/**
 * Eigen-decomposition of a symmetric `size × size` matrix by cyclic Jacobi rotations (at most 60
 * sweeps, until the off-diagonal mass is below 1e-30 of the diagonal's).
 *
 * @param a - `size * size` float64 values, row-major, symmetric; destroyed (ends near diagonal).
 * @returns eigenvalues (unsorted, `size` values) and eigenvectors as the columns of `vectors`
 *   (`size * size`, row-major): column e belongs to `values[e]`.
 * @example
 * jacobiEigen(new Float64Array([2, 1, 1, 2]), 2).values; // [1, 3] in some order
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., §8.5.3 (cyclic Jacobi), Algorithm 8.5.1.
 */
export function jacobiEigen(a: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const v = identity(size);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < size; p++) {
      diag += a[p * size + p] ** 2;
      for (let q = p + 1; q < size; q++) off += a[p * size + q] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < size - 1; p++) for (let q = p + 1; q < size; q++) rotate(a, v, size, p, q);
  }
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = a[i * size + i];
  return { values, vectors: v };
}

/** One Jacobi rotation zeroing a[p][q] (Golub & Van Loan, Algorithm 8.5.1), applied to a and v. */
function rotate(a: Float64Array, v: Float64Array, size: number, p: number, q: number): void {
  const apq = a[p * size + q];
  if (Math.abs(apq) < 1e-300) return;
  const tau = (a[q * size + q] - a[p * size + p]) / (2 * apq);
  const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  for (let k = 0; k < size; k++) {
    const akp = a[k * size + p], akq = a[k * size + q];
    a[k * size + p] = c * akp - s * akq;
    a[k * size + q] = s * akp + c * akq;
  }
  for (let k = 0; k < size; k++) {
    const apk = a[p * size + k], aqk = a[q * size + k];
    a[p * size + k] = c * apk - s * aqk;
    a[q * size + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < size; k++) {
    const vkp = v[k * size + p], vkq = v[k * size + q];
    v[k * size + p] = c * vkp - s * vkq;
    v[k * size + q] = s * vkp + c * vkq;
  }
}

/** The `size × size` identity, row-major float64. */
export function identity(size: number): Float64Array {
  const m = new Float64Array(size * size);
  for (let i = 0; i < size; i++) m[i * size + i] = 1;
  return m;
}
