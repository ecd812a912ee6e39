/**
 * Linear (DLT) triangulation of one track from two or more registered views, with the checks COLMAP's
 * mapper applies before it accepts a point: enough triangulation angle, positive depth in every view,
 * and a small reprojection error in every view.
 */
import { assert } from '../../core/errors.ts';
import { jacobiEigen } from '../../math/symmetricEigen.ts';
import { type CameraPose, cameraCentre, projectPoint } from './cameraPose.ts';

/** One view of a track: the camera's intrinsics and pose, and where it saw the point. */
export interface TriangulationView {
  /** Intrinsics, 3 × 3 row-major, upper triangular (fx, skew, cx; 0, fy, cy; 0, 0, 1). */
  K: ArrayLike<number>;
  /** camFromWorld pose. */
  pose: CameraPose;
  /** The observation, pixels. */
  x: number;
  y: number;
}

/** Options of `triangulatePoint`. */
export interface TriangulationOptions {
  /** Least triangulation angle (degrees) of the best pair of rays (default 1.5, COLMAP's
   *  `min_tri_angle`; Schönberger & Frahm 2016, §4.5). */
  minAngleDegrees?: number;
  /** Largest reprojection error (pixels) in any view (default 4, COLMAP's `filter_max_reproj_error`). */
  maxReprojectionError?: number;
}

/** A triangulated point, or why the track gave none (a value, not a throw). */
export type TriangulationResult =
  | {
      success: true;
      /** The point in world coordinates, 3 values. */
      point: Float64Array;
      /** The largest angle between two of its rays, degrees. */
      angleDegrees: number;
      /** Mean and largest reprojection error over the views, pixels. */
      meanError: number;
      maxError: number;
    }
  | { success: false; reason: 'degenerate' | 'small-angle' | 'behind-camera' | 'reprojection-error'; angleDegrees: number; maxError: number };

/**
 * Triangulates one point from n ≥ 2 views by the homogeneous linear method, then checks it.
 *
 * Algorithm:
 * 1. Normalise each observation by K⁻¹ (conditioning, Hartley & Zisserman §4.4) to (u, v).
 * 2. Stack the rows u P₃ − P₁ and v P₃ − P₂ of each P = [R | t] into A (2n × 4); X is the
 *    eigenvector of AᵀA (4 × 4) with the smallest eigenvalue (H&Z §12.2, "DLT"; for two views this
 *    is COLMAP's `TriangulatePoint`, for more its `TriangulateMultiViewPoint`).
 * 3. Reject a point at infinity (|X₄| tiny) as degenerate; then the largest angle between rays
 *    Cᵢ → X below minAngleDegrees; then a non-positive depth in any view; then a reprojection error
 *    above maxReprojectionError in any view.
 *
 * @param views - at least two views (cameras with their observations, pixels).
 * @param options - thresholds (degrees, pixels).
 * @returns the point with its angle and errors, or success false with the first failed check.
 * @throws Error (assertion) for fewer than two views.
 * @example
 * const r = triangulatePoint([{ K, pose: p0, x: 610, y: 402 }, { K, pose: p1, x: 655, y: 399 }]);
 * if (r.success) points.push(...r.point);
 *
 * References: R. Hartley, A. Zisserman, "Multiple View Geometry", 2nd ed., §12.2; J. Schönberger,
 * J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016, §4.5 (angle and reprojection checks).
 */
export function triangulatePoint(views: readonly TriangulationView[], options: TriangulationOptions = {}): TriangulationResult {
  assert(views.length >= 2, `triangulatePoint: expected at least 2 views but received ${views.length}`);
  const minAngle = options.minAngleDegrees ?? 1.5;
  const maxError = options.maxReprojectionError ?? 4;
  const X = linearTriangulation(views);
  if (!X) return { success: false, reason: 'degenerate', angleDegrees: 0, maxError: Infinity };
  const angleDegrees = largestRayAngleDegrees(views, X);
  if (angleDegrees < minAngle) return { success: false, reason: 'small-angle', angleDegrees, maxError: Infinity };
  const p = new Float64Array(2);
  let sum = 0, worst = 0, behind = false;
  for (const view of views) {
    const depth = projectPoint(view.K, view.pose, X[0], X[1], X[2], p);
    if (!(depth > 0)) behind = true;
    const e = Math.hypot(p[0] - view.x, p[1] - view.y);
    sum += e;
    worst = Math.max(worst, e);
  }
  if (behind) return { success: false, reason: 'behind-camera', angleDegrees, maxError: worst };
  if (!(worst <= maxError)) return { success: false, reason: 'reprojection-error', angleDegrees, maxError: worst };
  return { success: true, point: X, angleDegrees, meanError: sum / views.length, maxError: worst };
}

/**
 * The DLT point of the views (step 2 of `triangulatePoint`), or null when it lies at infinity.
 *
 * @returns 3 values, world coordinates.
 */
export function linearTriangulation(views: readonly TriangulationView[]): Float64Array | null {
  const ata = new Float64Array(16);
  const row = new Float64Array(4);
  for (const { K, pose, x, y } of views) {
    // (u, v) = K⁻¹ (x, y) for an upper-triangular K.
    const v = (y - K[5]) / K[4];
    const u = (x - K[2] - K[1] * v) / K[0];
    const { R, t } = pose;
    for (const [coef, r] of [[u, 0], [v, 1]] as const) {
      for (let k = 0; k < 3; k++) row[k] = coef * R[6 + k] - R[3 * r + k];
      row[3] = coef * t[2] - t[r];
      const norm = Math.hypot(row[0], row[1], row[2], row[3]) || 1;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) ata[4 * a + b] += (row[a] * row[b]) / (norm * norm);
    }
  }
  const { values, vectors } = jacobiEigen(ata, 4);
  let e = 0;
  for (let k = 1; k < 4; k++) if (values[k] < values[e]) e = k;
  const w = vectors[12 + e];
  const scale = Math.max(Math.abs(vectors[e]), Math.abs(vectors[4 + e]), Math.abs(vectors[8 + e]));
  if (!(Math.abs(w) > 1e-12 * scale)) return null;
  return Float64Array.of(vectors[e] / w, vectors[4 + e] / w, vectors[8 + e] / w);
}

/** The largest angle (degrees) between the rays from two of the views' centres to X. */
export function largestRayAngleDegrees(views: readonly TriangulationView[], X: ArrayLike<number>): number {
  const rays = new Float64Array(3 * views.length);
  const c = new Float64Array(3);
  views.forEach((view, i) => {
    cameraCentre(view.pose, c);
    const dx = X[0] - c[0], dy = X[1] - c[1], dz = X[2] - c[2];
    const n = Math.hypot(dx, dy, dz) || 1;
    rays[3 * i] = dx / n; rays[3 * i + 1] = dy / n; rays[3 * i + 2] = dz / n;
  });
  let smallestCos = 1;
  for (let i = 0; i < views.length; i++) {
    for (let j = i + 1; j < views.length; j++) {
      const cos = rays[3 * i] * rays[3 * j] + rays[3 * i + 1] * rays[3 * j + 1] + rays[3 * i + 2] * rays[3 * j + 2];
      smallestCos = Math.min(smallestCos, cos);
    }
  }
  return (Math.acos(Math.max(-1, Math.min(1, smallestCos))) * 180) / Math.PI;
}
