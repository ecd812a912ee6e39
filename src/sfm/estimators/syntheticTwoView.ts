/**
 * Synthetic two-view scenes for the estimator tests and benchmarks: random 3D points seen by two
 * pinhole cameras with known K, R, t, projected with Gaussian pixel noise, a fraction replaced by
 * outliers. Camera 1 is [I | 0]; camera 2 sees X₂ = R X₁ + t.
 */
import { Rng } from '../../core/rng.ts';
import { inverse3, mul3, skew3, transpose3 } from '../../math/mat3.ts';
import type { Correspondences } from './estimator.ts';

/** What `syntheticTwoView` builds. */
export interface TwoViewScene {
  /** The noisy correspondences with outliers, in pixels. */
  data: Correspondences;
  /** The same points without noise (outliers' image-2 points left as drawn), in pixels. */
  clean: Correspondences;
  /** data through K⁻¹: normalised image coordinates. */
  normalised: Correspondences;
  /** 1 for a true correspondence, 0 for an outlier. */
  isInlier: Uint8Array;
  K: Float64Array;
  R: Float64Array;
  /** Unit length. */
  t: Float64Array;
  /** The true E = [t]ₓ R and F = K⁻ᵀ E K⁻¹ (unit Frobenius norm). */
  E: Float64Array;
  F: Float64Array;
  /** For `planar`: H = K (R + t nᵀ / d) K⁻¹ of the plane nᵀ X = d, else null. */
  H: Float64Array | null;
}

export interface TwoViewOptions {
  count: number;
  /** Fraction of correspondences whose image-2 point is replaced by a uniform random one (default 0). */
  outlierRatio?: number;
  /** Gaussian noise per pixel coordinate, standard deviation in pixels (default 0). */
  noise?: number;
  seed?: number;
  /** Points on a plane instead of a volume (default 'volume'); 'line' puts them on one 3D line. */
  structure?: 'volume' | 'planar' | 'line';
  /** Rotation angle of camera 2, degrees (default 12). */
  rotationDegrees?: number;
}

/** Image size of the synthetic cameras (a 1280 × 960 sensor, f = 1000 px). */
export const SYNTHETIC_IMAGE = { width: 1280, height: 960 };

/**
 * A random scene: points in the box x ∈ [−3, 3], y ∈ [−2, 2], z ∈ [5, 10] of camera 1 (or on the plane
 * z = 7 + 0.3 x − 0.2 y), camera 2 one unit to the side, turned about a tilted axis towards the scene.
 *
 * @example const scene = syntheticTwoView({ count: 500, outlierRatio: 0.4, noise: 0.7, seed: 3 });
 */
export function syntheticTwoView(options: TwoViewOptions): TwoViewScene {
  const { count, outlierRatio = 0, noise = 0, seed = 1, structure = 'volume', rotationDegrees = 12 } = options;
  const rng = new Rng(seed);
  const K = new Float64Array([1000, 0, 640, 0, 1000, 480, 0, 0, 1]);
  const axis = normalise([0.2 * rng.normal(), 1, 0.2 * rng.normal()]);
  const R = rodrigues(axis, (rotationDegrees * Math.PI) / 180);
  const centre = [1, 0.2 * rng.normal(), 0.2 * rng.normal()];
  const t = Float64Array.from(normalise(scaleVec(mulVec(R, centre), -1)));
  const clean = { count, x1: new Float64Array(2 * count), x2: new Float64Array(2 * count) };
  const data = { count, x1: new Float64Array(2 * count), x2: new Float64Array(2 * count) };
  const isInlier = new Uint8Array(count);
  const outliers = new Set(rng.shuffle(Array.from({ length: count }, (_, i) => i)).slice(0, Math.round(outlierRatio * count)));
  for (let i = 0; i < count; i++) {
    let p1: number[], p2: number[];
    do {
      const X = drawPoint(rng, structure);
      p1 = project(K, X);
      p2 = project(K, mulVec(R, X).map((v, k) => v + t[k]));
    } while (!inImage(p1) || !inImage(p2));
    if (outliers.has(i)) p2 = [rng.next() * SYNTHETIC_IMAGE.width, rng.next() * SYNTHETIC_IMAGE.height];
    else isInlier[i] = 1;
    clean.x1.set(p1, 2 * i);
    clean.x2.set(p2, 2 * i);
    data.x1.set([p1[0] + noise * rng.normal(), p1[1] + noise * rng.normal()], 2 * i);
    data.x2.set(outliers.has(i) ? p2 : [p2[0] + noise * rng.normal(), p2[1] + noise * rng.normal()], 2 * i);
  }
  const kInv = inverse3(K)!;
  const E = unitNorm(mul3(skew3(t), R));
  const F = unitNorm(mul3(mul3(transpose3(kInv), E), kInv));
  const n = [-0.3, 0.2, 1], d = 7;
  const H = structure === 'planar' ? unitNorm(mul3(mul3(K, R.map((r, k) => r + (t[Math.floor(k / 3)] * n[k % 3]) / d)), kInv)) : null;
  return { data, clean, normalised: throughK(data, kInv), isInlier, K, R, t, E, F, H };
}

