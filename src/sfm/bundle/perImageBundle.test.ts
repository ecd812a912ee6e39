/**
 * Bundle adjustment with one SIMPLE_RADIAL camera per image (internet photos: many cameras, zooms):
 * each image's focal length refined apart, under a weak prior that holds what the images leave open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { cauchyLoss } from '../../math/robustLoss.ts';
import { syntheticScene } from '../mapper/syntheticScene.ts';
import { bundleAdjust } from './bundleAdjust.ts';
import { perturbedProblem } from './syntheticBundle.ts';

/** The scene's points seen by cameras of focal lengths trueF[c] (principal point 640, 480), with noise σ = 0.5 px. */
function perImageScene(trueF: number[], seed: number) {
  const scene = syntheticScene({ cameras: trueF.length, points: 400, noise: 0, seed });
  const rng = new Rng(seed + 1), pixel = new Float64Array(scene.obsClean.length);
  for (let o = 0; o < pixel.length / 2; o++) {
    const f = trueF[scene.obsCamera[o]];
    pixel[2 * o] = ((scene.obsClean[2 * o] - 640) / 1000) * f + 640 + 0.5 * rng.normal();
    pixel[2 * o + 1] = ((scene.obsClean[2 * o + 1] - 480) / 1000) * f + 480 + 0.5 * rng.normal();
  }
  const problem = perturbedProblem(scene, seed, 1, 0.02, 0.03, 1);
  return { scene, problem: { ...problem, observations: { ...problem.observations, pixel } } };
}

test('per-image cameras: from focal lengths 10 % off, each of 8 cameras (f 700 … 1400 px) is recovered within 1.5 % and the error reaches the noise level', () => {
  const trueF = [1000, 700, 1400, 900, 1200, 800, 1100, 1300];
  const { problem } = perImageScene(trueF, 41);
  const cameras = trueF.map((f, c) => ({ f: f * (c % 2 ? 1.1 : 0.9), cx: 640, cy: 480, k1: 0 }));
  const ba = bundleAdjust({ ...problem, cameras }, { loss: cauchyLoss(1), intrinsicsPrior: { sigmaF: 0.25, sigmaK1: 0.1 }, maxIterations: 100 });
  assert.ok(ba.cameras !== null && ba.cameras.length === 8);
  const worst = Math.max(...ba.cameras.map((c, i) => Math.abs(c.f / trueF[i] - 1)));
  assert.ok(worst < 0.015 && worst > 1e-6, `worst relative f error ${worst}`);
  assert.ok(ba.meanError > 0.5 && ba.meanError < 0.7, `final mean error ${ba.meanError}`);
  // The shared-camera model cannot fit these images.
  const shared = bundleAdjust({ ...problem, camera: cameras[0] }, { loss: cauchyLoss(1), maxIterations: 100 });
  assert.equal(shared.cameras, null);
  assert.ok(shared.meanError > 2 * ba.meanError, `shared ${shared.meanError} px vs per-image ${ba.meanError} px`);
});

test('the prior holds the focal length of a camera that sees too little to fix it, and lets a well-seen one move', () => {
  const trueF = [1000, 1000, 1000, 1000, 1000, 1000];
  const { problem } = perImageScene(trueF, 7);
  const cameras = trueF.map(() => ({ f: 1100, cx: 640, cy: 480, k1: 0 }));
  // Camera 5 keeps only 3 observations (6 residuals for 7 unknowns): its f is not determined by them.
  const keep: number[] = [];
  let seen5 = 0;
  for (let o = 0; o < problem.observations.camera.length; o++) if (problem.observations.camera[o] !== 5 || seen5++ < 3) keep.push(o);
  const observations = {
    camera: Int32Array.from(keep, (o) => problem.observations.camera[o]), point: Int32Array.from(keep, (o) => problem.observations.point[o]),
    pixel: Float64Array.from(keep.flatMap((o) => [problem.observations.pixel[2 * o], problem.observations.pixel[2 * o + 1]])),
  };
  const ba = bundleAdjust({ ...problem, observations, cameras }, { loss: cauchyLoss(1), intrinsicsPrior: { sigmaF: 0.05, sigmaK1: 0.05 }, maxIterations: 100 });
  assert.ok(Math.abs(ba.cameras![5].f / 1100 - 1) < 0.02, `under-constrained f ${ba.cameras![5].f}`);
  assert.ok(Math.abs(ba.cameras![2].f / 1000 - 1) < 0.03, `well-seen f ${ba.cameras![2].f}`);
  assert.ok(Math.abs(ba.cameras![5].k1) < 0.05, `k1 ${ba.cameras![5].k1}`);
});
