import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { syntheticScene, type SyntheticScene } from '../mapper/syntheticScene.ts';
import { registerImage } from '../mapper/registerImage.ts';
import type { CameraPose } from '../mapper/cameraPose.ts';
import { absolutePoseResiduals, createP3P, p3pKneip } from './p3p.ts';
import { rotationErrorDegrees } from './syntheticTwoView.ts';
import { createEstimator } from './registry.ts';

/** Camera c's 2D–3D correspondences: noisy (with outliers) or clean pixels. */
function matchesOf(scene: SyntheticScene, c: number, clean: boolean) {
  const idx: number[] = [];
  for (let o = 0; o < scene.obsCamera.length; o++) if (scene.obsCamera[o] === c) idx.push(o);
  const pix = clean ? scene.obsClean : scene.obsPixel;
  const x1 = Float64Array.from(idx.flatMap((o) => [pix[2 * o], pix[2 * o + 1]]));
  const x2 = Float64Array.from(idx.flatMap((o) => [0, 1, 2].map((d) => scene.points[3 * scene.obsPoint[o] + d])));
  return { count: idx.length, x1, x2, outlier: Uint8Array.from(idx.map((o) => scene.obsOutlier[o])) };
}

const poseError = (R: ArrayLike<number>, t: ArrayLike<number>, truth: CameraPose) => ({
  rotation: rotationErrorDegrees(R, truth.R),
  translation: Math.hypot(t[0] - truth.t[0], t[1] - truth.t[1], t[2] - truth.t[2]),
});

test('on noise-free data the true pose is among the P3P solutions of every random triple', () => {
  const scene = syntheticScene({ cameras: 6, points: 120, seed: 21 });
  const rng = new Rng(4);
  for (let c = 0; c < 6; c++) {
    const data = matchesOf(scene, c, true);
    const estimator = createP3P(scene.K);
    for (let trial = 0; trial < 20; trial++) {
      const sample = [rng.int(data.count), rng.int(data.count), rng.int(data.count)];
      if (new Set(sample).size < 3) continue;
      const models = estimator.estimate(data, sample, 3);
      assert.ok(models.length >= 1 && models.length <= 4, `${models.length} solutions`);
      const best = Math.min(...models.map((m) => {
        const e = poseError(m.subarray(0, 9), m.subarray(9), scene.poses[c]);
        return e.rotation + e.translation;
      }));
      assert.ok(best < 1e-4, `camera ${c}, sample ${sample}: ${best}`);
    }
  }
});

test('P3P returns no pose for collinear world points', () => {
  const f = [0, 0, 1, 0.1, 0, 0.995, 0, 0.1, 0.995];
  assert.deepEqual(p3pKneip(f, [0, 0, 5, 1, 0, 5, 2, 0, 5]), []);
});

test('the estimator is registered as p3p and its residuals are squared pixel errors', () => {
  const scene = syntheticScene({ cameras: 2, points: 40, seed: 2 });
  const data = matchesOf(scene, 1, true);
  const estimator = createEstimator('p3p', { intrinsics: { K1: scene.K, K2: scene.K } });
  assert.equal(estimator.minSamples, 3);
  const truth = Float64Array.from([...scene.poses[1].R, ...scene.poses[1].t]);
  truth[9] += 0.01; // 1 cm along x at depth ≈ 8: ≈ 1000 · 0.01 / 8 = 1.25 px
  const out = new Float64Array(data.count);
  absolutePoseResiduals(truth, scene.K, data, out);
  for (const r of out) assert.ok(Math.sqrt(r) > 0.9 && Math.sqrt(r) < 2, `${Math.sqrt(r)}`);
  assert.throws(() => createEstimator('p3p'), /expected intrinsics K/);
});

test('RANSAC-P3P registers each camera under 0.5 px noise and 30 % outliers', () => {
  const scene = syntheticScene({ cameras: 5, points: 300, noise: 0.5, outlierRatio: 0.3, seed: 8 });
  for (let c = 0; c < 5; c++) {
    const data = matchesOf(scene, c, false);
    const r = registerImage(data.x1, data.x2, scene.K, { seed: c + 1 });
    assert.ok(r.success, `camera ${c}`);
    const e = poseError(r.pose.R, r.pose.t, scene.poses[c]);
    assert.ok(e.rotation < 0.1, `camera ${c} rotation error ${e.rotation}°`);
    assert.ok(e.translation < 0.03, `camera ${c} translation error ${e.translation}`);
    assert.ok(e.rotation > 0, 'noise leaves some error');
    let wrong = 0;
    for (let i = 0; i < data.count; i++) if (r.inliers[i] && data.outlier[i]) wrong++;
    assert.ok(wrong <= 0.1 * data.count * 0.3, `${wrong} outliers kept`);
    assert.ok(r.meanError > 0.3 && r.meanError < 1.2, `mean inlier error ${r.meanError}`);
  }
});

test('registration with fewer than minInliers correspondences fails as a value', () => {
  const scene = syntheticScene({ cameras: 2, points: 20, seed: 3 });
  const data = matchesOf(scene, 0, true);
  const r = registerImage(data.x1, data.x2, scene.K);
  assert.equal(r.success, false);
  assert.equal(!r.success && r.reason, 'too-few-correspondences');
});
