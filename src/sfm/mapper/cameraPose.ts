/**
 * Camera poses as the mapper and bundle adjustment use them: camFromWorld, X_cam = R X_world + t
 * (COLMAP's convention, and poseFromEssential's X₂ = R X₁ + t), R 9 values row-major, t 3 values.
 */

/** A camFromWorld pose: X_cam = R X + t. */
export interface CameraPose {
  /** Rotation, 3 × 3 row-major (9 values). */
  R: Float64Array;
  /** Translation, 3 values (world units). */
  t: Float64Array;
}

/**
 * The camera centre C = −Rᵀ t in world coordinates, written to `out`.
 *
 * @example cameraCentre({ R: identity, t: new Float64Array([0, 0, -1]) }); // [0, 0, 1]
 */
export function cameraCentre(pose: CameraPose, out = new Float64Array(3)): Float64Array {
  const { R, t } = pose;
  out[0] = -(R[0] * t[0] + R[3] * t[1] + R[6] * t[2]);
  out[1] = -(R[1] * t[0] + R[4] * t[1] + R[7] * t[2]);
  out[2] = -(R[2] * t[0] + R[5] * t[1] + R[8] * t[2]);
  return out;
}

/**
 * The pixel projection of world point (x, y, z) through pose and an upper-triangular K, written to
 * out[offset], out[offset + 1]; returns the depth (z in the camera frame; ≤ 0 means behind).
 *
 * @param K - 3 × 3 row-major (fx, skew, cx; 0, fy, cy; 0, 0, 1).
 */
export function projectPoint(K: ArrayLike<number>, pose: CameraPose, x: number, y: number, z: number, out: Float64Array, offset = 0): number {
  const { R, t } = pose;
  const cx = R[0] * x + R[1] * y + R[2] * z + t[0];
  const cy = R[3] * x + R[4] * y + R[5] * z + t[1];
  const cz = R[6] * x + R[7] * y + R[8] * z + t[2];
  const u = cx / cz, v = cy / cz;
  out[offset] = K[0] * u + K[1] * v + K[2];
  out[offset + 1] = K[4] * v + K[5];
  return cz;
}
