import { assert } from '../core/errors.ts';
import { choleskyFactor, choleskySolve } from './cholesky.ts';
import { squaredLoss, type RobustLoss } from './robustLoss.ts';

/** A nonlinear least-squares problem: minimise ½ Σ ρ(r_i(x)²) over n parameters x. */
export interface LeastSquaresProblem {
  /** Number of residuals m. */
  readonly residualCount: number;
  /** Writes the m residuals r(x) into `out`. */
  residuals(params: Float64Array, out: Float64Array): void;
  /** Writes the Jacobian ∂r_i/∂x_j into `out`, `m * n` row-major. */
  jacobian(params: Float64Array, out: Float64Array): void;
}

/** Options of `levenbergMarquardt`. */
export interface LmOptions {
  /** Robust loss ρ (default squared). */
  loss?: RobustLoss;
  /** Iteration cap (default 100). */
  maxIterations?: number;
  /** Initial damping λ relative to max diag(JᵀWJ) (default 1e-3). */
  initialDamping?: number;
  /** Stop when ‖JᵀW r‖∞ falls below this (default 1e-10). */
  gradientTolerance?: number;
  /** Stop when ‖δ‖ ≤ stepTolerance · (‖x‖ + stepTolerance) (default 1e-10). */
  stepTolerance?: number;
}

/** How a Levenberg–Marquardt run went. */
export interface LmReport {
  /** The final parameters, n values. */
  params: Float64Array;
  /** ½ Σ ρ(r_i²) at the start and at the end. */
  initialCost: number;
  cost: number;
  iterations: number;
  /** Why it stopped. */
  reason: 'gradient' | 'step' | 'iterations' | 'damping';
}

/**
 * Levenberg–Marquardt with a robust loss (iteratively reweighted: each residual weighted by ρ'(r²)),
 * dense normal equations solved by Cholesky, and Nielsen's trust-region update of the damping.
 *
 * Algorithm:
 * 1. W = diag(ρ'(r_i²)); A = Jᵀ W J, g = Jᵀ W r; D = diag(A) (Marquardt's scaling, floored).
 * 2. Solve (A + λ D) δ = −g; the gain ratio ϱ = (F(x) − F(x + δ)) / (½ δᵀ(λ D δ − g)).
 * 3. ϱ > 0: accept, λ ← λ · max(1/3, 1 − (2ϱ − 1)³), ν ← 2; else λ ← λ ν, ν ← 2ν.
 *
 * @param problem - residual and Jacobian callbacks.
 * @param start - initial parameters, n values (not modified).
 * @example
 * const fit = levenbergMarquardt(lineProblem, new Float64Array([0, 0]), { loss: huberLoss(0.1) });
 *
 * References: K. Madsen, H. B. Nielsen, O. Tingleff, "Methods for Non-Linear Least Squares Problems",
 * 2nd ed., 2004, §3.2, Algorithm 3.16; D. Marquardt, SIAM J. Appl. Math. 11(2), 1963;
 * Triggs et al., "Bundle Adjustment — A Modern Synthesis", 2000, §3.3 (robust weights).
 */
export function levenbergMarquardt(problem: LeastSquaresProblem, start: Float64Array, options: LmOptions = {}): LmReport {
  const loss = options.loss ?? squaredLoss;
  const m = problem.residualCount;
  const n = start.length;
  assert(m >= 1 && n >= 1, 'levenbergMarquardt: at least one residual and one parameter');
  const maxIterations = options.maxIterations ?? 100;
  const gradTol = options.gradientTolerance ?? 1e-10;
  const stepTol = options.stepTolerance ?? 1e-10;
  let x = Float64Array.from(start);
  const r = new Float64Array(m);
  const rTry = new Float64Array(m);
  const jac = new Float64Array(m * n);
  const a = new Float64Array(n * n);
  const g = new Float64Array(n);
  const cost = (res: Float64Array): number => {
    let c = 0;
    for (let i = 0; i < m; i++) c += loss.rho(res[i] * res[i]);
    return c / 2;
  };
  problem.residuals(x, r);
  let f = cost(r);
  const initialCost = f;
  let lambda = -1;
  let nu = 2;
  for (let it = 0; it < maxIterations; it++) {
    problem.jacobian(x, jac);
    normalEquations(jac, r, m, n, loss, a, g);
    if (maxAbs(g) <= gradTol) return { params: x, initialCost, cost: f, iterations: it, reason: 'gradient' };
    const d = new Float64Array(n);
    let dMax = 0;
    for (let j = 0; j < n; j++) dMax = Math.max(dMax, a[j * n + j]);
    for (let j = 0; j < n; j++) d[j] = Math.max(a[j * n + j], 1e-12 * Math.max(dMax, 1));
    if (lambda < 0) lambda = options.initialDamping ?? 1e-3;
    for (;;) {
      const step = dampedStep(a, g, d, lambda, n);
      if (step) {
        if (norm(step) <= stepTol * (norm(x) + stepTol)) return { params: x, initialCost, cost: f, iterations: it, reason: 'step' };
        const xTry = x.map((v, j) => v + step[j]);
        problem.residuals(xTry, rTry);
        const fTry = cost(rTry);
        let predicted = 0;
        for (let j = 0; j < n; j++) predicted += step[j] * (lambda * d[j] * step[j] - g[j]);
        const gain = (f - fTry) / (predicted / 2);
        if (Number.isFinite(fTry) && fTry < f && gain > 0) {
          x = xTry;
          r.set(rTry);
          f = fTry;
          lambda *= Math.max(1 / 3, 1 - (2 * gain - 1) ** 3);
          nu = 2;
          break;
        }
      }
      lambda *= nu;
      nu *= 2;
      if (lambda > 1e16) return { params: x, initialCost, cost: f, iterations: it, reason: 'damping' };
    }
  }
  return { params: x, initialCost, cost: f, iterations: maxIterations, reason: 'iterations' };
}

/** A = Jᵀ W J and g = Jᵀ W r with W = diag(ρ'(r²)). */
function normalEquations(jac: Float64Array, r: Float64Array, m: number, n: number, loss: RobustLoss, a: Float64Array, g: Float64Array): void {
  a.fill(0);
  g.fill(0);
  for (let i = 0; i < m; i++) {
    const w = loss.weight(r[i] * r[i]);
    const o = i * n;
    for (let p = 0; p < n; p++) {
      const wp = w * jac[o + p];
      g[p] += wp * r[i];
      for (let q = 0; q <= p; q++) a[p * n + q] += wp * jac[o + q];
    }
  }
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[q * n + p] = a[p * n + q];
}

/** δ solving (A + λ D) δ = −g, or null when the damped matrix is not positive definite. */
function dampedStep(a: Float64Array, g: Float64Array, d: Float64Array, lambda: number, n: number): Float64Array | null {
  const damped = Float64Array.from(a);
  for (let j = 0; j < n; j++) damped[j * n + j] += lambda * d[j];
  const l = choleskyFactor(damped, n);
  return l ? choleskySolve(l, g.map((v) => -v), n) : null;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function maxAbs(v: Float64Array): number {
  let s = 0;
  for (const x of v) s = Math.max(s, Math.abs(x));
  return s;
}
