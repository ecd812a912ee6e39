import { inverse3, mul3, normaliseFrobenius } from '../../math/mat3.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';
import { solverNullSpace } from './fundamental8.ts';
import { hartleyNormalise, inverseNormalisationMatrix, normalisationMatrix } from './hartleyNormalise.ts';

/**
 * The normalised direct linear transform: the homography H with x₂ ~ H x₁ through the sampled
 * correspondences (exact for 4 in general position, least squares for more).
 *
 * Algorithm:
 * 1. Normalise each image's points (Hartley).
 * 2. Two rows per correspondence (x, y) ↔ (u, v): (−x, −y, −1, 0, 0, 0, u x, u y, u) and
 *    (0, 0, 0, −x, −y, −1, v x, v y, v); Ĥ = their null vector (least squares for more than 4;
 *    no model when the null space is larger: solverNullSpace).
 * 3. H = T₂⁻¹ Ĥ T₁, unit Frobenius norm; no model when H is singular.
 *
 * @param data - correspondences in pixels.
 * @param sample - indices; the first `size` (≥ 4) are fitted.
 * @returns [H] or [] for a degenerate sample.
 * @example
 * const [h] = homographyDlt(data, [0, 1, 2, 3], 4);
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §4.1 (DLT), §4.4.4, Algorithm 4.2
 * (normalised DLT).
 */
export function homographyDlt(data: Correspondences, sample: ArrayLike<number>, size: number): Model3[] {
  if (size < 4) return [];
  const p1 = new Float64Array(2 * size), p2 = new Float64Array(2 * size);
  const t1 = hartleyNormalise(data.x1, sample, size, p1), t2 = hartleyNormalise(data.x2, sample, size, p2);
  if (!t1 || !t2) return [];
  const a = new Float64Array(2 * size * 9);
  for (let k = 0; k < size; k++) {
    const x = p1[2 * k], y = p1[2 * k + 1], u = p2[2 * k], v = p2[2 * k + 1];
    a.set([-x, -y, -1, 0, 0, 0, u * x, u * y, u], 18 * k);
    a.set([0, 0, 0, -x, -y, -1, v * x, v * y, v], 18 * k + 9);
  }
  const basis = solverNullSpace(a, 2 * size, 1);
  if (!basis) return [];
  const h = mul3(mul3(inverseNormalisationMatrix(t2), basis), normalisationMatrix(t1));
  return inverse3(h) ? [normaliseFrobenius(h)] : [];
}

/**
 * True when three of the first four sampled points are collinear in either image (|sin| of the
 * angle at a triangle's corner below 1e-6): such a sample does not determine a homography.
 */
export function hasCollinearTriple(data: Correspondences, sample: ArrayLike<number>, size: number): boolean {
  const n = Math.min(size, 4);
  for (const pts of [data.x1, data.x2]) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++) {
      const ia = 2 * sample[a], ib = 2 * sample[b], ic = 2 * sample[c];
      const ux = pts[ib] - pts[ia], uy = pts[ib + 1] - pts[ia + 1], vx = pts[ic] - pts[ia], vy = pts[ic + 1] - pts[ia + 1];
      if (!(Math.abs(ux * vy - uy * vx) > 1e-6 * Math.hypot(ux, uy) * Math.hypot(vx, vy))) return true;
    }
  }
  return false;
}

/** Options of a homography estimator. */
export interface HomographyOptions {
  /** `forward` (default, as COLMAP): ‖x₂ − H x₁‖²; `symmetric`: ‖x₂ − H x₁‖² + ‖x₁ − H⁻¹ x₂‖². */
  transfer?: 'forward' | 'symmetric';
}

/**
 * The 4-point homography estimator: normalised DLT, collinear samples rejected, squared transfer
 * residuals in pixels² (+Infinity for a point mapped to infinity).
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §4.2.2 (symmetric transfer error).
 */
export function createHomography4(options: HomographyOptions = {}): Estimator {
  const symmetric = options.transfer === 'symmetric';
  const inv = new Float64Array(9);
  return {
    name: 'homography4',
    minSamples: 4,
    estimate: homographyDlt,
    isDegenerate: hasCollinearTriple,
    residuals(h, data, out) {
      transferErrors(h, data.x1, data.x2, data.count, out, false);
      if (symmetric) {
        if (inverse3(h, inv)) transferErrors(inv, data.x2, data.x1, data.count, out, true);
        else out.fill(Infinity, 0, data.count);
      }
    },
  };
}

/** out[i] (+)= ‖to_i − π(H from_i)‖². */
function transferErrors(h: ArrayLike<number>, from: Float64Array, to: Float64Array, count: number, out: Float64Array, add: boolean): void {
  for (let i = 0; i < count; i++) {
    const x = from[2 * i], y = from[2 * i + 1];
    const w = h[6] * x + h[7] * y + h[8];
    const dx = (h[0] * x + h[1] * y + h[2]) / w - to[2 * i];
    const dy = (h[3] * x + h[4] * y + h[5]) / w - to[2 * i + 1];
    const e = w === 0 ? Infinity : dx * dx + dy * dy;
    out[i] = add ? out[i] + e : e;
  }
}

/** The homography estimator with forward transfer residuals. */
export const homography4: Estimator = createHomography4();
