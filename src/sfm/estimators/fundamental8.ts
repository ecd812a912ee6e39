import { mul3, transpose3, normaliseFrobenius } from '../../math/mat3.ts';
import { nullSpace } from '../../math/nullSpace.ts';
import { svd } from '../../math/svd.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';
import { hartleyNormalise, normalisationMatrix, type Normalisation } from './hartleyNormalise.ts';
import { sampsonSquaredErrors } from './sampsonError.ts';

/** A sample below this ratio of its second-smallest to largest singular value has a null space of
 *  two or more dimensions (collinear points, or a plane seen without parallax) and gives no model. */
export const RANK_TOLERANCE = 1e-9;

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
 * 2. F̂ = the right singular vector of the design matrix with the smallest singular value; no model
 *    when the second-smallest is below RANK_TOLERANCE of the largest (a 2-D or larger null space).
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
  const { basis, singularValues: s } = nullSpace(epipolarDesignMatrix(normalised.p1, normalised.p2, size), size, 9, 1);
  if (!(s[7] > RANK_TOLERANCE * s[0])) return [];
  return [denormaliseFundamental(closestRank2(basis), normalised.t1, normalised.t2)];
}

/** The rank-2 matrix closest to the 3 × 3 matrix m in Frobenius norm (its smallest singular value zeroed). */
export function closestRank2(m: Float64Array): Float64Array {
  const { u, s, v } = svd(m, 3, 3);
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = u[i * 3] * s[0] * v[j * 3] + u[i * 3 + 1] * s[1] * v[j * 3 + 1];
  return out;
}

/** The 8-point estimator: minimal sample 8, one model, squared Sampson residuals in pixels². */
export const fundamental8: Estimator = {
  name: 'fundamental8',
  minSamples: 8,
  estimate: fundamentalEightPoint,
  residuals: sampsonSquaredErrors,
};
