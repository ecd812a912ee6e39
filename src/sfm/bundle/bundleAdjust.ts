/**
 * Bundle adjustment: Levenberg–Marquardt on camera poses, points and optionally the focal length and
 * k1 of one shared camera or of one camera per image (SIMPLE_RADIAL, cx and cy fixed), with a robust
 * loss, on the reduced camera system.
 */
import { assert } from '../../core/errors.ts';
import { rotationFromAngleAxis } from '../../math/angleAxis.ts';
import { squaredLoss, type RobustLoss } from '../../math/robustLoss.ts';
import type { CameraPose } from '../mapper/cameraPose.ts';
import { bundleCost, createLinearisation, type IntrinsicsPrior, linearise, solveDamped, type DampedStep } from './normalEquations.ts';
import type { BundleObservations, BundleState } from './reprojection.ts';

/** The problem: initial cameras, points and observations. */
export interface BundleProblem {
  poses: readonly CameraPose[];
  /** World points, `3 * m` values. */
  points: Float64Array;
  /** Shared SIMPLE_RADIAL camera (ignored when `cameras` is given). */
  camera: { f: number; cx: number; cy: number; k1: number };
  /** Per-image cameras instead: camera c (pose c) uses cameras[c]; their f and k1 are refined apart. */
  cameras?: readonly { f: number; cx: number; cy: number; k1: number }[];
  observations: BundleObservations;
}

/** Options of `bundleAdjust`. */
export interface BundleOptions {
  /** Refine the focal length (default true) and k1 (default true); otherwise the calibration is fixed. */
  refineFocalLength?: boolean;
  refineK1?: boolean;
  /** Robust loss on each observation's squared pixel error (default squared; e.g. cauchyLoss(1) or
   *  huberLoss(1), COLMAP's mapper uses a soft-L1/Cauchy of scale 1 px). */
  loss?: RobustLoss;
  /** Iteration cap (default 50, as COLMAP's `ba_global_max_num_iterations`). */
  maxIterations?: number;
  /** Stop when the cost falls by less than this fraction in an accepted step (default 1e-6, Ceres'
   *  function_tolerance) or the step is below stepTolerance · ‖x‖ (default 1e-10). */
  functionTolerance?: number;
  stepTolerance?: number;
  /** Cameras whose poses are held (e.g. the outer ring of a local BA). When given, they replace the
   *  default gauge (camera 0 plus one coordinate of camera 1): hold at least two with distinct centres
   *  to fix the similarity. */
  fixedCameras?: readonly number[];
  /** Linear solver: 'auto' (default) is Cholesky up to 150 cameras, PCG beyond. */
  solver?: 'auto' | 'cholesky' | 'pcg';
  /** With per-image `cameras`: a weak prior holding each f near its start (relative σ, e.g. 0.25)
   *  (or f0, pixels, one per camera) and k1 near 0 (σ, e.g. 0.1), so cameras seen by few points do not drift (Snavely et al. 2006, §4.2). */
  intrinsicsPrior?: { sigmaF: number; sigmaK1: number; f0?: ArrayLike<number> };
}

/** The adjusted model with how the run went. */
export interface BundleReport {
  poses: CameraPose[];
  points: Float64Array;
  /** The shared camera (with per-image cameras: the first's). */
  camera: { f: number; cx: number; cy: number; k1: number };
  /** Per-image cameras when the problem had them, else null. */
  cameras: { f: number; cx: number; cy: number; k1: number }[] | null;
  /** ½ Σ ρ(‖r‖²) before and after (pixels², with the intrinsics prior's terms). */
  initialCost: number;
  finalCost: number;
  /** Mean ‖r‖ over all observations before and after, pixels. */
  initialMeanError: number;
  meanError: number;
  /** Median ‖r‖ after, pixels (robust to the outliers a robust loss ignores). */
  medianError: number;
  iterations: number;
  /** Accepted steps. */
  successfulSteps: number;
  reason: 'function' | 'step' | 'iterations' | 'damping';
  solver: 'cholesky' | 'pcg';
  pcgIterations: number;
  seconds: number;
}

