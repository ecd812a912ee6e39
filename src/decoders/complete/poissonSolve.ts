import { assert } from '../../core/errors.ts';
import { conjugateGradient } from '../../math/conjugateGradient.ts';

/** How a Poisson solve went. */
export interface PoissonReport {
  /** Conjugate-gradient iterations used. */
  iterations: number;
  /** Final ‖r‖₂ / ‖b‖₂. */
  relativeResidual: number;
  /** Number of unknown pixels. */
  unknowns: number;
}

export interface PoissonOptions {
  /** Stop when ‖r‖₂ ≤ tolerance · ‖b‖₂ (default 1e-6). */
  tolerance?: number;
  /** Iteration cap (default 2000). */
  maxIterations?: number;
}

/**
 * Solves the discrete Poisson equation with Dirichlet boundary values on an arbitrary pixel region:
 * for every unknown p, `Σ_{q ∈ N(p)} (f_p − f_q) = Σ_{q ∈ N(p)} (g_p − g_q)`, where f_q is the fixed
 * value for known neighbours and N(p) are the 4-neighbours inside the image (so the image border is a
 * Neumann boundary). With guidance g = 0 this is the harmonic (membrane) fill; with g = a source
 * image it is Pérez et al.'s seamless cloning.
 *
 * The solver is `conjugateGradient` (math/) preconditioned by modified incomplete Cholesky, MIC(0)
 * (τ = 0.97), which needs O(n^¼) times fewer iterations than plain CG and orders of magnitude fewer
 * than Jacobi sweeps.
 *
 * References: P. Pérez, M. Gangnet, A. Blake, "Poisson Image Editing", SIGGRAPH 2003, §2–3;
 * R. Bridson, "Fluid Simulation for Computer Graphics", 2nd ed., §5.5 (MIC(0)-PCG).
 *
 * @param values `w*h` plane: fixed values at known pixels; at unknown pixels the initial guess on
 *   input and the solution on output
 * @param unknown `w*h`, 1 = solve for this pixel; every 4-connected unknown component must touch a known pixel
 * @param guidance `w*h` guidance field g, or null for g = 0
 */
export function solvePoisson(values: Float32Array, unknown: Uint8Array, w: number, h: number, guidance: Float32Array | null, options: PoissonOptions = {}): PoissonReport {
  const n = w * h;
  assert(values.length === n && unknown.length === n && (!guidance || guidance.length === n), 'poisson plane sizes');
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 2000;
  const index = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if (unknown[i]) index[i] = m++;
  const pix = new Int32Array(m);
  const right = new Int32Array(m).fill(-1);
  const down = new Int32Array(m).fill(-1);
  const left = new Int32Array(m).fill(-1);
  const up = new Int32Array(m).fill(-1);
  const diag = new Float64Array(m);
  const b = new Float64Array(m);
  const x = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const k = index[i];
    if (k < 0) continue;
    pix[k] = i;
    x[k] = values[i];
    const px = i % w;
    const py = (i - px) / w;
    const gp = guidance ? guidance[i] : 0;
    let rhs = 0;
    let deg = 0;
    const visit = (j: number): number => {
      deg++;
      if (guidance) rhs += gp - guidance[j];
      if (index[j] < 0) rhs += values[j];
      return index[j];
    };
    if (px > 0) left[k] = visit(i - 1);
    if (px + 1 < w) right[k] = visit(i + 1);
    if (py > 0) up[k] = visit(i - w);
    if (py + 1 < h) down[k] = visit(i + w);
    diag[k] = deg;
    b[k] = rhs;
  }
  if (m === 0) return { iterations: 0, relativeResidual: 0, unknowns: 0 };
  const apply = (v: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < m; k++) {
      let s = diag[k] * v[k];
      if (left[k] >= 0) s -= v[left[k]];
      if (right[k] >= 0) s -= v[right[k]];
      if (up[k] >= 0) s -= v[up[k]];
      if (down[k] >= 0) s -= v[down[k]];
      out[k] = s;
    }
  };
  const precon = micPreconditioner(m, diag, left, up, right, down);
  const tmp = new Float64Array(m);
  const report = conjugateGradient(apply, b, x, (r, z) => applyPreconditioner(r, z, tmp, precon, left, up, right, down, m), { tolerance, maxIterations });
  for (let k = 0; k < m; k++) values[pix[k]] = x[k];
  return { ...report, unknowns: m };
}

/** MIC(0) factor diagonal for the 5-point Laplacian on the unknowns (raster order); off-diagonals are −1. */
function micPreconditioner(m: number, diag: Float64Array, left: Int32Array, up: Int32Array, right: Int32Array, down: Int32Array): Float64Array {
  const tau = 0.97;
  const sigma = 0.25;
  const precon = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let e = diag[k];
    const l = left[k];
    if (l >= 0) {
      const pl = precon[l];
      e -= pl * pl;
      if (down[l] >= 0) e -= tau * pl * pl;
    }
    const u = up[k];
    if (u >= 0) {
      const pu = precon[u];
      e -= pu * pu;
      if (right[u] >= 0) e -= tau * pu * pu;
    }
    if (e < sigma * diag[k]) e = diag[k];
    precon[k] = 1 / Math.sqrt(e);
  }
  return precon;
}

/** z = (L Lᵀ)⁻¹ r with L the MIC(0) factor (forward then backward substitution). */
function applyPreconditioner(r: Float64Array, z: Float64Array, q: Float64Array, precon: Float64Array, left: Int32Array, up: Int32Array, right: Int32Array, down: Int32Array, m: number): void {
  for (let k = 0; k < m; k++) {
    let t = r[k];
    const l = left[k];
    if (l >= 0) t += precon[l] * q[l];
    const u = up[k];
    if (u >= 0) t += precon[u] * q[u];
    q[k] = t * precon[k];
  }
  for (let k = m - 1; k >= 0; k--) {
    let t = q[k];
    const rr = right[k];
    if (rr >= 0) t += precon[k] * z[rr];
    const d = down[k];
    if (d >= 0) t += precon[k] * z[d];
    z[k] = t * precon[k];
  }
}
