/**
 * Unit quaternions (w, x, y, z; Hamilton convention, as COLMAP's qvec) to and from 3 × 3 rotation
 * matrices (row-major).
 */

/**
 * The unit quaternion of a rotation matrix, w ≥ 0 (Shepperd's method: the largest of the four
 * diagonal combinations is used for the square root, so it is stable near 180°).
 *
 * @param R - 9 values row-major, a rotation.
 * @returns [w, x, y, z], unit norm.
 * @example quaternionFromRotation([1, 0, 0, 0, 1, 0, 0, 0, 1]); // [1, 0, 0, 0]
 *
 * References: S. Shepperd, "Quaternion from rotation matrix", J. Guidance and Control 1(3), 1978.
 */
export function quaternionFromRotation(R: ArrayLike<number>): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = Array.from(R);
  const trace = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (trace > Math.max(m00, m11, m22)) {
    const s = 2 * Math.sqrt(1 + trace);
    q = [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 >= m11 && m00 >= m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 >= m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
  }
  const n = Math.hypot(...q) * (q[0] < 0 ? -1 : 1);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/**
 * The rotation matrix of a quaternion (normalised first).
 *
 * @param q - [w, x, y, z], any non-zero norm.
 * @returns 9 values row-major.
 * @example rotationFromQuaternion([Math.SQRT1_2, 0, 0, Math.SQRT1_2]); // 90° about z
 */
export function rotationFromQuaternion(q: ArrayLike<number>): Float64Array {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
}
