import { inverse3, mul3, normaliseFrobenius, transpose3 } from '../../math/mat3.ts';
import { realPolynomialRoots } from '../../math/polynomialRoots.ts';
import { svd } from '../../math/svd.ts';
import { assert } from '../../core/errors.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';
import { essentialConstraintMatrix } from './essentialConstraints.ts';
import { epipolarDesignMatrix, solverNullSpace, weightBySampson } from './fundamental8.ts';
import { sampsonSquaredErrors } from './sampsonError.ts';

/**
 * Nistér's 5-point solver: the up to 10 essential matrices E (x₂ᵀ E x₁ = 0 on normalised image
 * coordinates x = K⁻¹ (u, v, 1)) through 5 correspondences.
 *
 * Algorithm (Nistér 2004, §3.2):
 * 1. E = x X + y Y + z Z + W, with X, Y, Z, W the null space of the 5 × 9 epipolar design matrix
 *    (for more than 5 correspondences the 4 least-squares singular vectors).
 * 2. det E = 0 and 2 E Eᵀ E − tr(E Eᵀ) E = 0: ten cubics in (x, y, z), a 10 × 20 matrix over
 *    Nistér's monomials, reduced by Gauss–Jordan elimination (partial pivoting) on its first 10 columns.
 * 3. Rows (x²z, x²), (y²z, y²), (xyz, xy) combine as ⟨e⟩ − z⟨f⟩ into B(z) [x, y, 1]ᵀ = 0, B a 3 × 3
 *    matrix of polynomials in z (degrees 3, 3, 4 per row); det B(z) is of degree 10.
 * 4. Each real root z (realPolynomialRoots) gives (x, y) from the null vector of B(z), and E.
 *
 * @param basis - X, Y, Z, W concatenated (4 × 9 values).
 * @returns 0 to 10 essential matrices, unit Frobenius norm.
 *
 * References: D. Nistér, "An efficient solution to the five-point relative pose problem", IEEE
 * TPAMI 26(6), 2004, §3.2; H. Stewénius, C. Engels, D. Nistér, "Recent developments on direct
 * relative orientation", ISPRS J. 60(4), 2006 (the same ten constraints).
 */
export function essentialFromNullSpace(basis: Float64Array): Model3[] {
  const m = essentialConstraintMatrix(basis);
  if (!gaussJordan(m, 10, 20)) return [];
  const rows = [[4, 5], [6, 7], [8, 9]].map(([e, f]) => bRow(m.subarray(e * 20, e * 20 + 20), m.subarray(f * 20, f * 20 + 20)));
  const det = polyAdd(
    polyAdd(
      polyMul(rows[0][0], polySub(polyMul(rows[1][1], rows[2][2]), polyMul(rows[1][2], rows[2][1]))),
      polyMul(rows[0][1], polySub(polyMul(rows[1][2], rows[2][0]), polyMul(rows[1][0], rows[2][2]))),
    ),
    polyMul(rows[0][2], polySub(polyMul(rows[1][0], rows[2][1]), polyMul(rows[1][1], rows[2][0]))),
  );
  const models: Model3[] = [];
  for (const z of realPolynomialRoots(det)) {
    const b = rows.map((row) => row.map((p) => polyValue(p, z)));
    const xy = nullVectorXY(b);
    if (!xy) continue;
    const e = new Float64Array(9);
    for (let k = 0; k < 9; k++) e[k] = xy[0] * basis[k] + xy[1] * basis[9 + k] + z * basis[18 + k] + basis[27 + k];
    models.push(normaliseFrobenius(e));
  }
  return models;
}

/** Row of B(z) from the reduced rows ⟨e⟩ (x²z, …) and ⟨f⟩ (x², …): [x-coefficient, y-coefficient, constant], ascending in z. */
function bRow(e: Float64Array, f: Float64Array): Float64Array[] {
  return [
    new Float64Array([e[12], e[11] - f[12], e[10] - f[11], -f[10]]),
    new Float64Array([e[15], e[14] - f[15], e[13] - f[14], -f[13]]),
    new Float64Array([e[19], e[18] - f[19], e[17] - f[18], e[16] - f[17], -f[16]]),
  ];
}

