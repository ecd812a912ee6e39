/**
 * Absolute pose from 2D–3D correspondences: Kneip's P3P as the minimal solver (up to 4 poses from 3
 * bearing vectors ↔ 3 world points), Levenberg–Marquardt on the reprojection error as the
 * non-minimal refinement, and `registerImage`, which runs them inside LO-RANSAC.
 *
 * Data layout (the `Correspondences` of the other estimators, read differently): x1 holds the image
 * points in pixels (2n values), x2 the world points (3n values: x, y, z). A model is the camFromWorld
 * pose [R | t], 12 values: R row-major (9), then t (3), X_cam = R X + t.
 */
import { assert } from '../../core/errors.ts';
import { leftJacobian, rotationFromAngleAxis } from '../../math/angleAxis.ts';
import { levenbergMarquardt } from '../../math/levenbergMarquardt.ts';
import { realPolynomialRoots } from '../../math/polynomialRoots.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';

/** Squared residual given to a point behind the camera (never an inlier). */
const BEHIND = 1e30;

/**
 * Kneip's P3P: the camFromWorld poses under which three unit bearing vectors point at three world points.
 *
 * Algorithm (Kneip, Scaramuzza, Siegwart 2011, §III): an intermediate camera frame τ (e1 = f1,
 * e3 ∥ f1 × f2) and world frame η (n1 ∥ P2 − P1, n3 ∥ n1 × (P3 − P1)); the pose is parametrised by
 * the angle θ of the plane through P1, P2 and the camera centre about n1, and the angle α at P1; cos θ is
 * a real root of a quartic (eq. (9)–(10)); each root gives α by back-substitution, then C and R
 * (eq. (11)–(12)). Roots outside [−1, 1] are dropped.
 *
 * @param f - 3 bearing vectors, 9 values (f1, f2, f3), unit length, camera frame.
 * @param p - 3 world points, 9 values.
 * @returns 0 to 4 models, 12 values each ([R | t], camFromWorld); none for collinear points.
 * @example p3pKneip(bearings, worldPoints).length; // ≤ 4
 *
 * References: L. Kneip, D. Scaramuzza, R. Siegwart, "A Novel Parametrization of the Perspective-Three-Point
 * Problem for a Direct Computation of Absolute Camera Position and Orientation", CVPR 2011.
 */
export function p3pKneip(f: ArrayLike<number>, p: ArrayLike<number>): Model3[] {
  let f1 = vec(f, 0), f2 = vec(f, 1);
  const f3in = vec(f, 2);
  let P1 = vec(p, 0), P2 = vec(p, 1);
  const P3in = vec(p, 2);
  if (norm(cross(sub(P2, P1), sub(P3in, P1))) < 1e-12 * dot(sub(P2, P1), sub(P2, P1)) || norm(cross(f1, f2)) < 1e-12) return [];
  let T = cameraFrame(f1, f2);
  let f3 = mulMat(T, f3in);
  if (f3[2] > 0) {
    // Keep θ in [0, π] (§III.B): swap the first two correspondences.
    [f1, f2, P1, P2] = [f2, f1, P2, P1];
    T = cameraFrame(f1, f2);
    f3 = mulMat(T, f3in);
  }
  const n1 = normalise(sub(P2, P1));
  const n3 = normalise(cross(n1, sub(P3in, P1)));
  const n2 = cross(n3, n1);
  const N = [...n1, ...n2, ...n3];
  const P3 = mulMat(N, sub(P3in, P1));
  const d12 = norm(sub(P2, P1));
  const phi1 = f3[0] / f3[2], phi2 = f3[1] / f3[2];
  const p1 = P3[0], p2 = P3[1];
  const cosBeta = dot(f1, f2);
  let b = 1 / (1 - cosBeta * cosBeta) - 1;
  b = cosBeta < 0 ? -Math.sqrt(b) : Math.sqrt(b);
  const roots = realPolynomialRoots(quartic(phi1, phi2, p1, p2, d12, b));
  const out: Model3[] = [];
  for (const root of roots) {
    if (Math.abs(root) > 1 + 1e-9) continue;
    const cosTheta = Math.max(-1, Math.min(1, root));
    const cotAlpha = (-phi1 * p1 / phi2 - cosTheta * p2 + d12 * b) / (-phi1 * cosTheta * p2 / phi2 + p1 - d12);
    const sinTheta = Math.sqrt(1 - cosTheta * cosTheta);
    const sinAlpha = Math.sqrt(1 / (cotAlpha * cotAlpha + 1));
    const cosAlpha = (cotAlpha < 0 ? -1 : 1) * Math.sqrt(1 - sinAlpha * sinAlpha);
    const k = d12 * (sinAlpha * b + cosAlpha);
    const cEta = [cosAlpha * k, cosTheta * sinAlpha * k, sinTheta * sinAlpha * k];
    const C = add(P1, mulMatT(N, cEta));
    const Q = [-cosAlpha, -sinAlpha * cosTheta, -sinAlpha * sinTheta, sinAlpha, -cosAlpha * cosTheta, -cosAlpha * sinTheta, 0, -sinTheta, cosTheta];
    // worldFromCam = Nᵀ Qᵀ T; camFromWorld R = Tᵀ Q N, t = −R C.
    const R = mul(transpose(T), mul(Q, N));
    const t = mulMat(R, C).map((v) => -v);
    if (R.every(Number.isFinite) && t.every(Number.isFinite)) out.push(Float64Array.from([...R, ...t]));
  }
  return out;
}