function drawPoint(rng: Rng, structure: TwoViewOptions['structure']): number[] {
  if (structure === 'line') {
    const s = rng.next();
    return [-2 + 4 * s, -1 + 1.5 * s, 6 + 2 * s];
  }
  const x = -3 + 6 * rng.next(), y = -2 + 4 * rng.next();
  return [x, y, structure === 'planar' ? 7 + 0.3 * x - 0.2 * y : 5 + 5 * rng.next()];
}

/** Rotation by `angle` radians about the unit `axis` (Rodrigues' formula), 9 values row-major. */
export function rodrigues(axis: number[], angle: number): Float64Array {
  const k = skew3(axis), k2 = mul3(k, k);
  const s = Math.sin(angle), c = 1 - Math.cos(angle);
  return Float64Array.from({ length: 9 }, (_, i) => (i % 4 === 0 ? 1 : 0) + s * k[i] + c * k2[i]);
}

/** The rotation angle of Rᵀ S (degrees): the distance between two rotations. */
export function rotationErrorDegrees(r: ArrayLike<number>, s: ArrayLike<number>): number {
  const m = mul3(transpose3(r), s);
  return (Math.acos(Math.min(1, Math.max(-1, (m[0] + m[4] + m[8] - 1) / 2))) * 180) / Math.PI;
}

/** The angle between two 3-vectors, degrees. */
export function angleDegrees(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return (Math.acos(Math.min(1, Math.max(-1, dot / (Math.hypot(a[0], a[1], a[2]) * Math.hypot(b[0], b[1], b[2]))))) * 180) / Math.PI;
}

/** |⟨A, B⟩| / (‖A‖ ‖B‖): 1 when two matrices agree up to scale and sign. */
export function alignment(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < 9; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return Math.abs(ab) / Math.sqrt(aa * bb);
}

function throughK(data: Correspondences, kInv: Float64Array): Correspondences {
  const map = (p: Float64Array) => p.map((v, i) => (i % 2 === 0 ? kInv[0] * v + kInv[1] * p[i + 1] + kInv[2] : kInv[4] * v + kInv[5]));
  return { count: data.count, x1: map(data.x1), x2: map(data.x2) };
}
const inImage = (p: number[]) => p[0] >= 0 && p[0] < SYNTHETIC_IMAGE.width && p[1] >= 0 && p[1] < SYNTHETIC_IMAGE.height;
const project = (k: Float64Array, X: number[]) => [(k[0] * X[0] + k[1] * X[1]) / X[2] + k[2], (k[4] * X[1]) / X[2] + k[5]];
const mulVec = (m: ArrayLike<number>, v: number[]) => [0, 1, 2].map((i) => m[i * 3] * v[0] + m[i * 3 + 1] * v[1] + m[i * 3 + 2] * v[2]);
const scaleVec = (v: number[], s: number) => v.map((x) => x * s);
const normalise = (v: number[]) => scaleVec(v, 1 / Math.hypot(...v));
function unitNorm(m: Float64Array): Float64Array {
  const s = Math.hypot(...m);
  return m.map((x) => x / s);
}
