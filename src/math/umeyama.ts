/**
 * The least-squares similarity between two point sets (Umeyama 1991): scale s, rotation R and
 * translation t minimising Σ ‖yᵢ − (s R xᵢ + t)‖², for any dimension d.
 */
import { assert } from '../core/errors.ts';
import { svd } from './svd.ts';

/** y ≈ s R x + t. */
export interface Similarity {
  scale: number;
  /** d × d, row-major, det +1. */
  R: Float64Array;
  t: Float64Array;
  /** Root-mean-square residual ‖y − (s R x + t)‖ over the points, in y's units. */
  rms: number;
}

/**
 * The similarity that maps points x onto points y.
 *
 * Algorithm (Umeyama 1991, Theorem and eqs. 40–42): centre both sets on their means μx, μy; the
 * cross-covariance Σ = (1/n) Σᵢ (yᵢ − μy)(xᵢ − μx)ᵀ = U D Vᵀ; S = diag(1, …, 1, sign det(U) det(V));
 * R = U S Vᵀ, s = tr(D S) / σx² (σx² the mean squared distance of x from μx), t = μy − s R μx.
 *
 * @param x - source points, `n * d` values, row-major.
 * @param y - target points, same layout.
 * @param d - dimension (default 3).
 * @throws Error (assertion) for fewer than 2 points, mismatched sizes, or all x equal.
 * @example
 * const { scale, R, t } = umeyamaSimilarity(estimatedCentres, trueCentres); // aligns a reconstruction
 *
 * References: S. Umeyama, "Least-squares estimation of transformation parameters between two point
 * patterns", IEEE TPAMI 13(4), 1991.
 */
export function umeyamaSimilarity(x: ArrayLike<number>, y: ArrayLike<number>, d = 3): Similarity {
  const n = x.length / d;
  assert(Number.isInteger(n) && n >= 2 && y.length === x.length, `umeyamaSimilarity: expected two sets of at least 2 points of dimension ${d} but received ${x.length} and ${y.length} values`);
  const mx = new Float64Array(d), my = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) [mx[k], my[k]] = [mx[k] + x[i * d + k] / n, my[k] + y[i * d + k] / n];
  const cov = new Float64Array(d * d);
  let varX = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const ya = y[i * d + a] - my[a];
      varX += (x[i * d + a] - mx[a]) ** 2 / n;
      for (let b = 0; b < d; b++) cov[a * d + b] += (ya * (x[i * d + b] - mx[b])) / n;
    }
  }
  assert(varX > 0, 'umeyamaSimilarity: the source points are all equal');
  const { u, s, v } = svd(cov, d, d);
  // Coplanar points (e.g. cameras along a path): Σ has rank 2 and svd leaves U's and V's last
  // columns 0; any unit normal completes a valid SVD, as s₃ = 0.
  if (d === 3) for (const m of [u, v]) if (Math.hypot(m[2], m[5], m[8]) < 0.5) [m[2], m[5], m[8]] = [m[3] * m[7] - m[6] * m[4], m[6] * m[1] - m[0] * m[7], m[0] * m[4] - m[3] * m[1]];
  const S = new Float64Array(d).fill(1);
  if (determinant(u, d) * determinant(v, d) < 0) S[d - 1] = -1;
  const R = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let k = 0; k < d; k++) R[a * d + b] += u[a * d + k] * S[k] * v[b * d + k];
  let trace = 0;
  for (let k = 0; k < d; k++) trace += s[k] * S[k];
  const scale = trace / varX;
  const t = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    t[a] = my[a];
    for (let b = 0; b < d; b++) t[a] -= scale * R[a * d + b] * mx[b];
  }
  let sq = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      let p = t[a];
      for (let b = 0; b < d; b++) p += scale * R[a * d + b] * x[i * d + b];
      sq += (y[i * d + a] - p) ** 2;
    }
  }
  return { scale, R, t, rms: Math.sqrt(sq / n) };
}

/** Determinant by Gaussian elimination with partial pivoting (d × d, row-major; copied). */
function determinant(m: ArrayLike<number>, d: number): number {
  const a = Float64Array.from(m);
  let det = 1;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) p = r;
    if (a[p * d + c] === 0) return 0;
    if (p !== c) {
      for (let k = 0; k < d; k++) [a[c * d + k], a[p * d + k]] = [a[p * d + k], a[c * d + k]];
      det = -det;
    }
    det *= a[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = a[r * d + c] / a[c * d + c];
      for (let k = c; k < d; k++) a[r * d + k] -= f * a[c * d + k];
    }
  }
  return det;
}