/** The quartic in cos θ of Kneip et al. 2011, eq. (10), coefficients in ascending powers. */
function quartic(f1: number, f2: number, p1: number, p2: number, d: number, b: number): number[] {
  const f1s = f1 * f1, f2s = f2 * f2, p1s = p1 * p1, p1c = p1s * p1, p1q = p1c * p1;
  const p2s = p2 * p2, p2c = p2s * p2, p2q = p2c * p2, ds = d * d, bs = b * b;
  const a4 = -f2s * p2q - p2q * f1s - p2q;
  const a3 = 2 * p2c * d * b + 2 * f2s * p2c * d * b - 2 * f2 * p2c * f1 * d;
  const a2 = -f2s * p2s * p1s - f2s * p2s * ds * bs - f2s * p2s * ds + f2s * p2q + p2q * f1s + 2 * p1 * p2s * d
    + 2 * f1 * f2 * p1 * p2s * d * b - p2s * p1s * f1s + 2 * p1 * p2s * f2s * d - p2s * ds * bs - 2 * p1s * p2s;
  const a1 = 2 * p1s * p2 * d * b + 2 * f2 * p2c * f1 * d - 2 * f2s * p2c * d * b - 2 * p1 * p2 * ds * b;
  const a0 = -2 * f2 * p2s * f1 * p1 * d * b + f2s * p2s * ds + 2 * p1c * d - p1s * ds + f2s * p2s * p1s - p1q
    - 2 * f2s * p2s * p1 * d + p2s * f1s * p1s + f2s * p2s * ds * bs;
  return [a0, a1, a2, a3, a4];
}

/** Rows e1 = f1, e2 = e3 × e1, e3 = f1 × f2 / ‖·‖. */
function cameraFrame(f1: number[], f2: number[]): number[] {
  const e3 = normalise(cross(f1, f2));
  return [...f1, ...cross(e3, f1), ...e3];
}

/**
 * The squared pixel reprojection error of every 2D–3D correspondence under pose `model` and
 * intrinsics K, written to out[0 … n − 1] (1e30 for a point behind the camera).
 */