/**
 * Bundle adjustment of cameras, points and the shared camera.
 *
 * Algorithm:
 * 1. Parameters: per camera an angle-axis increment ω (R ← exp([ω]ₓ) R, so the analytic Jacobian is
 *    taken at ω = 0) and t; per point X; f and k1 of the shared camera (cx, cy fixed).
 * 2. Gauge (7 degrees of freedom of a similarity): camera 0's pose is held, and of camera 1's
 *    translation the coordinate k that maximises |(R₁ (C₀ − C₁))_k| — the one a scaling about C₀
 *    changes most — is held too (COLMAP's `SetConstantCamPose` + `SetConstantCamPositions` for one
 *    coordinate of the second image). All else moves.
 * 3. Each iteration: linearise with IRLS weights ρ'(‖r‖²) (Triggs et al. 2000, §3.3); eliminate the
 *    points, each 3 × 3 block inverted (Schur complement, Triggs §6.1); solve the reduced camera
 *    system by Cholesky or Jacobi-preconditioned CG; back-substitute the points; accept by the gain
 *    ratio with Nielsen's damping update (Madsen et al. 2004, §3.2).
 *
 * @param problem - at least two cameras; observations index cameras and points.
 * @param options - what to refine, the loss, the solver and stopping rules.
 * @returns the adjusted poses, points and camera, with costs, errors (pixels), iterations and seconds.
 * @throws Error (assertion) for fewer than two cameras or an observation out of range.
 * @example
 * const ba = bundleAdjust({ poses, points, camera: { f: 1000, cx: 640, cy: 480, k1: 0 }, observations }, { loss: cauchyLoss(1) });
 * console.log(ba.meanError, ba.camera.f);
 *
 * References: B. Triggs, P. McLauchlan, R. Hartley, A. Fitzgibbon, "Bundle Adjustment — A Modern
 * Synthesis", 2000, §3.3, §6.1; S. Agarwal et al., "Bundle Adjustment in the Large", ECCV 2010, §4
 * (PCG on the reduced system); J. Schönberger, J.-M. Frahm, CVPR 2016, §4.5 (SIMPLE_RADIAL, robust BA).
 */
