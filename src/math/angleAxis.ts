/**
 * Rotations as angle-axis vectors ω (axis ω/‖ω‖, angle ‖ω‖ radians): the exponential map, its left
 * Jacobian, and the logarithm. Matrices are 3 × 3 row-major.
 */

/**
 * R = exp([ω]ₓ) by Rodrigues' formula, written to `out`.
 *
 * @param w - ω, 3 values (radians).
 * @example rotationFromAngleAxis([0, 0, Math.PI / 2]); // 90° about z
 *
 * References: T. Barfoot, "State Estimation for Robotics", 2017, §7.1.3, eq. (7.14).
 */
export function rotationFromAngleAxis(w: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  const theta2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
  const theta = Math.sqrt(theta2);
  // a = sin θ / θ, b = (1 − cos θ) / θ², with their Taylor series near 0.
  const a = theta < 1e-6 ? 1 - theta2 / 6 : Math.sin(theta) / theta;
  const b = theta < 1e-6 ? 0.5 - theta2 / 24 : (1 - Math.cos(theta)) / theta2;
  fillRodrigues(w, 1, a, b, out);
  return out;
}

/**
 * The left Jacobian J(ω) of SO(3), with ∂(exp([ω]ₓ) v)/∂ω = −[exp([ω]ₓ) v]ₓ J(ω):
 * J = I + (1 − cos θ)/θ² [ω]ₓ + (θ − sin θ)/θ³ [ω]ₓ².
 *
 * @example leftJacobian([0, 0, 0]); // identity
 *
 * References: Barfoot 2017, §7.1.5, eq. (7.86).
 */
export function leftJacobian(w: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  const theta2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
  const theta = Math.sqrt(theta2);
  const a = theta < 1e-5 ? 0.5 - theta2 / 24 : (1 - Math.cos(theta)) / theta2;
  const b = theta < 1e-5 ? 1 / 6 - theta2 / 120 : (theta - Math.sin(theta)) / (theta2 * theta);
  fillRodrigues(w, 1, a, b, out);
  return out;
}

/**
 * ω = log(R), the angle-axis vector of a rotation matrix (angle in [0, π]).
 *
 * @param r - 9 values, a rotation.
 * @example angleAxisFromRotation(rotationFromAngleAxis([0.1, 0.2, 0.3])); // ≈ [0.1, 0.2, 0.3]
 */
export function angleAxisFromRotation(r: ArrayLike<number>, out = new Float64Array(3)): Float64Array {
  const c = Math.max(-1, Math.min(1, (r[0] + r[4] + r[8] - 1) / 2));
  const theta = Math.acos(c);
  const vx = r[7] - r[5], vy = r[2] - r[6], vz = r[3] - r[1];
  if (theta < 1e-6) {
    out[0] = vx / 2; out[1] = vy / 2; out[2] = vz / 2;
  } else if (Math.PI - theta < 1e-4) {
    // Near π the antisymmetric part vanishes: take the axis from R + I's largest column.
    let k = 0;
    for (let i = 1; i < 3; i++) if (r[4 * i] > r[4 * k]) k = i;
    const col = [r[k] + (k === 0 ? 1 : 0), r[3 + k] + (k === 1 ? 1 : 0), r[6 + k] + (k === 2 ? 1 : 0)];
    const n = Math.hypot(col[0], col[1], col[2]);
    for (let i = 0; i < 3; i++) out[i] = (col[i] / n) * theta;
  } else {
    const s = theta / (2 * Math.sin(theta));
    out[0] = vx * s; out[1] = vy * s; out[2] = vz * s;
  }
  return out;
}

/** out = d·I + a [ω]ₓ + b [ω]ₓ². */
function fillRodrigues(w: ArrayLike<number>, d: number, a: number, b: number, out: Float64Array): void {
  const x = w[0], y = w[1], z = w[2];
  out[0] = d + b * (-y * y - z * z); out[1] = -a * z + b * x * y; out[2] = a * y + b * x * z;
  out[3] = a * z + b * x * y; out[4] = d + b * (-x * x - z * z); out[5] = -a * x + b * y * z;
  out[6] = -a * y + b * x * z; out[7] = a * x + b * y * z; out[8] = d + b * (-x * x - y * y);
}
