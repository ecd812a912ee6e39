import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { cauchyLoss } from '../../math/robustLoss.ts';
import { rotationErrorDegrees } from '../estimators/syntheticTwoView.ts';
import { syntheticScene, type SyntheticScene } from '../mapper/syntheticScene.ts';
import { bundleAdjust } from './bundleAdjust.ts';
import { perturbedProblem } from './syntheticBundle.ts';

const worstRotationError = (scene: SyntheticScene, poses: { R: Float64Array }[]) =>
  Math.max(...poses.map((p, c) => rotationErrorDegrees(p.R, scene.poses[c].R)));

test('from perturbed poses, points and a 10 % wrong focal length, BA converges to the noise level and recovers f within 1 %', () => {
  const scene = syntheticScene({ cameras: 8, points: 400, noise: 0.5, seed: 31 });
  const problem = perturbedProblem(scene, 1);
  const ba = bundleAdjust(problem);
  assert.ok(ba.initialMeanError > 20, `initial error ${ba.initialMeanError}`);
  // E‖r‖ of 2D Gaussian noise with σ = 0.5 is σ √(π/2) ≈ 0.63, a little less after fitting.
  assert.ok(ba.meanError > 0.5 && ba.meanError < 0.68, `final mean error ${ba.meanError}`);
  assert.ok(Math.abs(ba.camera.f / 1000 - 1) < 0.01 && Math.abs(ba.camera.f / 1000 - 1) > 1e-6, `f ${ba.camera.f}`);
  assert.ok(Math.abs(ba.camera.k1) < 0.01, `k1 ${ba.camera.k1}`);
  assert.ok(worstRotationError(scene, ba.poses) < 0.15, `rotation error ${worstRotationError(scene, ba.poses)}°`);
  assert.ok(ba.finalCost < ba.initialCost / 100 && ba.iterations < 50, `${ba.iterations} iterations, reason ${ba.reason}`);
  assert.equal(ba.solver, 'cholesky');
  // Gauge: camera 0 did not move.
  assert.ok(ba.poses[0].t.every((v, i) => v === scene.poses[0].t[i]) && ba.poses[0].R.every((v, i) => v === scene.poses[0].R[i]));
});

test('radial distortion k1 = −0.08 in the images is recovered from k1 = 0 to within 0.005', () => {
  const scene = syntheticScene({ cameras: 8, points: 400, noise: 0.5, seed: 23 });
  const rng = new Rng(6);
  const k1 = -0.08, pixel = new Float64Array(scene.obsClean.length);
  for (let o = 0; o < pixel.length / 2; o++) {
    const u = (scene.obsClean[2 * o] - 640) / 1000, v = (scene.obsClean[2 * o + 1] - 480) / 1000;
    const d = 1 + k1 * (u * u + v * v);
    pixel[2 * o] = 1000 * d * u + 640 + 0.5 * rng.normal();
    pixel[2 * o + 1] = 1000 * d * v + 480 + 0.5 * rng.normal();
  }
  const problem = perturbedProblem(scene, 5);
  const ba = bundleAdjust({ ...problem, observations: { ...problem.observations, pixel } });
  assert.ok(Math.abs(ba.camera.k1 - k1) < 0.005, `k1 ${ba.camera.k1}`);
  assert.ok(Math.abs(ba.camera.f / 1000 - 1) < 0.01, `f ${ba.camera.f}`);
  assert.ok(ba.meanError > 0.5 && ba.meanError < 0.68, `final mean error ${ba.meanError}`);
});

test('with fixed calibration the true focal length stays and the error still reaches the noise level', () => {
  const scene = syntheticScene({ cameras: 6, points: 300, noise: 0.5, seed: 5 });
  const problem = perturbedProblem(scene, 2, 2, 0.03, 0.05, 1);
  const ba = bundleAdjust(problem, { refineFocalLength: false, refineK1: false });
  assert.equal(ba.camera.f, 1000);
  assert.equal(ba.camera.k1, 0);
  assert.ok(ba.meanError > 0.5 && ba.meanError < 0.68, `final mean error ${ba.meanError}`);
});

test('with 5 % outliers a Cauchy loss beats plain least squares on focal length and rotations', () => {
  const scene = syntheticScene({ cameras: 8, points: 400, noise: 0.5, outlierRatio: 0.05, seed: 17 });
  const problem = perturbedProblem(scene, 3);
  const plain = bundleAdjust(problem);
  const robust = bundleAdjust(problem, { loss: cauchyLoss(1) });
  const fErr = (f: number) => Math.abs(f / 1000 - 1);
  assert.ok(fErr(robust.camera.f) < 0.01, `robust f ${robust.camera.f}`);
  assert.ok(robust.medianError > 0.4 && robust.medianError < 0.7, `robust median error ${robust.medianError}`);
  assert.ok(plain.medianError > robust.medianError, `plain median ${plain.medianError}`);
  assert.ok(fErr(robust.camera.f) < fErr(plain.camera.f) / 2, `robust ${robust.camera.f} vs plain ${plain.camera.f}`);
  assert.ok(worstRotationError(scene, robust.poses) < worstRotationError(scene, plain.poses),
    `robust ${worstRotationError(scene, robust.poses)}° vs plain ${worstRotationError(scene, plain.poses)}°`);
});

test('the PCG solver reaches the same adjustment as Cholesky', () => {
  const scene = syntheticScene({ cameras: 5, points: 150, noise: 0.5, seed: 9 });
  const problem = perturbedProblem(scene, 4);
  const a = bundleAdjust(problem, { solver: 'cholesky' });
  const b = bundleAdjust(problem, { solver: 'pcg' });
  assert.equal(b.solver, 'pcg');
  assert.ok(b.pcgIterations > 0);
  assert.ok(Math.abs(a.meanError - b.meanError) < 1e-3, `${a.meanError} vs ${b.meanError}`);
  assert.ok(Math.abs(a.camera.f - b.camera.f) < 0.05, `${a.camera.f} vs ${b.camera.f}`);
});

test('cameras named in fixedCameras keep their poses exactly and replace the default gauge', () => {
  const scene = syntheticScene({ cameras: 6, points: 200, noise: 0.5, seed: 12 });
  const problem = perturbedProblem(scene, 6);
  problem.poses[3].R.set(scene.poses[3].R);
  problem.poses[3].t.set(scene.poses[3].t);
  const ba = bundleAdjust(problem, { fixedCameras: [0, 3] });
  for (const c of [0, 3]) assert.ok(ba.poses[c].t.every((v, i) => v === scene.poses[c].t[i]), `camera ${c}`);
  assert.ok(ba.meanError < 0.68, `final mean error ${ba.meanError}`);
  assert.ok(Math.abs(ba.poses[1].t[2] - problem.poses[1].t[2]) > 1e-6, 'camera 1 moves freely');
  assert.throws(() => bundleAdjust(problem, { fixedCameras: [7] }), /fixedCameras in \[0, 6\)/);
});

test('fewer than two cameras is refused', () => {
  const scene = syntheticScene({ cameras: 2, points: 10, seed: 1 });
  const problem = perturbedProblem(scene, 1);
  assert.throws(() => bundleAdjust({ ...problem, poses: problem.poses.slice(0, 1) }), /at least 2 cameras/);
});