/** (x, y) with B [x, y, 1]ᵀ = 0: the largest cross product of two rows of the 3 × 3 B, dehomogenised. */
function nullVectorXY(b: number[][]): [number, number] | null {
  let best: number[] = [0, 0, 0], bestNorm = 0;
  for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
    const r = b[p], s = b[q];
    const c = [r[1] * s[2] - r[2] * s[1], r[2] * s[0] - r[0] * s[2], r[0] * s[1] - r[1] * s[0]];
    const norm = Math.hypot(c[0], c[1], c[2]);
    if (norm > bestNorm) [best, bestNorm] = [c, norm];
  }
  if (!(Math.abs(best[2]) > 1e-12 * bestNorm)) return null;
  return [best[0] / best[2], best[1] / best[2]];
}

/** In-place Gauss–Jordan on the first `rows` columns of a rows × cols matrix; false when a pivot is below 1e-12 of the largest entry. */
function gaussJordan(m: Float64Array, rows: number, cols: number): boolean {
  let scale = 0;
  for (let i = 0; i < rows * cols; i++) scale = Math.max(scale, Math.abs(m[i]));
  for (let k = 0; k < rows; k++) {
    let p = k;
    for (let i = k + 1; i < rows; i++) if (Math.abs(m[i * cols + k]) > Math.abs(m[p * cols + k])) p = i;
    if (!(Math.abs(m[p * cols + k]) > 1e-12 * scale)) return false;
    if (p !== k) for (let j = 0; j < cols; j++) [m[p * cols + j], m[k * cols + j]] = [m[k * cols + j], m[p * cols + j]];
    const inv = 1 / m[k * cols + k];
    for (let j = k; j < cols; j++) m[k * cols + j] *= inv;
    for (let i = 0; i < rows; i++) {
      const f = m[i * cols + k];
      if (i === k || f === 0) continue;
      for (let j = k; j < cols; j++) m[i * cols + j] -= f * m[k * cols + j];
    }
  }
  return true;
}

function polyMul(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return out;
}
function polyAdd(a: Float64Array, b: Float64Array, sign = 1): Float64Array {
  const out = new Float64Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + sign * (b[i] ?? 0);
  return out;
}
const polySub = (a: Float64Array, b: Float64Array) => polyAdd(a, b, -1);
function polyValue(p: Float64Array, z: number): number {
  let v = 0;
  for (let i = p.length - 1; i >= 0; i--) v = v * z + p[i];
  return v;
}

/**
 * Essential matrices through the sampled correspondences, on normalised coordinates: the 5-point
 * solver on the (least-squares) null space; with 8 or more, also the linear 8-point estimate moved
 * onto the essential manifold (singular values 1, 1, 0), so that LO-RANSAC can score both.
 *
 * @param p1 - image-1 normalised points of the sample, `2 * size` interleaved; p2 likewise.
 * @param seed - optional E whose Sampson weights the equations get (LO-RANSAC's refinement; see
 *   sampsonWeightedEightPoint).
 */
export function essentialFivePoint(p1: Float64Array, p2: Float64Array, size: number, seed?: Model3): Model3[] {
  if (size < 5) return [];
  const a = epipolarDesignMatrix(p1, p2, size);
  if (seed) weightBySampson(a, seed, { count: size, x1: p1, x2: p2 }, Int32Array.from({ length: size }, (_, k) => k), size);
  const basis = solverNullSpace(a, size, 4);
  if (!basis) return [];
  const models = essentialFromNullSpace(basis);
  if (size >= 8) models.push(closestEssential(basis.subarray(27, 36))); // the least-squares null vector
  return models;
}

/** The essential matrix closest to m: U diag(1, 1, 0) Vᵀ of its SVD, unit Frobenius norm. */
export function closestEssential(m: ArrayLike<number>): Model3 {
  const { u, v } = svd(Float64Array.from(m), 3, 3);
  const e = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) e[i * 3 + j] = u[i * 3] * v[j * 3] + u[i * 3 + 1] * v[j * 3 + 1];
  return normaliseFrobenius(e);
}

