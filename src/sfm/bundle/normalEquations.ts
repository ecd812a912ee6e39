/**
 * The linearised bundle-adjustment problem and its solution on the reduced camera system.
 *
 * Unknowns: 6 per camera (ω, t), then 2 intrinsics (f, k₁) per SIMPLE_RADIAL camera — one shared, or
 * one per image — together the r = 6n + 2g "reduced" unknowns, and 3 per point. The normal equations [[U, W], [Wᵀ, V]] [δc; δp] = −[g_c; g_p]
 * have V block diagonal (one 3 × 3 block per point) and U block-arrow (each observation couples only its
 * camera with itself and with its intrinsics), so the points are eliminated (Triggs et al. 2000, §6.1):
 * S = U − W V⁻¹ Wᵀ, S δc = −g_c + W V⁻¹ g_p, then δp_j = V_j⁻¹ (−g_p,j − W_jᵀ δc).
 */
import { choleskyFactor, choleskySolve } from '../../math/cholesky.ts';
import { conjugateGradient } from '../../math/conjugateGradient.ts';
import type { RobustLoss } from '../../math/robustLoss.ts';
import { type BundleObservations, type BundleState, observationResidual } from './reprojection.ts';
import { applyReduced, denseReducedMatrix, schurDiagonal } from './reducedSystem.ts';
import { addWy, forEachPoint, intrinsicsIndex, mulVinv, subtractWtX } from './blockOps.ts';

/**
 * A weak Gaussian prior on each camera's f and k1: residuals (f − f₀) / (σ_f f₀) and k₁ / σ_k₁ added
 * to the cost (in the units of squared pixels, so with hundreds of observations per camera it only
 * holds what the images leave unconstrained). For per-image cameras whose f came from EXIF or a guess
 * (Snavely et al. 2006, §4.2, who keep f near its EXIF value by such a term).
 */
export interface IntrinsicsPrior {
  /** Each camera's prior focal length, pixels (`g` values). */
  f0: Float64Array;
  /** Relative standard deviation of f (e.g. 0.25) and absolute of k1 (e.g. 0.1). */
  sigmaF: number;
  sigmaK1: number;
}

/** Everything one linearisation holds, allocated once per problem and refilled each iteration. */
export interface Linearisation {
  cameraCount: number;
  pointCount: number;
  /** Reduced unknowns, 6 · cameraCount + 2 · intrinsicsCount. */
  reducedSize: number;
  /** SIMPLE_RADIAL cameras (1: shared), and per camera (pose) which one it uses. */
  intrinsicsCount: number;
  intrinsicsOf: Int32Array;
  prior: IntrinsicsPrior | null;
  /** 1 for a reduced unknown held constant (gauge, fixed intrinsics): its Jacobian column is zeroed. */
  fixed: Uint8Array;
  /** Observations grouped by point: pointStart[j] … pointStart[j + 1] − 1 index pointObs. */
  pointStart: Int32Array;
  pointObs: Int32Array;
  /** The camera of each observation. */
  obsCamera: Int32Array;
  residuals: Float64Array;
  /** Per observation: robust weight ρ'(‖r‖²), Jacobian blocks (see `observationResidual`), W block (8 × 3). */
  weight: Float64Array;
  jc: Float64Array;
  ji: Float64Array;
  jp: Float64Array;
  w: Float64Array;
  /** U's blocks: camera 6 × 6 (36 per camera), camera–its intrinsics 6 × 2 (12 per camera), intrinsics 2 × 2 (4 per intrinsics). */
  ucc: Float64Array;
  uci: Float64Array;
  uii: Float64Array;
  /** Gradient Jᵀ W r: reduced (reducedSize), points (3 per point); V blocks (9 per point). */
  gc: Float64Array;
  gp: Float64Array;
  v: Float64Array;
  /** ½ Σ ρ(‖r_o‖²). */
  cost: number;
}

