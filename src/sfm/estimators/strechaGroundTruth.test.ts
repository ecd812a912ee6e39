/**
 * A real-camera check: the ground-truth cameras of Strecha's fountain-P11 (../shared/data/strecha-mvs)
 * give the true E and F between two views; points projected through them satisfy our residuals, and
 * RANSAC with the 5-point solver recovers the true relative pose from noisy, contaminated projections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../core/rng.ts';
import { inverse3, mul3, mulVec3, skew3, transpose3 } from '../../math/mat3.ts';
import { svd } from '../../math/svd.ts';
import { createEssential5, normaliseByIntrinsics } from './essential5.ts';
import { fundamental8 } from './fundamental8.ts';
import { poseFromEssential } from './poseFromEssential.ts';
import { ransac } from './ransac.ts';
import { angleDegrees, rotationErrorDegrees } from './syntheticTwoView.ts';

const scene = path.resolve(import.meta.dirname, '../../../../shared/data/strecha-mvs/fountain-P11');
const skip = fs.existsSync(scene) ? false : 'needs ../shared/data/strecha-mvs';

/** One `NNNN.jpg.camera` file: K, distortion, R (camera-to-world), C, size (README.md of the scene set). */
function readCamera(name: string): { K: Float64Array; R: Float64Array; C: Float64Array; width: number; height: number } {
  const rows = fs.readFileSync(path.join(scene, 'gt_cameras', `${name}.jpg.camera`), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return {
    K: Float64Array.from(rows.slice(0, 3).flat()), R: nearestRotation(Float64Array.from(rows.slice(4, 7).flat())), C: Float64Array.from(rows[7]),
    width: rows[8][0], height: rows[8][1],
  };
}

/** U Vᵀ of the SVD: the files give R to 6 digits, so Rᵀ R = I only to ~1e-6 (5e-4 px at f = 1380). */
function nearestRotation(r: Float64Array): Float64Array {
  const { u, v } = svd(r, 3, 3);
  return mul3(u, transpose3(v));
}

/** Correspondences of random world points in front of both cameras (2–12 m from camera 1), some replaced by outliers. */
function projections(a: ReturnType<typeof readCamera>, b: ReturnType<typeof readCamera>, count: number, noise: number, outliers: number) {
  const rng = new Rng(3);
  const x1 = new Float64Array(2 * count), x2 = new Float64Array(2 * count), isInlier = new Uint8Array(count);
  const project = (cam: typeof a, world: Float64Array) => {
    const c = mulVec3(transpose3(cam.R), world.map((v, i) => v - cam.C[i]));
    const p = mulVec3(cam.K, c);
    return c[2] > 0 ? [p[0] / p[2], p[1] / p[2]] : null;
  };
  const inside = (p: number[] | null, cam: typeof a) => p !== null && p[0] >= 0 && p[0] < cam.width && p[1] >= 0 && p[1] < cam.height;
  const kInv = inverse3(a.K)!;
  for (let i = 0; i < count; i++) {
    let p1: number[] | null, p2: number[] | null;
    do {
      const ray = mulVec3(kInv, [rng.next() * a.width, rng.next() * a.height, 1]);
      const world = mulVec3(a.R, ray.map((v) => v * (2 + 10 * rng.next()))).map((v, k) => v + a.C[k]);
      [p1, p2] = [project(a, world), project(b, world)];
    } while (!inside(p1, a) || !inside(p2, b));
    const outlier = i < outliers * count;
    if (outlier) p2 = [rng.next() * b.width, rng.next() * b.height];
    isInlier[i] = outlier ? 0 : 1;
    x1.set([p1![0] + noise * rng.normal(), p1![1] + noise * rng.normal()], 2 * i);
    x2.set(outlier ? p2! : [p2![0] + noise * rng.normal(), p2![1] + noise * rng.normal()], 2 * i);
  }
  return { data: { count, x1, x2 }, isInlier };
}

/** The relative pose of camera b from camera a: X_b = R X_a + t with R = R_bᵀ R_a, t = R_bᵀ (C_a − C_b). */
function relativePose(a: ReturnType<typeof readCamera>, b: ReturnType<typeof readCamera>) {
  const R = mul3(transpose3(b.R), a.R);
  const t = mulVec3(transpose3(b.R), a.C.map((v, i) => v - b.C[i]));
  return { R, t, E: mul3(skew3(t), R) };
}

test('fountain-P11 ground truth: E = [t]ₓ R and F = K⁻ᵀ E K⁻¹ of views 4 and 5 give ~0 residuals on exact projections', { skip }, () => {
  const a = readCamera('0004'), b = readCamera('0005');
  const { E } = relativePose(a, b);
  const { data } = projections(a, b, 200, 0, 0);
  const out = new Float64Array(200);
  createEssential5({ K1: a.K, K2: b.K }).residuals(E, data, out);
  assert.ok(Math.max(...out) < 1e-12, `E via K: max squared Sampson distance ${Math.max(...out)} px²`);
  const F = mul3(mul3(transpose3(inverse3(b.K)!), E), inverse3(a.K)!);
  fundamental8.residuals(F, data, out);
  assert.ok(Math.max(...out) < 1e-12, `F: max squared Sampson distance ${Math.max(...out)} px²`);
});

test('fountain-P11: 5-point LO-RANSAC with the true K recovers the ground-truth relative pose of views 4 and 5 to 0.2°', { skip }, () => {
  const a = readCamera('0004'), b = readCamera('0005');
  const truth = relativePose(a, b);
  const { data, isInlier } = projections(a, b, 400, 0.7, 0.4);
  const intrinsics = { K1: a.K, K2: b.K };
  const report = ransac(createEssential5(intrinsics), data, { threshold: 2, seed: 4 });
  assert.ok(report.success);
  let agree = 0;
  for (let i = 0; i < 400; i++) agree += report.inliers[i] === isInlier[i] ? 1 : 0;
  assert.ok(agree > 0.97 * 400, `inlier mask agrees on ${agree} of 400`);
  const pose = poseFromEssential(report.model, normaliseByIntrinsics(data, intrinsics), report.inliers)!;
  const rotation = rotationErrorDegrees(pose.R, truth.R), direction = angleDegrees(pose.t, truth.t);
  assert.ok(rotation < 0.2 && rotation > 1e-4, `rotation error ${rotation}°`);
  assert.ok(direction < 2, `translation direction error ${direction}°`);
});
