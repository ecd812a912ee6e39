/**
 * The SIMPLE_RADIAL camera of bundle adjustment (COLMAP's model: f, cx, cy, k1) and one observation's
 * residual with its analytic Jacobian blocks.
 *
 * Projection: p = R X + t (camFromWorld), (u, v) = (p₀/p₂, p₁/p₂), d = 1 + k₁(u² + v²),
 * pixel = (f d u + cx, f d v + cy); residual = pixel − observed.
 */

/** Bundle-adjustment parameters: n cameras' poses, m points, g SIMPLE_RADIAL cameras (one shared, or one per image). */
export interface BundleState {
  /** camFromWorld rotations, `9 * n` values (row-major per camera). */
  rotations: Float64Array;
  /** camFromWorld translations, `3 * n` values. */
  translations: Float64Array;
  /** World points, `3 * m` values. */
  points: Float64Array;
  /** SIMPLE_RADIAL cameras, 4 values each: f (px), cx, cy (px), k1 (per normalised radius²); one (shared) unless `intrinsicsOf` is given. */
  intrinsics: Float64Array;
  /** Per pose, which of the intrinsics it uses (`n` values); absent: all use the first (one shared camera). */
  intrinsicsOf?: Int32Array;
}

/** The observations: observation o sees point point[o] in camera camera[o] at pixel[2o], pixel[2o + 1]. */
export interface BundleObservations {
  camera: Int32Array;
  point: Int32Array;
  pixel: Float64Array;
}

/**
 * Residual of observation o, written to res[2o … 2o + 1]; returns its squared norm. With `jac`, also
 * the Jacobian blocks of o (row-major, 2 rows each): camera jc[12o …] (6 columns: angle-axis
 * increment ω of R ← exp([ω]ₓ) R, then t), intrinsics ji[4o …] (2 columns: f, k1 of the pose's camera), point jp[6o …].
 *
 * Derivatives (chain rule): ∂pixel/∂(u, v) = f [[d + 2k₁u², 2k₁uv], [2k₁uv, d + 2k₁v²]];
 * ∂(u, v)/∂p = [[1/z, 0, −u/z], [0, 1/z, −v/z]]; ∂p/∂ω = −[R X]ₓ (at ω = 0), ∂p/∂t = I, ∂p/∂X = R;
 * ∂pixel/∂f = d (u, v), ∂pixel/∂k₁ = f (u² + v²)(u, v).
 */
export function observationResidual(s: BundleState, obs: BundleObservations, o: number, res: Float64Array,
  jac?: { jc: Float64Array; ji: Float64Array; jp: Float64Array }): number {
  const c = obs.camera[o], j = obs.point[o];
  const R = s.rotations, rc = 9 * c, T = s.translations, P = s.points;
  const X = P[3 * j], Y = P[3 * j + 1], Z = P[3 * j + 2];
  const q0 = R[rc] * X + R[rc + 1] * Y + R[rc + 2] * Z;
  const q1 = R[rc + 3] * X + R[rc + 4] * Y + R[rc + 5] * Z;
  const q2 = R[rc + 6] * X + R[rc + 7] * Y + R[rc + 8] * Z;
  const z = q2 + T[3 * c + 2];
  const iz = 1 / z;
  const u = (q0 + T[3 * c]) * iz, v = (q1 + T[3 * c + 1]) * iz;
  const g = s.intrinsicsOf ? 4 * s.intrinsicsOf[c] : 0;
  const f = s.intrinsics[g], k1 = s.intrinsics[g + 3];
  const r2 = u * u + v * v, d = 1 + k1 * r2;
  const ex = f * d * u + s.intrinsics[g + 1] - obs.pixel[2 * o];
  const ey = f * d * v + s.intrinsics[g + 2] - obs.pixel[2 * o + 1];
  res[2 * o] = ex;
  res[2 * o + 1] = ey;
  if (!jac) return ex * ex + ey * ey;
  const b00 = f * (d + 2 * k1 * u * u), b01 = f * 2 * k1 * u * v, b11 = f * (d + 2 * k1 * v * v);
  // M = B · ∂(u, v)/∂p, 2 × 3.
  const m00 = b00 * iz, m01 = b01 * iz, m02 = -(b00 * u + b01 * v) * iz;
  const m10 = b01 * iz, m11 = b11 * iz, m12 = -(b01 * u + b11 * v) * iz;
  const { jc, ji, jp } = jac;
  const a = 12 * o;
  // Rotation columns: M · (−[q]ₓ), −[q]ₓ = [[0, q2, −q1], [−q2, 0, q0], [q1, −q0, 0]].
  jc[a] = -m01 * q2 + m02 * q1; jc[a + 1] = m00 * q2 - m02 * q0; jc[a + 2] = -m00 * q1 + m01 * q0;
  jc[a + 3] = m00; jc[a + 4] = m01; jc[a + 5] = m02;
  jc[a + 6] = -m11 * q2 + m12 * q1; jc[a + 7] = m10 * q2 - m12 * q0; jc[a + 8] = -m10 * q1 + m11 * q0;
  jc[a + 9] = m10; jc[a + 10] = m11; jc[a + 11] = m12;
  const i4 = 4 * o;
  ji[i4] = d * u; ji[i4 + 1] = f * r2 * u; ji[i4 + 2] = d * v; ji[i4 + 3] = f * r2 * v;
  const p6 = 6 * o;
  for (let k = 0; k < 3; k++) {
    jp[p6 + k] = m00 * R[rc + k] + m01 * R[rc + 3 + k] + m02 * R[rc + 6 + k];
    jp[p6 + 3 + k] = m10 * R[rc + k] + m11 * R[rc + 3 + k] + m12 * R[rc + 6 + k];
  }
  return ex * ex + ey * ey;
}
