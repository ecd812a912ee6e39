/**
 * Synthetic multi-view scenes for the mapper, P3P and bundle-adjustment tests and benchmarks: random
 * points in a box about the origin, seen by cameras on an arc around it looking at the origin, with a
 * known K, projected with Gaussian pixel noise, a fraction of observations replaced by uniform outliers.
 */
import { Rng } from '../../core/rng.ts';
import { type CameraPose, projectPoint } from './cameraPose.ts';

/** What `syntheticScene` builds. */
export interface SyntheticScene {
  /** Shared intrinsics, 3 × 3 row-major (f = 1000 px, principal point at the image centre). */
  K: Float64Array;
  width: number;
  height: number;
  poses: CameraPose[];
  /** True points, `3 * pointCount` values (x, y, z interleaved). */
  points: Float64Array;
  pointCount: number;
  /** Observation o sees point obsPoint[o] from camera obsCamera[o] at obsPixel[2o], obsPixel[2o + 1]. */
  obsCamera: Int32Array;
  obsPoint: Int32Array;
  /** Noisy pixels (outliers included), `2 * observations`. */
  obsPixel: Float64Array;
  /** Noise-free pixels. */
  obsClean: Float64Array;
  /** 1 for an outlier observation. */
  obsOutlier: Uint8Array;
}

export interface SyntheticSceneOptions {
  cameras: number;
  points: number;
  /** Pixel noise, standard deviation per coordinate (default 0). */
  noise?: number;
  /** Fraction of observations replaced by a pixel at a uniform offset of 20 … 100 px (default 0). */
  outlierRatio?: number;
  seed?: number;
  /** The arc the camera centres span, degrees (default 60), at distance 8 from the origin. */
  arcDegrees?: number;
}

/**
 * A scene of `points` points in [−2, 2]³ seen by `cameras` cameras (every point in every camera that
 * sees it in front and inside the 1280 × 960 image).
 *
 * @example const scene = syntheticScene({ cameras: 8, points: 300, noise: 0.5, outlierRatio: 0.05, seed: 2 });
 */
export function syntheticScene(options: SyntheticSceneOptions): SyntheticScene {
  const { cameras, points: pointCount, noise = 0, outlierRatio = 0, seed = 1, arcDegrees = 60 } = options;
  const rng = new Rng(seed);
  const width = 1280, height = 960;
  const K = new Float64Array([1000, 0, 640, 0, 1000, 480, 0, 0, 1]);
  const poses: CameraPose[] = [];
  for (let c = 0; c < cameras; c++) {
    const a = ((cameras === 1 ? 0 : c / (cameras - 1) - 0.5) * arcDegrees * Math.PI) / 180;
    const centre = [8 * Math.sin(a), 0.5 * rng.normal(), -8 * Math.cos(a)];
    poses.push(lookAt(centre));
  }
  const points = new Float64Array(3 * pointCount);
  for (let i = 0; i < 3 * pointCount; i++) points[i] = -2 + 4 * rng.next();
  const cam: number[] = [], pt: number[] = [], pix: number[] = [], clean: number[] = [], outl: number[] = [];
  const p = new Float64Array(2);
  for (let j = 0; j < pointCount; j++) {
    for (let c = 0; c < cameras; c++) {
      const depth = projectPoint(K, poses[c], points[3 * j], points[3 * j + 1], points[3 * j + 2], p);
      if (depth <= 0 || p[0] < 0 || p[0] >= width || p[1] < 0 || p[1] >= height) continue;
      cam.push(c); pt.push(j); clean.push(p[0], p[1]);
      const isOutlier = rng.next() < outlierRatio;
      outl.push(isOutlier ? 1 : 0);
      if (isOutlier) {
        const r = 20 + 80 * rng.next(), phi = 2 * Math.PI * rng.next();
        pix.push(p[0] + r * Math.cos(phi), p[1] + r * Math.sin(phi));
      } else pix.push(p[0] + noise * rng.normal(), p[1] + noise * rng.normal());
    }
  }
  return {
    K, width, height, poses, points, pointCount, obsCamera: Int32Array.from(cam), obsPoint: Int32Array.from(pt),
    obsPixel: Float64Array.from(pix), obsClean: Float64Array.from(clean), obsOutlier: Uint8Array.from(outl),
  };
}

/** The camFromWorld pose of a camera at `centre` looking at the origin, y axis roughly down. */
function lookAt(centre: number[]): CameraPose {
  const z = normalise(centre.map((v) => -v));
  const x = normalise(cross([0, 1, 0], z));
  const y = cross(z, x);
  const R = Float64Array.from([...x, ...y, ...z]);
  const t = new Float64Array(3);
  for (let i = 0; i < 3; i++) t[i] = -(R[3 * i] * centre[0] + R[3 * i + 1] * centre[1] + R[3 * i + 2] * centre[2]);
  return { R, t };
}

const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalise = (v: number[]) => {
  const n = Math.hypot(v[0], v[1], v[2]);
  return v.map((x) => x / n);
};
