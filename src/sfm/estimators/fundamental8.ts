import { mul3, transpose3, normaliseFrobenius } from '../../math/mat3.ts';
import { eliminationNullSpace, nullSpace } from '../../math/nullSpace.ts';
import { svd } from '../../math/svd.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';
import { hartleyNormalise, normalisationMatrix, type Normalisation } from './hartleyNormalise.ts';
import { sampsonSquaredErrors } from './sampsonError.ts';

/** A sample below this ratio of its second-smallest to largest singular value (or, for a minimal
 *  sample, of its last to first elimination pivot) has a larger null space than the solver expects
 *  (collinear points, or a plane seen without parallax) and gives no model. */
export const RANK_TOLERANCE = 1e-9;

/**
 * The k-dimensional (least-squares) null space of a `rows × 9` design matrix, or null when the
 * matrix has lower rank than 9 − k. A minimal system (rows = 9 − k) is solved by elimination
 * (eliminationNullSpace, ~50× faster than the SVD), a larger one by nullSpace (the k smallest right
 * singular vectors).
 */
export function solverNullSpace(a: Float64Array, rows: number, k: number): Float64Array | null {
  if (rows === 9 - k) {
    const { basis, pivotRatio } = eliminationNullSpace(a, rows, 9);
    return pivotRatio > RANK_TOLERANCE ? basis : null;
  }
  if (rows < 9 - k) return null;
  const { basis, singularValues: s } = nullSpace(a, rows, 9, k);
  return s[8 - k] > RANK_TOLERANCE * s[0] ? basis : null;
}

/**
 * The epipolar design matrix: one row (u x, u y, u, v x, v y, v, x, y, 1) per correspondence
 * (x, y) ↔ (u, v), so that A f = 0 for F's 9 entries f, row-major, when x₂ᵀ F x₁ = 0.
 *
 * @param p1 - image-1 points, `2 * size` interleaved; p2 likewise for image 2.
 * @returns `size * 9` values, row-major.
 */
export function epipolarDesignMatrix(p1: Float64Array, p2: Float64Array, size: number): Float64Array {
  const a = new Float64Array(size * 9);
  for (let k = 0; k < size; k++) {
    const x = p1[2 * k], y = p1[2 * k + 1], u = p2[2 * k], v = p2[2 * k + 1];
    a.set([u * x, u * y, u, v * x, v * y, v, x, y, 1], k * 9);
  }
  return a;
}

/** Both images' sample points, Hartley-normalised, with their similarities; null when either set coincides. */
export function normalisedSample(data: Correspondences, sample: ArrayLike<number>, size: number):
  { p1: Float64Array; p2: Float64Array; t1: Normalisation; t2: Normalisation } | null {
  const p1 = new Float64Array(2 * size), p2 = new Float64Array(2 * size);
  const t1 = hartleyNormalise(data.x1, sample, size, p1);
  const t2 = hartleyNormalise(data.x2, sample, size, p2);
  return t1 && t2 ? { p1, p2, t1, t2 } : null;
}

/** F = T₂ᵀ F̂ T₁: undoes the normalisations, scaled to unit Frobenius norm. */
export function denormaliseFundamental(fHat: ArrayLike<number>, t1: Normalisation, t2: Normalisation): Model3 {
  return normaliseFrobenius(mul3(mul3(transpose3(normalisationMatrix(t2)), fHat), normalisationMatrix(t1)));
}

/**
 * The normalised 8-point algorithm: the fundamental matrix F with x₂ᵀ F x₁ = 0 for the sampled
 * correspondences (least squares for more than 8), rank 2 enforced.
 *
 * Algorithm:
 * 1. Normalise each image's points (Hartley: centroid to the origin, mean distance √2).
 * 2. F̂ = the design matrix's null vector (least squares: the right singular vector of the smallest
 *    singular value); no model when the null space is 2-D or larger (solverNullSpace).
 * 3. Rank 2: F̂ = U diag(s₁, s₂, s₃) Vᵀ → U diag(s₁, s₂, 0) Vᵀ (the closest rank-2 matrix in Frobenius norm).
 * 4. F = T₂ᵀ F̂ T₁, unit Frobenius norm.
 *
 * @param data - correspondences in pixels.
 * @param sample - indices; the first `size` (≥ 8) are fitted.
 * @returns [F] or [] for a degenerate sample.
 * @example
 * const [f] = fundamentalEightPoint(data, Int32Array.from({ length: data.count }, (_, i) => i), data.count);
 *
 * References: R. Hartley, "In defense of the eight-point algorithm", IEEE TPAMI 19(6), 1997;
 * Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §11.2, Algorithm 11.1.
 */
