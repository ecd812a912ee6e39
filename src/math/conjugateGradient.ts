import { assert } from '../core/errors.ts';

/** `out = A v` for a symmetric positive-definite A of size m (out never aliases v). */
export type LinearOperator = (v: Float64Array, out: Float64Array) => void;

/** Options of `conjugateGradient`. */
export interface CgOptions {
  /** Stop when ‖r‖₂ ≤ tolerance · ‖b‖₂ (default 1e-6). */
  tolerance?: number;
  /** Iteration cap (default 2000). */
  maxIterations?: number;
}

/** How a CG solve went. */
export interface CgReport {
  /** Iterations used (0 when the initial guess already met the tolerance). */
  iterations: number;
  /** Final ‖r‖₂ / ‖b‖₂ (‖b‖₂ floored at 1e-12). */
  relativeResidual: number;
}

/**
 * Preconditioned conjugate gradients for A x = b with A symmetric positive definite, given as a
 * matrix-vector callback (see `csrOperator` for a CSR matrix) and a preconditioner callback
 * `z = M⁻¹ r` (see `jacobiPreconditioner`; null for plain CG).
 *
 * Algorithm (Saad, Algorithm 9.1): r = b − A x; z = M⁻¹ r; p = z; repeat α = (r·z)/(p·Ap),
 * x += α p, r −= α Ap, stop on ‖r‖ ≤ tol ‖b‖, z = M⁻¹ r, β = (r·z)_new/(r·z)_old, p = z + β p.
 *
 * @param apply - A as a callback on `m`-vectors.
 * @param b - right-hand side, `m` values.
 * @param x - initial guess on input, the solution on output (`m` values).
 * @param precondition - `z = M⁻¹ r`, or null for M = I.
 * @returns iterations and relative residual.
 * @example
 * const x = new Float64Array(2);
 * conjugateGradient((v, o) => { o[0] = 4 * v[0] + v[1]; o[1] = v[0] + 3 * v[1]; }, new Float64Array([1, 2]), x, null);
 * // x ≈ [1/11, 7/11]
 *
 * References: Y. Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed., SIAM 2003, §9.2, Algorithm 9.1;
 * J. Shewchuk, "An Introduction to the Conjugate Gradient Method Without the Agonizing Pain", 1994, §12.
 */
export function conjugateGradient(apply: LinearOperator, b: Float64Array, x: Float64Array, precondition: LinearOperator | null, options: CgOptions = {}): CgReport {
  const m = b.length;
  assert(x.length === m, 'conjugateGradient: x and b have the same length');
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 2000;
  const r = new Float64Array(m);
  apply(x, r);
  for (let k = 0; k < m; k++) r[k] = b[k] - r[k];
  const z = new Float64Array(m);
  const s = new Float64Array(m);
  const As = new Float64Array(m);
  const bNorm = Math.max(1e-12, Math.sqrt(dot(b, b, m)));
  let rNorm = Math.sqrt(dot(r, r, m));
  let iterations = 0;
  const solvePrecon = (): void => (precondition ? precondition(r, z) : z.set(r));
  if (rNorm > tolerance * bNorm) {
    solvePrecon();
    s.set(z);
    let rho = dot(z, r, m);
    while (iterations < maxIterations) {
      apply(s, As);
      const alpha = rho / dot(s, As, m);
      for (let k = 0; k < m; k++) {
        x[k] += alpha * s[k];
        r[k] -= alpha * As[k];
      }
      iterations++;
      rNorm = Math.sqrt(dot(r, r, m));
      if (rNorm <= tolerance * bNorm) break;
      solvePrecon();
      const rhoNew = dot(z, r, m);
      const beta = rhoNew / rho;
      rho = rhoNew;
      for (let k = 0; k < m; k++) s[k] = z[k] + beta * s[k];
    }
  }
  return { iterations, relativeResidual: rNorm / bNorm };
}

/**
 * The Jacobi (diagonal) preconditioner `z = r / diag(A)`.
 *
 * @param diagonal - A's diagonal, `m` positive values.
 * @example conjugateGradient(csrOperator(a), b, x, jacobiPreconditioner(csrDiagonal(a)));
 */
export function jacobiPreconditioner(diagonal: Float64Array): LinearOperator {
  const inv = diagonal.map((d) => {
    assert(d > 0, 'jacobiPreconditioner: positive diagonal');
    return 1 / d;
  });
  return (r, z) => {
    for (let k = 0; k < inv.length; k++) z[k] = r[k] * inv[k];
  };
}

function dot(a: Float64Array, b: Float64Array, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += a[k] * b[k];
  return s;
}