export function bundleAdjust(problem: BundleProblem, options: BundleOptions = {}): BundleReport {
  const began = performance.now();
  const nc = problem.poses.length, np = problem.points.length / 3, obs = problem.observations;
  assert(nc >= 2, `bundleAdjust: expected at least 2 cameras but received ${nc}`);
  for (let o = 0; o < obs.camera.length; o++) {
    assert(obs.camera[o] >= 0 && obs.camera[o] < nc && obs.point[o] >= 0 && obs.point[o] < np, `bundleAdjust: observation ${o} out of range`);
  }
  const loss = options.loss ?? squaredLoss;
  const maxIterations = options.maxIterations ?? 50;
  const fTol = options.functionTolerance ?? 1e-6, xTol = options.stepTolerance ?? 1e-10;
  const solver = options.solver === 'cholesky' || options.solver === 'pcg' ? options.solver : nc <= 150 ? 'cholesky' : 'pcg';
  let state = initialState(problem), trial = initialState(problem);
  const perImage = problem.cameras !== undefined;
  assert(!perImage || problem.cameras!.length === nc, `bundleAdjust: expected one camera per pose (${nc}) but received ${problem.cameras?.length}`);
  const prior: IntrinsicsPrior | null = perImage && options.intrinsicsPrior
    ? { f0: Float64Array.from(options.intrinsicsPrior.f0 ?? problem.cameras!.map((c) => c.f)), sigmaF: options.intrinsicsPrior.sigmaF, sigmaK1: options.intrinsicsPrior.sigmaK1 } : null;
  const lin = createLinearisation(nc, np, obs, gaugeMask(problem, options), state.intrinsicsOf, prior);
  const scratch = new Float64Array(2 * obs.camera.length);
  linearise(state, obs, loss, lin);
  const initialCost = lin.cost, initialMeanError = meanError(lin.residuals);
  let lambda = 1e-4, nu = 2, iterations = 0, successfulSteps = 0, pcgIterations = 0;
  let reason: BundleReport['reason'] = 'iterations';
  while (iterations < maxIterations) {
    iterations++;
    const step = solveDamped(lin, lambda, { solver });
    if (!step) {
      [lambda, nu] = [lambda * nu, nu * 2];
      continue;
    }
    pcgIterations += step.pcgIterations;
    applyStep(state, step, trial);
    const trialCost = bundleCost(trial, obs, loss, scratch, prior);
    // Gain ratio: actual over predicted decrease, L(0) − L(δ) = ½ δᵀ(λ D δ − g).
    const predicted = 0.5 * (step.dDd - step.gDotStep);
    const rho = (lin.cost - trialCost) / Math.max(predicted, 1e-300);
    if (rho > 0 && Number.isFinite(trialCost)) {
      const decrease = lin.cost - trialCost;
      [state, trial] = [trial, state];
      successfulSteps++;
      lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
      nu = 2;
      const before = lin.cost;
      linearise(state, obs, loss, lin);
      if (decrease <= fTol * before) { reason = 'function'; break; }
      if (stepNorm(step) <= xTol * (stateNorm(state) + xTol)) { reason = 'step'; break; }
    } else {
      [lambda, nu] = [lambda * nu, nu * 2];
      if (lambda > 1e16) { reason = 'damping'; break; }
    }
  }
  return {
    poses: Array.from({ length: nc }, (_, c) => ({ R: state.rotations.slice(9 * c, 9 * c + 9), t: state.translations.slice(3 * c, 3 * c + 3) })),
    points: state.points.slice(),
    camera: cameraAt(state.intrinsics, 0),
    cameras: perImage ? Array.from({ length: nc }, (_, c) => cameraAt(state.intrinsics, c)) : null,
    initialCost, finalCost: lin.cost, initialMeanError, meanError: meanError(lin.residuals), medianError: medianError(lin.residuals), iterations, successfulSteps,
    reason, solver, pcgIterations, seconds: (performance.now() - began) / 1000,
  };
}

const cameraAt = (x: Float64Array, g: number) => ({ f: x[4 * g], cx: x[4 * g + 1], cy: x[4 * g + 2], k1: x[4 * g + 3] });

/** The fixed reduced unknowns: camera 0's pose and one coordinate of camera 1's t (or the
 *  `fixedCameras`), and the intrinsics not refined. 1 = held, `6 · cameras + 2 · intrinsics` values. */
export function gaugeMask(problem: BundleProblem, options: BundleOptions): Uint8Array {
  const nc = problem.poses.length, ni = problem.cameras ? nc : 1;
  const fixed = new Uint8Array(6 * nc + 2 * ni);
  for (let g = 0; g < ni; g++) {
    if (options.refineFocalLength === false) fixed[6 * nc + 2 * g] = 1;
    if (options.refineK1 === false) fixed[6 * nc + 2 * g + 1] = 1;
  }
  if (options.fixedCameras && options.fixedCameras.length > 0) {
    for (const c of options.fixedCameras) {
      assert(Number.isInteger(c) && c >= 0 && c < nc, `bundleAdjust: expected fixedCameras in [0, ${nc}) but received ${c}`);
      fixed.fill(1, 6 * c, 6 * c + 6);
    }
    return fixed;
  }
  fixed.fill(1, 0, 6);
  const c0 = centre(problem.poses[0]), c1 = centre(problem.poses[1]), R1 = problem.poses[1].R;
  let best = 0, k = 0;
  for (let i = 0; i < 3; i++) {
    const value = Math.abs(R1[3 * i] * (c0[0] - c1[0]) + R1[3 * i + 1] * (c0[1] - c1[1]) + R1[3 * i + 2] * (c0[2] - c1[2]));
    if (value > best) [best, k] = [value, i];
  }
  fixed[6 + 3 + k] = 1;
  return fixed;
}