/** Allocates the linearisation arrays of a problem (one shared camera unless `intrinsicsOf` maps poses to cameras). */
export function createLinearisation(cameraCount: number, pointCount: number, obs: BundleObservations, fixed: Uint8Array,
  intrinsicsOf: Int32Array = new Int32Array(cameraCount), prior: IntrinsicsPrior | null = null): Linearisation {
  const n = obs.camera.length;
  const pointStart = new Int32Array(pointCount + 1);
  for (let o = 0; o < n; o++) pointStart[obs.point[o] + 1]++;
  for (let j = 0; j < pointCount; j++) pointStart[j + 1] += pointStart[j];
  const cursor = pointStart.slice(0, pointCount);
  const pointObs = new Int32Array(n);
  for (let o = 0; o < n; o++) pointObs[cursor[obs.point[o]]++] = o;
  const g = cameraCount && Math.max(...intrinsicsOf) + 1, r = 6 * cameraCount + 2 * g;
  return {
    cameraCount, pointCount, reducedSize: r, intrinsicsCount: g, intrinsicsOf, prior, fixed, pointStart, pointObs, obsCamera: obs.camera,
    residuals: new Float64Array(2 * n), weight: new Float64Array(n), jc: new Float64Array(12 * n), ji: new Float64Array(4 * n),
    jp: new Float64Array(6 * n), w: new Float64Array(24 * n), ucc: new Float64Array(36 * cameraCount), uci: new Float64Array(12 * cameraCount),
    uii: new Float64Array(4 * g), gc: new Float64Array(r), gp: new Float64Array(3 * pointCount), v: new Float64Array(9 * pointCount), cost: 0,
  };
}

/** ½ Σ ρ(‖r_o‖²) (+ the prior's ½ Σ r²) of a state (residuals written to `res`, 2 per observation). */
export function bundleCost(s: BundleState, obs: BundleObservations, loss: RobustLoss, res: Float64Array, prior: IntrinsicsPrior | null = null): number {
  let cost = 0;
  for (let o = 0; o < obs.camera.length; o++) cost += loss.rho(observationResidual(s, obs, o, res));
  return cost / 2 + (prior ? priorCost(s, prior) : 0);
}

/** The prior's residuals of camera g: [(f − f₀) / (σ_f f₀), k₁ / σ_k₁]. */
function priorResiduals(s: BundleState, prior: IntrinsicsPrior, g: number): [number, number] {
  return [(s.intrinsics[4 * g] - prior.f0[g]) / (prior.sigmaF * prior.f0[g]), s.intrinsics[4 * g + 3] / prior.sigmaK1];
}

function priorCost(s: BundleState, prior: IntrinsicsPrior): number {
  let cost = 0;
  for (let g = 0; g < prior.f0.length; g++) {
    const [rf, rk] = priorResiduals(s, prior, g);
    cost += rf * rf + rk * rk;
  }
  return cost / 2;
}

/** Adds the prior's gradient and (diagonal) Gauss–Newton block to g and U; fixed unknowns skipped. */
function addPrior(s: BundleState, lin: Linearisation): number {
  const prior = lin.prior!, ir = 6 * lin.cameraCount;
  for (let g = 0; g < prior.f0.length; g++) {
    const [rf, rk] = priorResiduals(s, prior, g), jf = 1 / (prior.sigmaF * prior.f0[g]), jk = 1 / prior.sigmaK1;
    if (!lin.fixed[ir + 2 * g]) { lin.gc[ir + 2 * g] += jf * rf; lin.uii[4 * g] += jf * jf; }
    if (!lin.fixed[ir + 2 * g + 1]) { lin.gc[ir + 2 * g + 1] += jk * rk; lin.uii[4 * g + 3] += jk * jk; }
  }
  return priorCost(s, prior);
}

/**
 * Fills `lin` at state s: residuals, robust weights (IRLS, Triggs et al. 2000 §3.3: each observation's
 * block weighted by ρ'(‖r‖²)), Jacobian blocks with fixed columns zeroed, and U, V, W, g.
 */
