import type { Correspondences } from './estimator.ts';

/**
 * The squared Sampson distance of every correspondence to the epipolar geometry F (or E on
 * normalised coordinates): the first-order approximation of the squared geometric (reprojection)
 * error, (x₂ᵀ F x₁)² / ((F x₁)₁² + (F x₁)₂² + (Fᵀ x₂)₁² + (Fᵀ x₂)₂²).
 *
 * @param f - F, 9 values row-major, with x₂ᵀ F x₁ = 0 for true matches.
 * @param data - the correspondences (units of F's domain: pixels for F, normalised for E).
 * @param out - receives n squared distances, in squared data units (a correspondence whose epipolar
 *   lines vanish gets +Infinity).
 * @example
 * sampsonSquaredErrors(f, data, out); out[i] <= 4 // within 2 px of the epipolar geometry
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §11.4.3, eq. (11.9);
 * P. D. Sampson, "Fitting conic sections to very scattered data", CGIP 18, 1982.
 */
export function sampsonSquaredErrors(f: ArrayLike<number>, data: Correspondences, out: Float64Array): void {
  const f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4], f5 = f[5], f6 = f[6], f7 = f[7], f8 = f[8];
  const { x1, x2, count } = data;
  for (let i = 0; i < count; i++) {
    const x = x1[2 * i], y = x1[2 * i + 1], u = x2[2 * i], v = x2[2 * i + 1];
    const l0 = f0 * x + f1 * y + f2, l1 = f3 * x + f4 * y + f5, l2 = f6 * x + f7 * y + f8;
    const m0 = f0 * u + f3 * v + f6, m1 = f1 * u + f4 * v + f7;
    const e = u * l0 + v * l1 + l2;
    const d = l0 * l0 + l1 * l1 + m0 * m0 + m1 * m1;
    out[i] = d > 0 ? (e * e) / d : e === 0 ? 0 : Infinity;
  }
}
