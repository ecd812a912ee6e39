/**
 * Hartley's normalisation: a similarity T moving a set of points to its centroid and scaling it to a
 * mean distance of √2 from the origin, so that the linear systems of the 8-point, 7-point and DLT
 * solvers are well conditioned.
 */

/** The similarity T: x ↦ scale · (x − (cx, cy)). */
export interface Normalisation {
  scale: number;
  cx: number;
  cy: number;
}

/**
 * Normalises the points `points[sample[k]]`, k < size, into `out` (2 · size values, interleaved).
 *
 * @param points - `2 * n` interleaved x, y.
 * @param sample - indices into points; the first `size` are used.
 * @param out - receives the normalised points, at least `2 * size` values.
 * @returns T, or null when the points coincide (mean distance below 1e-12 of their magnitude).
 *
 * References: R. Hartley, "In defense of the eight-point algorithm", IEEE TPAMI 19(6), 1997, §5;
 * Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §4.4.4, Algorithm 4.2.
 */
export function hartleyNormalise(points: Float64Array, sample: ArrayLike<number>, size: number, out: Float64Array): Normalisation | null {
  let cx = 0, cy = 0, magnitude = 0;
  for (let k = 0; k < size; k++) {
    cx += points[2 * sample[k]];
    cy += points[2 * sample[k] + 1];
  }
  cx /= size;
  cy /= size;
  let meanDistance = 0;
  for (let k = 0; k < size; k++) {
    const x = points[2 * sample[k]], y = points[2 * sample[k] + 1];
    meanDistance += Math.hypot(x - cx, y - cy);
    magnitude = Math.max(magnitude, Math.abs(x), Math.abs(y));
  }
  meanDistance /= size;
  if (!(meanDistance > 1e-12 * Math.max(magnitude, 1e-300))) return null;
  const scale = Math.SQRT2 / meanDistance;
  for (let k = 0; k < size; k++) {
    out[2 * k] = scale * (points[2 * sample[k]] - cx);
    out[2 * k + 1] = scale * (points[2 * sample[k] + 1] - cy);
  }
  return { scale, cx, cy };
}

/** T as a 3 × 3 matrix, row-major. */
export function normalisationMatrix(t: Normalisation): Float64Array {
  return new Float64Array([t.scale, 0, -t.scale * t.cx, 0, t.scale, -t.scale * t.cy, 0, 0, 1]);
}

/** T⁻¹ as a 3 × 3 matrix, row-major. */
export function inverseNormalisationMatrix(t: Normalisation): Float64Array {
  return new Float64Array([1 / t.scale, 0, t.cx, 0, 1 / t.scale, t.cy, 0, 0, 1]);
}