export function fundamentalEightPoint(data: Correspondences, sample: ArrayLike<number>, size: number): Model3[] {
  if (size < 8) return [];
  const normalised = normalisedSample(data, sample, size);
  if (!normalised) return [];
  const basis = solverNullSpace(epipolarDesignMatrix(normalised.p1, normalised.p2, size), size, 1);
  return basis ? [denormaliseFundamental(closestRank2(basis), normalised.t1, normalised.t2)] : [];
}

/**
 * The 8-point least-squares fit with each correspondence's equation divided by the norm of its
 * epipolar gradient under `f` — ((F x₁)₁² + (F x₁)₂² + (Fᵀ x₂)₁² + (Fᵀ x₂)₂²)^½, the Sampson
 * denominator — so that the algebraic residual approximates the Sampson distance. Iterated by
 * LO-RANSAC, this reaches the geometric optimum from starts where the plain linear fit stalls
 * (measured: 0.76 → 0.12 px RMS on 1,000 matches, 50 % outliers).
 *
 * @param f - the seed F (pixels), 9 values.
 * @returns [F] or [] for a degenerate sample.
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §11.4.3 (Sampson
 * distance); P. Torr, D. Murray, IJCV 24(3), 1997, §4.2 (iteratively reweighted least squares).
 */
export function sampsonWeightedEightPoint(f: Model3, data: Correspondences, sample: ArrayLike<number>, size: number): Model3[] {
  if (size < 8) return [];
  const normalised = normalisedSample(data, sample, size);
  if (!normalised) return [];
  const a = epipolarDesignMatrix(normalised.p1, normalised.p2, size);
  weightBySampson(a, f, data, sample, size);
  const basis = solverNullSpace(a, size, 1);
  return basis ? [denormaliseFundamental(closestRank2(basis), normalised.t1, normalised.t2)] : [];
}

/** Divides row k of the design matrix `a` by the epipolar gradient norm of correspondence sample[k] under f. */
export function weightBySampson(a: Float64Array, f: ArrayLike<number>, data: Correspondences, sample: ArrayLike<number>, size: number): void {
  for (let k = 0; k < size; k++) {
    const i = sample[k];
    const x = data.x1[2 * i], y = data.x1[2 * i + 1], u = data.x2[2 * i], v = data.x2[2 * i + 1];
    const l0 = f[0] * x + f[1] * y + f[2], l1 = f[3] * x + f[4] * y + f[5];
    const m0 = f[0] * u + f[3] * v + f[6], m1 = f[1] * u + f[4] * v + f[7];
    const norm = Math.sqrt(l0 * l0 + l1 * l1 + m0 * m0 + m1 * m1);
    if (norm > 0) for (let j = 0; j < 9; j++) a[k * 9 + j] /= norm;
  }
}

/** The rank-2 matrix closest to the 3 × 3 matrix m in Frobenius norm (its smallest singular value zeroed). */
export function closestRank2(m: Float64Array): Float64Array {
  const { u, s, v } = svd(m, 3, 3);
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = u[i * 3] * s[0] * v[j * 3] + u[i * 3 + 1] * s[1] * v[j * 3 + 1];
  return out;
}

/** The 8-point estimator: minimal sample 8, one model, squared Sampson residuals in pixels²;
 *  LO-RANSAC refines with the Sampson-weighted 8-point fit. */
export const fundamental8: Estimator = {
  name: 'fundamental8',
  minSamples: 8,
  estimate: fundamentalEightPoint,
  refine: sampsonWeightedEightPoint,
  residuals: sampsonSquaredErrors,
};