export function absolutePoseResiduals(model: ArrayLike<number>, K: ArrayLike<number>, data: Correspondences, out: Float64Array): void {
  const { x1, x2 } = data;
  for (let i = 0; i < data.count; i++) {
    const X = x2[3 * i], Y = x2[3 * i + 1], Z = x2[3 * i + 2];
    const cx = model[0] * X + model[1] * Y + model[2] * Z + model[9];
    const cy = model[3] * X + model[4] * Y + model[5] * Z + model[10];
    const cz = model[6] * X + model[7] * Y + model[8] * Z + model[11];
    if (!(cz > 0)) {
      out[i] = BEHIND;
      continue;
    }
    const u = cx / cz, v = cy / cz;
    const dx = K[0] * u + K[1] * v + K[2] - x1[2 * i], dy = K[4] * v + K[5] - x1[2 * i + 1];
    out[i] = dx * dx + dy * dy;
  }
}

/**
 * Levenberg–Marquardt on the pose (angle-axis update ω of the seed rotation, R = exp([ω]ₓ) R₀, and t)
 * minimising the pixel reprojection error of the correspondences `sample[0 … size − 1]`; analytic
 * Jacobian through the left Jacobian of SO(3).
 *
 * @param seed - a pose, 12 values ([R | t], camFromWorld).
 * @returns the refined pose (12 values), or the seed when the refinement is not finite.
 */
export function refineAbsolutePose(seed: ArrayLike<number>, K: ArrayLike<number>, data: Correspondences, sample: ArrayLike<number>, size: number): Model3 {
  const R0 = Float64Array.from({ length: 9 }, (_, i) => seed[i]);
  const R = new Float64Array(9), J = new Float64Array(9);
  const pts = new Float64Array(3 * size), pix = new Float64Array(2 * size);
  for (let k = 0; k < size; k++) {
    const i = sample[k];
    for (let d = 0; d < 3; d++) pts[3 * k + d] = data.x2[3 * i + d];
    pix[2 * k] = data.x1[2 * i]; pix[2 * k + 1] = data.x1[2 * i + 1];
  }
  // Rotation and translation of parameters x = (ω, t): R = exp(ω) R₀.
  const poseOf = (x: Float64Array): void => {
    const e = rotationFromAngleAxis(x);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) R[3 * r + c] = e[3 * r] * R0[c] + e[3 * r + 1] * R0[3 + c] + e[3 * r + 2] * R0[6 + c];
  };
  const start = Float64Array.of(0, 0, 0, seed[9], seed[10], seed[11]);
  const report = levenbergMarquardt({
    residualCount: 2 * size,
    residuals: (x, out) => {
      poseOf(x);
      for (let k = 0; k < size; k++) projectResidual(R, x, K, pts, pix, k, out, null);
    },
    jacobian: (x, out) => {
      poseOf(x);
      leftJacobian(x, J);
      for (let k = 0; k < size; k++) projectResidual(R, x, K, pts, pix, k, null, out, J);
    },
  }, start, { maxIterations: 20 });
  poseOf(report.params);
  const model = Float64Array.from([...R, report.params[3], report.params[4], report.params[5]]);
  return model.every(Number.isFinite) ? model : Float64Array.from(seed);
}

/** Residual (out) or Jacobian row pair (jac, 6 columns) of correspondence k under R and x = (ω, t). */
function projectResidual(R: Float64Array, x: Float64Array, K: ArrayLike<number>, pts: Float64Array, pix: Float64Array, k: number,
  out: Float64Array | null, jac: Float64Array | null, J?: Float64Array): void {
  const X = pts[3 * k], Y = pts[3 * k + 1], Z = pts[3 * k + 2];
  const rx = R[0] * X + R[1] * Y + R[2] * Z, ry = R[3] * X + R[4] * Y + R[5] * Z, rz = R[6] * X + R[7] * Y + R[8] * Z;
  const cx = rx + x[3], cy = ry + x[4], cz = rz + x[5];
  const iz = 1 / cz, u = cx * iz, v = cy * iz;
  if (out) {
    out[2 * k] = K[0] * u + K[1] * v + K[2] - pix[2 * k];
    out[2 * k + 1] = K[4] * v + K[5] - pix[2 * k + 1];
    return;
  }
  // d(px, py)/d(cx, cy, cz) = [[fx/z, s/z, −(fx u + s v)/z], [0, fy/z, −fy v / z]].
  const a = [K[0] * iz, K[1] * iz, -(K[0] * u + K[1] * v) * iz, 0, K[4] * iz, -K[4] * v * iz];
  // d(cam)/dω = −[R X]ₓ J,   d(cam)/dt = I.
  const s = [0, -rz, ry, rz, 0, -rx, -ry, rx, 0];
  for (let row = 0; row < 2; row++) {
    const base = (2 * k + row) * 6;
    for (let c = 0; c < 3; c++) {
      let d = 0;
      for (let m = 0; m < 3; m++) {
        let sj = 0;
        for (let q = 0; q < 3; q++) sj -= s[3 * m + q] * J![3 * q + c];
        d += a[3 * row + m] * sj;
      }
      jac![base + c] = d;
      jac![base + 3 + c] = a[3 * row + c];
    }
  }
}

