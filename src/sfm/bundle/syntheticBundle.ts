/**
 * Bundle-adjustment problems for tests and benchmarks: a synthetic scene's truth, perturbed.
 */
import { Rng } from '../../core/rng.ts';
import { rotationFromAngleAxis } from '../../math/angleAxis.ts';
import type { SyntheticScene } from '../mapper/syntheticScene.ts';
import type { BundleProblem } from './bundleAdjust.ts';

/**
 * The scene's cameras turned by rotDeg degrees about a random axis, moved by ~transFrac of their distance (camera 0 kept),
 *  points moved by Gaussian noise of pointNoise per coordinate, and the focal length scaled by focalScale.
 *
 * @example const problem = perturbedProblem(syntheticScene({ cameras: 10, points: 2000, noise: 0.5 }), 1);
 */
export function perturbedProblem(scene: SyntheticScene, seed: number, rotDeg = 2, transFrac = 0.03, pointNoise = 0.05, focalScale = 1.1): BundleProblem {
  const rng = new Rng(seed);
  const poses = scene.poses.map((p, c) => {
    if (c === 0) return { R: p.R.slice(), t: p.t.slice() };
    const w = [rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...w), a = (rotDeg * Math.PI) / 180;
    const e = rotationFromAngleAxis(w.map((x) => (x / n) * a));
    const R = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) R[3 * r + k] = e[3 * r] * p.R[k] + e[3 * r + 1] * p.R[3 + k] + e[3 * r + 2] * p.R[6 + k];
    const scale = transFrac * Math.hypot(p.t[0], p.t[1], p.t[2]);
    return { R, t: p.t.map((v) => v + scale * rng.normal() / Math.sqrt(3)) };
  });
  const points = scene.points.map((v) => v + pointNoise * rng.normal());
  return {
    poses, points, camera: { f: scene.K[0] * focalScale, cx: scene.K[2], cy: scene.K[5], k1: 0 },
    observations: { camera: scene.obsCamera, point: scene.obsPoint, pixel: scene.obsPixel },
  };
}

