import { assert } from '../core/errors.ts';

/**
 * The real roots of a real polynomial p(x) = Σᵢ cᵢ xⁱ, by isolation through its derivatives
 * (Collins & Loos): the roots of p′ cut the line into intervals on which p is monotone, so each
 * interval whose end values differ in sign holds exactly one root, found by Newton's method kept
 * inside the bracket (bisection whenever a Newton step leaves it). The derivatives' roots come the
 * same way from p″, down to a linear polynomial. Every level searches within Cauchy's bound
 * 1 + max |cᵢ / cₙ|, which by Gauss–Lucas bounds the derivatives' roots too.
 *
 * Algorithm:
 * 1. Drop leading coefficients below 1e-14 of the largest (roots beyond about 1e14 × the others);
 *    divide by the leading coefficient.
 * 2. Form the derivatives p⁽ⁿ⁻¹⁾ (linear) … p′, p; the linear one's root is exact.
 * 3. For each level upwards: at each critical point c (a root of the level below), p(c) counts as 0
 *    when |p(c)| is within the rounding bound 4n·ε Σ |aᵢ||c|ⁱ — a double (touching) root, reported
 *    once; between consecutive points of [−B, c₁, …, c_k, B] with a sign change, the one root.
 *
 * Close simple roots are separated as long as p changes sign measurably between them (e.g. 1 and
 * 1 + 1e-6 for a cubic with O(1) coefficients); a double root is reported once, to about √ε.
 *
 * @param coefficients - cᵢ in ascending order of power: `coefficients[i]` multiplies xⁱ. Any length;
 *   a constant or all-zero polynomial has no roots reported.
 * @returns the distinct real roots, ascending.
 * @example
 * realPolynomialRoots([-6, 11, -6, 1]); // [1, 2, 3]  ((x − 1)(x − 2)(x − 3))
 *
 * References: G. E. Collins, R. Loos, "Polynomial real root isolation by differentiation", SYMSAC
 * 1976; W. H. Press et al., "Numerical Recipes", 3rd ed., §9.4 (Newton–Raphson with bracketing,
 * `rtsafe`); Cauchy's root bound: Householder, "The Numerical Treatment of a Single Nonlinear
 * Equation", 1970, §2.2.
 */
export function realPolynomialRoots(coefficients: ArrayLike<number>): Float64Array {
  let scale = 0;
  for (let i = 0; i < coefficients.length; i++) {
    assert(Number.isFinite(coefficients[i]), `realPolynomialRoots: coefficient ${i} is ${coefficients[i]}, expected a finite number`);
    scale = Math.max(scale, Math.abs(coefficients[i]));
  }
  let degree = coefficients.length - 1;
  while (degree > 0 && !(Math.abs(coefficients[degree]) > 1e-14 * scale)) degree--;
  if (degree < 1) return new Float64Array(0);
  const monic = new Float64Array(degree + 1);
  for (let i = 0; i <= degree; i++) monic[i] = coefficients[i] / coefficients[degree];
  let bound = 0;
  for (let i = 0; i < degree; i++) bound = Math.max(bound, Math.abs(monic[i]));
  bound += 1;
  const levels: Float64Array[] = [monic];
  for (let d = degree; d > 1; d--) levels.push(derivative(levels[levels.length - 1]));
  let roots: number[] = [-levels[levels.length - 1][0] / levels[levels.length - 1][1]];
  for (let level = levels.length - 2; level >= 0; level--) roots = rootsBetween(levels[level], roots, bound);
  return Float64Array.from(roots);
}

/** p′ of an ascending coefficient array. */
function derivative(p: Float64Array): Float64Array {
  const d = new Float64Array(p.length - 1);
  for (let i = 1; i < p.length; i++) d[i - 1] = i * p[i];
  return d;
}

/** The roots of p given the (ascending) roots of p′, all within (−bound, bound). */
function rootsBetween(p: Float64Array, critical: number[], bound: number): number[] {
  const points = [-bound, ...critical.filter((c) => c > -bound && c < bound), bound];
  const values = points.map((x) => valueOrZero(p, x));
  const roots: number[] = [];
  const push = (r: number) => {
    if (roots.length === 0 || r - roots[roots.length - 1] > 1e-15 * Math.max(1, Math.abs(r))) roots.push(r);
  };
  for (let k = 0; k < points.length; k++) {
    if (k > 0 && values[k - 1] !== 0 && values[k] !== 0 && Math.sign(values[k - 1]) !== Math.sign(values[k])) {
      push(bracketedNewton(p, points[k - 1], points[k], values[k - 1]));
    }
    if (values[k] === 0 && k > 0 && k < points.length - 1) push(points[k]);
  }
  return roots;
}

/** p(x), or exactly 0 when |p(x)| is within the rounding error of evaluating it. */
function valueOrZero(p: Float64Array, x: number): number {
  let value = 0, magnitude = 0;
  const ax = Math.abs(x);
  for (let i = p.length - 1; i >= 0; i--) {
    value = value * x + p[i];
    magnitude = magnitude * ax + Math.abs(p[i]);
  }
  return Math.abs(value) <= 4 * p.length * Number.EPSILON * magnitude ? 0 : value;
}

/** The root of p in (lo, hi), where p is monotone and p(lo) has the sign of `valueLo`. */
function bracketedNewton(p: Float64Array, lo: number, hi: number, valueLo: number): number {
  const signLo = Math.sign(valueLo);
  let x = 0.5 * (lo + hi);
  for (let iter = 0; iter < 200; iter++) {
    let f = 0, df = 0;
    for (let i = p.length - 1; i >= 0; i--) {
      df = df * x + f;
      f = f * x + p[i];
    }
    if (f === 0) return x;
    if (Math.sign(f) === signLo) lo = x;
    else hi = x;
    let next = x - f / df;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 2 * Number.EPSILON * Math.abs(x) || hi - lo <= 2 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi))) return next;
    x = next;
  }
  return x;
}