export function linearise(s: BundleState, obs: BundleObservations, loss: RobustLoss, lin: Linearisation): void {
  const { jc, ji, jp, w, weight, residuals: res, ucc, uci, uii, gc, gp, v, fixed } = lin;
  ucc.fill(0); uci.fill(0); uii.fill(0); gc.fill(0); gp.fill(0); v.fill(0);
  const jacobian = { jc, ji, jp };
  const ja = new Float64Array(16);
  let cost = 0;
  for (let o = 0; o < obs.camera.length; o++) {
    const s2 = observationResidual(s, obs, o, res, jacobian);
    cost += loss.rho(s2);
    const wt = (weight[o] = loss.weight(s2));
    const c = obs.camera[o], j = obs.point[o], ii = intrinsicsIndex(lin, c), gi = 4 * lin.intrinsicsOf[c];
    // Ja = [Jc | Ji], 2 × 8, fixed columns zeroed.
    for (let row = 0; row < 2; row++) {
      for (let k = 0; k < 6; k++) ja[8 * row + k] = fixed[6 * c + k] ? 0 : jc[12 * o + 6 * row + k];
      for (let k = 0; k < 2; k++) ja[8 * row + 6 + k] = fixed[ii + k] ? 0 : ji[4 * o + 2 * row + k];
    }
    for (let row = 0; row < 2; row++) for (let k = 0; k < 6; k++) jc[12 * o + 6 * row + k] = ja[8 * row + k];
    for (let row = 0; row < 2; row++) for (let k = 0; k < 2; k++) ji[4 * o + 2 * row + k] = ja[8 * row + 6 + k];
    const r0 = res[2 * o] * wt, r1 = res[2 * o + 1] * wt;
    for (let a = 0; a < 8; a++) {
      const ja0 = ja[a] * wt, ja1 = ja[8 + a] * wt;
      const g = ja[a] * r0 + ja[8 + a] * r1;
      if (a < 6) gc[6 * c + a] += g; else gc[ii + a - 6] += g;
      for (let b = 0; b < 8; b++) {
        const value = ja0 * ja[b] + ja1 * ja[8 + b];
        if (a < 6 && b < 6) ucc[36 * c + 6 * a + b] += value;
        else if (a < 6) uci[12 * c + 2 * a + b - 6] += value;
        else if (b >= 6) uii[gi + 2 * (a - 6) + b - 6] += value;
      }
      for (let k = 0; k < 3; k++) w[24 * o + 3 * a + k] = ja0 * jp[6 * o + k] + ja1 * jp[6 * o + 3 + k];
    }
    for (let a = 0; a < 3; a++) {
      const p0 = jp[6 * o + a], p1 = jp[6 * o + 3 + a];
      gp[3 * j + a] += p0 * r0 + p1 * r1;
      for (let b = 0; b < 3; b++) v[9 * j + 3 * a + b] += wt * (p0 * jp[6 * o + b] + p1 * jp[6 * o + 3 + b]);
    }
  }
  lin.cost = cost / 2 + (lin.prior ? addPrior(s, lin) : 0);
}

/** Options of `solveDamped`. */
export interface SolveOptions {
  /** 'cholesky': the dense reduced system; 'pcg': conjugate gradients on the implicit S (Agarwal et
   *  al. 2010, "Bundle adjustment in the large", §4) with a Jacobi preconditioner. */
  solver: 'cholesky' | 'pcg';
  /** PCG's relative-residual tolerance (default 1e-8) and iteration cap (default 500). */
  pcgTolerance?: number;
  pcgMaxIterations?: number;
}

/** The step of one damped solve: δc (reduced), δp (3 per point), and δᵀ D δ for the gain ratio. */
export interface DampedStep {
  dc: Float64Array;
  dp: Float64Array;
  /** δᵀ D δ and δᵀ g over all unknowns. */
  dDd: number;
  gDotStep: number;
  pcgIterations: number;
}

/**
 * Solves (A + λ D) δ = −g with D = diag(A) clamped to [1e-6, 1e32] (Marquardt's scaling, Ceres'
 * bounds) by the Schur complement on the points; fixed unknowns get δ = 0.
 *
 * @returns the step, or null when the reduced system is not positive definite (increase λ).
 */
