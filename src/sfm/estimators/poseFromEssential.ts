import { mul3, transpose3 } from '../../math/mat3.ts';
import { svd } from '../../math/svd.ts';
import type { Correspondences, Model3 } from './estimator.ts';

/** Camera 2's pose relative to camera 1: a point X₁ in camera 1's frame is X₂ = R X₁ + t in camera 2's. */
export interface RelativePose {
  /** R, 3 × 3 rotation, row-major. */
  R: Float64Array;
  /** t, unit length (the scale of a two-view reconstruction is not observable). */
  t: Float64Array;
  /** How many of the counted correspondences triangulate in front of both cameras. */
  inFrontCount: number;
  /** 1 for each correspondence in front of both cameras (0 for the others and the uncounted). */
  inFront: Uint8Array;
}

/**
 * The four (R, t) an essential matrix allows: E = U diag(1, 1, 0) Vᵀ with det U, det V > 0 gives
 * R = U W Vᵀ or U Wᵀ Vᵀ and t = ±u₃ (u₃ = u₁ × u₂, v₃ = v₁ × v₂), W = [[0, −1, 0], [1, 0, 0], [0, 0, 1]].
 *
 * @param e - E, 9 values row-major (any scale).
 * @returns 4 candidates, E ∝ [t]ₓ R for each.
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §9.6.2, Result 9.19.
 */
export function decomposeEssential(e: ArrayLike<number>): { R: Float64Array; t: Float64Array }[] {
  const { u, v } = svd(Float64Array.from(e), 3, 3);
  completeRotation(u);
  completeRotation(v);
  const w = [0, -1, 0, 1, 0, 0, 0, 0, 1], wt = [0, 1, 0, -1, 0, 0, 0, 0, 1];
  const vt = transpose3(v);
  const r1 = mul3(mul3(u, w), vt), r2 = mul3(mul3(u, wt), vt);
  const t = new Float64Array([u[2], u[5], u[8]]);
  const minus = t.map((x) => -x);
  return [{ R: r1, t }, { R: r1, t: minus }, { R: r2, t }, { R: r2, t: minus }];
}

/** Third column ← first × second (E's null direction: svd leaves it 0), so det = +1. */
function completeRotation(m: Float64Array): void {
  m[2] = m[3] * m[7] - m[6] * m[4];
  m[5] = m[6] * m[1] - m[0] * m[7];
  m[8] = m[0] * m[4] - m[3] * m[1];
}

/**
 * The relative pose an essential matrix and its correspondences imply: of the four decompositions,
 * the one that triangulates the most correspondences in front of both cameras (the cheirality check).
 * Each correspondence is triangulated by the midpoint of the two rays (least squares in the depths)
 * and counts when both depths lie in (1e-10, 1000) baselines — rays closer to parallel than that are
 * not counted.
 *
 * @param e - E, 9 values row-major, for normalised image coordinates.
 * @param data - correspondences in normalised image coordinates K⁻¹ (u, v, 1).
 * @param mask - optional: count only correspondences with mask[i] ≠ 0 (e.g. RANSAC's inliers).
 * @returns the pose, or null when no correspondence lies in front of both cameras for any candidate.
 * @example
 * const pose = poseFromEssential(report.model, normalised, report.inliers); // pose?.R, pose?.t
 *
 * References: Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §9.6.3 (the four solutions,
 * one with the point in front of both cameras); Nistér 2004, §3.4 (cheirality).
 */
export function poseFromEssential(e: Model3, data: Correspondences, mask?: Uint8Array): RelativePose | null {
  let best: RelativePose | null = null;
  for (const { R, t } of decomposeEssential(e)) {
    const inFront = new Uint8Array(data.count);
    let inFrontCount = 0;
    for (let i = 0; i < data.count; i++) {
      if (mask && !mask[i]) continue;
      if (isInFront(R, t, data.x1[2 * i], data.x1[2 * i + 1], data.x2[2 * i], data.x2[2 * i + 1])) {
        inFront[i] = 1;
        inFrontCount++;
      }
    }
    if (inFrontCount > (best?.inFrontCount ?? 0)) best = { R, t, inFrontCount, inFront };
  }
  return best;
}

/** Whether the midpoint triangulation of (x, y) ↔ (u, v) has positive, bounded depth in both cameras. */
function isInFront(r: Float64Array, t: Float64Array, x: number, y: number, u: number, v: number): boolean {
  const a0 = r[0] * x + r[1] * y + r[2], a1 = r[3] * x + r[4] * y + r[5], a2 = r[6] * x + r[7] * y + r[8];
  const aa = a0 * a0 + a1 * a1 + a2 * a2, bb = u * u + v * v + 1, ab = a0 * u + a1 * v + a2;
  const at = a0 * t[0] + a1 * t[1] + a2 * t[2], bt = u * t[0] + v * t[1] + t[2];
  const det = aa * bb - ab * ab;
  if (!(det > 1e-12 * aa * bb)) return false;
  const d1 = (ab * bt - at * bb) / det, d2 = (aa * bt - ab * at) / det;
  return d1 > 1e-10 && d2 > 1e-10 && d1 < 1000 && d2 < 1000;
}
