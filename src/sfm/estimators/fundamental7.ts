import { det3 } from '../../math/mat3.ts';
import { realPolynomialRoots } from '../../math/polynomialRoots.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';
import { denormaliseFundamental, epipolarDesignMatrix, fundamentalEightPoint, normalisedSample, sampsonWeightedEightPoint, solverNullSpace } from './fundamental8.ts';
import { sampsonSquaredErrors } from './sampsonError.ts';

/**
 * The 7-point algorithm: the one or three fundamental matrices through 7 correspondences.
 *
 * Algorithm:
 * 1. Normalise each image's points (Hartley); the 7 × 9 design matrix has a 2-D null space F₁, F₂
 *    (no model when it is larger: solverNullSpace).
 * 2. det(α F₁ + (1 − α) F₂) = 0 is a cubic in α; its coefficients come from four determinants
 *    (α = 0, 1, −1 and the leading term det(F₁ − F₂)).
 * 3. Each real root gives a rank-2 F̂; F = T₂ᵀ F̂ T₁, unit Frobenius norm.
 *
 * With more than 7 correspondences (LO-RANSAC's non-minimal fit) it is the 8-point algorithm.
 *
 * @param data - correspondences in pixels.
 * @param sample - indices; the first `size` (7, or ≥ 8 for the least-squares fit) are used.
 * @returns 0 to 3 models.
 * @example
 * fundamentalSevenPoint(data, [0, 1, 2, 3, 4, 5, 6], 7).length; // 1 or 3
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §11.1.2 (the 7-point
 * algorithm); P. Torr, D. Murray, "The development and comparison of robust methods for estimating
 * the fundamental matrix", IJCV 24(3), 1997, §3.2.
 */
export function fundamentalSevenPoint(data: Correspondences, sample: ArrayLike<number>, size: number): Model3[] {
  if (size > 7) return fundamentalEightPoint(data, sample, size);
  if (size < 7) return [];
  const normalised = normalisedSample(data, sample, size);
  if (!normalised) return [];
  const basis = solverNullSpace(epipolarDesignMatrix(normalised.p1, normalised.p2, 7), 7, 2);
  if (!basis) return [];
  const f1 = basis.subarray(0, 9), f2 = basis.subarray(9, 18);
  const d = f1.map((x, i) => x - f2[i]);
  const plus = f2.map((x, i) => x + d[i]), minus = f2.map((x, i) => x - d[i]);
  const c0 = det3(f2), c3 = det3(d), fPlus = det3(plus), fMinus = det3(minus);
  const c2 = 0.5 * (fPlus + fMinus) - c0;
  const c1 = 0.5 * (fPlus - fMinus) - c3;
  return Array.from(realPolynomialRoots([c0, c1, c2, c3]), (alpha) =>
    denormaliseFundamental(f2.map((x, i) => x + alpha * d[i]), normalised.t1, normalised.t2),
  );
}

/** The 7-point estimator: minimal sample 7, up to 3 models, squared Sampson residuals in pixels²;
 *  LO-RANSAC refines with the Sampson-weighted 8-point fit. */
export const fundamental7: Estimator = {
  name: 'fundamental7',
  minSamples: 7,
  estimate: fundamentalSevenPoint,
  refine: sampsonWeightedEightPoint,
  residuals: sampsonSquaredErrors,
};