function initialState(problem: BundleProblem): BundleState {
  const nc = problem.poses.length;
  const rotations = new Float64Array(9 * nc), translations = new Float64Array(3 * nc);
  problem.poses.forEach((p, c) => { rotations.set(p.R, 9 * c); translations.set(p.t, 3 * c); });
  if (problem.cameras) {
    const intrinsics = Float64Array.from(problem.cameras.flatMap((c) => [c.f, c.cx, c.cy, c.k1]));
    return { rotations, translations, points: problem.points.slice(), intrinsics, intrinsicsOf: Int32Array.from({ length: nc }, (_, c) => c) };
  }
  const { f, cx, cy, k1 } = problem.camera;
  return { rotations, translations, points: problem.points.slice(), intrinsics: Float64Array.of(f, cx, cy, k1) };
}

/** out = s ⊕ δ: R ← exp([δω]ₓ) R, t += δt, X += δX, f += δf, k1 += δk1 (per camera's intrinsics). */
function applyStep(s: BundleState, step: DampedStep, out: BundleState): void {
  const nc = s.translations.length / 3, e = new Float64Array(9), w = new Float64Array(3);
  for (let c = 0; c < nc; c++) {
    w[0] = step.dc[6 * c]; w[1] = step.dc[6 * c + 1]; w[2] = step.dc[6 * c + 2];
    rotationFromAngleAxis(w, e);
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 3; k++) {
        out.rotations[9 * c + 3 * r + k] = e[3 * r] * s.rotations[9 * c + k] + e[3 * r + 1] * s.rotations[9 * c + 3 + k] + e[3 * r + 2] * s.rotations[9 * c + 6 + k];
      }
      out.translations[3 * c + r] = s.translations[3 * c + r] + step.dc[6 * c + 3 + r];
    }
  }
  for (let k = 0; k < s.points.length; k++) out.points[k] = s.points[k] + step.dp[k];
  for (let g = 0; g < s.intrinsics.length / 4; g++) {
    out.intrinsics[4 * g] = s.intrinsics[4 * g] + step.dc[6 * nc + 2 * g];
    out.intrinsics[4 * g + 1] = s.intrinsics[4 * g + 1];
    out.intrinsics[4 * g + 2] = s.intrinsics[4 * g + 2];
    out.intrinsics[4 * g + 3] = s.intrinsics[4 * g + 3] + step.dc[6 * nc + 2 * g + 1];
  }
}

function medianError(res: Float64Array): number {
  const e = new Float64Array(res.length / 2);
  for (let o = 0; o < e.length; o++) e[o] = Math.hypot(res[2 * o], res[2 * o + 1]);
  e.sort();
  return e.length === 0 ? 0 : e.length % 2 ? e[e.length >> 1] : (e[(e.length >> 1) - 1] + e[e.length >> 1]) / 2;
}

function meanError(res: Float64Array): number {
  let sum = 0;
  for (let o = 0; o < res.length / 2; o++) sum += Math.hypot(res[2 * o], res[2 * o + 1]);
  return sum / Math.max(1, res.length / 2);
}

const centre = (p: CameraPose): number[] => [0, 1, 2].map((i) => -(p.R[i] * p.t[0] + p.R[3 + i] * p.t[1] + p.R[6 + i] * p.t[2]));

function stepNorm(step: DampedStep): number {
  let s = 0;
  for (const v of step.dc) s += v * v;
  for (const v of step.dp) s += v * v;
  return Math.sqrt(s);
}

function stateNorm(s: BundleState): number {
  let n = 0;
  for (const a of [s.translations, s.points]) for (const v of a) n += v * v;
  for (let g = 0; g < s.intrinsics.length; g += 4) n += s.intrinsics[g] ** 2;
  return Math.sqrt(n);
}