/** Intrinsics for an essential-matrix estimator on pixel coordinates. */
export interface Intrinsics {
  /** K of image 1, 3 × 3 row-major, upper triangular (fx, skew, cx; 0, fy, cy; 0, 0, 1). */
  K1: ArrayLike<number>;
  /** K of image 2; the same as K1 for one shared camera. */
  K2: ArrayLike<number>;
}

/**
 * The 5-point essential-matrix estimator. Without intrinsics the correspondences are normalised image
 * coordinates and residuals are squared Sampson distances in those units (a pixel threshold divided by
 * the focal length). With intrinsics the correspondences are pixels: each sample is normalised by
 * K⁻¹ before solving, and residuals are squared Sampson distances in pixels under F = K₂⁻ᵀ E K₁⁻¹,
 * so one pixel threshold serves F, H and E alike. Models are always E.
 *
 * @example
 * const estimator = createEssential5({ K1: k, K2: k }); // then ransac(estimator, pixelMatches, { threshold: 1 })
 *
 * References: Nistér 2004 (above); Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §9.6 (E = K₂ᵀ F K₁).
 */
export function createEssential5(intrinsics?: Intrinsics): Estimator {
  const k1Inv = intrinsics ? inverse3(intrinsics.K1) : null;
  const k2Inv = intrinsics ? inverse3(intrinsics.K2) : null;
  assert(!intrinsics || (k1Inv && k2Inv), 'createEssential5: K1 and K2 are invertible');
  const k2InvT = k2Inv ? transpose3(k2Inv) : null;
  const f = new Float64Array(9), tmp = new Float64Array(9);
  return {
    name: 'essential5',
    minSamples: 5,
    estimate(data, sample, size) {
      const p1 = gather(data.x1, sample, size, k1Inv), p2 = gather(data.x2, sample, size, k2Inv);
      return essentialFivePoint(p1, p2, size);
    },
    refine(model, data, sample, size) {
      const p1 = gather(data.x1, sample, size, k1Inv), p2 = gather(data.x2, sample, size, k2Inv);
      return essentialFivePoint(p1, p2, size, model);
    },
    residuals(model, data, out) {
      if (!k1Inv || !k2InvT) return sampsonSquaredErrors(model, data, out);
      sampsonSquaredErrors(mul3(mul3(k2InvT, model, tmp), k1Inv, f), data, out);
    },
  };
}

/** The sampled points, each mapped by kInv (a homography) when given; `2 * size` interleaved. */
function gather(points: Float64Array, sample: ArrayLike<number>, size: number, kInv: Float64Array | null): Float64Array {
  const out = new Float64Array(2 * size);
  for (let k = 0; k < size; k++) {
    const x = points[2 * sample[k]], y = points[2 * sample[k] + 1];
    if (!kInv) [out[2 * k], out[2 * k + 1]] = [x, y];
    else {
      const w = kInv[6] * x + kInv[7] * y + kInv[8];
      out[2 * k] = (kInv[0] * x + kInv[1] * y + kInv[2]) / w;
      out[2 * k + 1] = (kInv[3] * x + kInv[4] * y + kInv[5]) / w;
    }
  }
  return out;
}

/** The 5-point estimator on normalised image coordinates (no intrinsics). */
export const essential5: Estimator = createEssential5();

/** Reads one correspondence set's points through K⁻¹: pixels to normalised image coordinates. */
export function normaliseByIntrinsics(data: Correspondences, intrinsics: Intrinsics): Correspondences {
  const all = Int32Array.from({ length: data.count }, (_, i) => i);
  const k1Inv = inverse3(intrinsics.K1), k2Inv = inverse3(intrinsics.K2);
  assert(k1Inv && k2Inv, 'normaliseByIntrinsics: K1 and K2 are invertible');
  return { count: data.count, x1: gather(data.x1, all, data.count, k1Inv), x2: gather(data.x2, all, data.count, k2Inv) };
}