export function solveDamped(lin: Linearisation, lambda: number, options: SolveOptions): DampedStep | null {
  const { cameraCount: nc, pointCount: np, reducedSize: nr, fixed } = lin;
  const diag = reducedDiagonal(lin);
  const dr = new Float64Array(nr);
  for (let k = 0; k < nr; k++) dr[k] = fixed[k] ? 0 : lambda * clampDiag(diag[k]);
  const vinv = new Float64Array(9 * np), dpDamp = new Float64Array(3 * np);
  for (let j = 0; j < np; j++) {
    const b = lin.v.subarray(9 * j, 9 * j + 9);
    for (let a = 0; a < 3; a++) dpDamp[3 * j + a] = lambda * clampDiag(b[4 * a]);
    if (!invertDamped3(b, dpDamp, 3 * j, vinv, 9 * j)) return null;
  }
  // rhs = −g_c + W V⁻¹ g_p.
  const rhs = new Float64Array(nr);
  for (let k = 0; k < nr; k++) rhs[k] = -lin.gc[k];
  const y = new Float64Array(3);
  forEachPoint(lin, (j, start, end) => {
    mulVinv(vinv, j, lin.gp, 3 * j, y);
    for (let e = start; e < end; e++) addWy(lin, lin.pointObs[e], y, rhs, 1);
  });
  for (let k = 0; k < nr; k++) if (fixed[k]) rhs[k] = 0;
  const dc = new Float64Array(nr);
  let pcgIterations = 0;
  if (options.solver === 'cholesky') {
    const s = denseReducedMatrix(lin, dr, vinv);
    const l = choleskyFactor(s, nr);
    if (!l) return null;
    dc.set(choleskySolve(l, rhs, nr));
  } else {
    const pre = new Float64Array(nr);
    const sDiag = schurDiagonal(lin, diag, vinv);
    for (let k = 0; k < nr; k++) pre[k] = fixed[k] ? 1 : 1 / Math.max(1e-30, sDiag[k] + dr[k]);
    const report = conjugateGradient((x, out) => applyReduced(lin, dr, vinv, x, out), rhs, dc,
      (r, z) => { for (let k = 0; k < nr; k++) z[k] = pre[k] * r[k]; },
      { tolerance: options.pcgTolerance ?? 1e-8, maxIterations: options.pcgMaxIterations ?? 500 });
    pcgIterations = report.iterations;
  }
  // Back-substitution δp_j = V_j⁻¹ (−g_p,j − W_jᵀ δc).
  const dp = new Float64Array(3 * np);
  const t = new Float64Array(3);
  forEachPoint(lin, (j, start, end) => {
    for (let a = 0; a < 3; a++) t[a] = -lin.gp[3 * j + a];
    for (let e = start; e < end; e++) subtractWtX(lin, lin.pointObs[e], dc, t);
    mulVinv(vinv, j, t, 0, y);
    dp.set(y, 3 * j);
  });
  let dDd = 0, gDotStep = 0;
  for (let k = 0; k < nr; k++) [dDd, gDotStep] = [dDd + dr[k] * dc[k] * dc[k], gDotStep + lin.gc[k] * dc[k]];
  for (let k = 0; k < 3 * np; k++) [dDd, gDotStep] = [dDd + dpDamp[k] * dp[k] * dp[k], gDotStep + lin.gp[k] * dp[k]];
  return { dc, dp, dDd, gDotStep, pcgIterations };
}

const clampDiag = (d: number): number => Math.min(1e32, Math.max(1e-6, d));

/** diag(U), reducedSize values. */
function reducedDiagonal(lin: Linearisation): Float64Array {
  const d = new Float64Array(lin.reducedSize);
  for (let c = 0; c < lin.cameraCount; c++) for (let a = 0; a < 6; a++) d[6 * c + a] = lin.ucc[36 * c + 7 * a];
  for (let g = 0; g < lin.intrinsicsCount; g++) {
    d[6 * lin.cameraCount + 2 * g] = lin.uii[4 * g];
    d[6 * lin.cameraCount + 2 * g + 1] = lin.uii[4 * g + 3];
  }
  return d;
}

/** (V + diag(damp)) ⁻¹ into out[outOffset …]; false when singular. */
function invertDamped3(v: Float64Array, damp: Float64Array, dOff: number, out: Float64Array, outOffset: number): boolean {
  const a = v[0] + damp[dOff], b = v[1], c = v[2], d = v[3], e = v[4] + damp[dOff + 1], f = v[5], g = v[6], h = v[7], i = v[8] + damp[dOff + 2];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-300) || !Number.isFinite(det)) return false;
  const k = 1 / det;
  const q = outOffset;
  out[q] = A * k; out[q + 1] = -(b * i - c * h) * k; out[q + 2] = (b * f - c * e) * k;
  out[q + 3] = B * k; out[q + 4] = (a * i - c * g) * k; out[q + 5] = -(a * f - c * d) * k;
  out[q + 6] = C * k; out[q + 7] = -(a * h - b * g) * k; out[q + 8] = (a * e - b * d) * k;
  return true;
}