/**
 * The P3P estimator for RANSAC on pixel correspondences with known intrinsics K (see the file comment
 * for the data layout). Minimal sample 3; residuals are squared reprojection errors in pixels;
 * `refine` is `refineAbsolutePose`.
 *
 * @param K - intrinsics, 3 × 3 row-major, upper triangular.
 * @throws Error (assertion) without K or with a non-positive focal length.
 * @example ransac(createP3P(K), { count: n, x1: pixels, x2: worldPoints }, { threshold: 12 });
 */
export function createP3P(K: ArrayLike<number> | undefined): Estimator {
  assert(K !== undefined && K.length === 9 && K[0] > 0 && K[4] > 0,
    `createP3P: expected intrinsics K (9 values, positive focal lengths) but received ${K === undefined ? 'none' : Array.from(K).join(', ')}`);
  const bearings = new Float64Array(9), world = new Float64Array(9);
  const estimate = (data: Correspondences, sample: ArrayLike<number>, size: number): Model3[] => {
    for (let k = 0; k < 3; k++) {
      const i = sample[k];
      const v = (data.x1[2 * i + 1] - K[5]) / K[4];
      const u = (data.x1[2 * i] - K[2] - K[1] * v) / K[0];
      const n = Math.hypot(u, v, 1);
      bearings[3 * k] = u / n; bearings[3 * k + 1] = v / n; bearings[3 * k + 2] = 1 / n;
      for (let d = 0; d < 3; d++) world[3 * k + d] = data.x2[3 * i + d];
    }
    const models = p3pKneip(bearings, world);
    if (size === 3) return models;
    return models.map((m) => refineAbsolutePose(m, K, data, sample, size));
  };
  return {
    name: 'p3p',
    minSamples: 3,
    estimate,
    residuals: (model, data, out) => absolutePoseResiduals(model, K, data, out),
    refine: (model, data, sample, size) => [refineAbsolutePose(model, K, data, sample, size)],
  };
}

const vec = (a: ArrayLike<number>, k: number): number[] => [a[3 * k], a[3 * k + 1], a[3 * k + 2]];
const sub = (a: number[], b: number[]): number[] => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: number[], b: number[]): number[] => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const dot = (a: number[], b: number[]): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: number[], b: number[]): number[] => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: number[]): number => Math.hypot(a[0], a[1], a[2]);
const normalise = (a: number[]): number[] => { const n = norm(a); return [a[0] / n, a[1] / n, a[2] / n]; };
const mulMat = (m: number[], v: number[]): number[] => [0, 1, 2].map((i) => m[3 * i] * v[0] + m[3 * i + 1] * v[1] + m[3 * i + 2] * v[2]);
const mulMatT = (m: number[], v: number[]): number[] => [0, 1, 2].map((i) => m[i] * v[0] + m[3 + i] * v[1] + m[6 + i] * v[2]);
const transpose = (m: number[]): number[] => [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
const mul = (a: number[], b: number[]): number[] =>
  Array.from({ length: 9 }, (_, i) => a[3 * Math.floor(i / 3)] * b[i % 3] + a[3 * Math.floor(i / 3) + 1] * b[3 + (i % 3)] + a[3 * Math.floor(i / 3) + 2] * b[6 + (i % 3)]);
