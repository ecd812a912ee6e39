import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spreadRatio, verifyPair } from './verifyPair.ts';
import { syntheticTwoView } from './syntheticTwoView.ts';

function recall(inliers: Uint8Array, truth: Uint8Array): number {
  let tp = 0, p = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i]) [p, tp] = [p + 1, tp + inliers[i]];
  return tp / p;
}

test('a general scene with intrinsics is calibrated, without them uncalibrated, with the true matches verified', () => {
  const scene = syntheticTwoView({ count: 200, outlierRatio: 0.3, noise: 0.7, seed: 50 });
  const calibrated = verifyPair(scene.data, { intrinsics: { K1: scene.K, K2: scene.K }, threshold: 2 });
  assert.equal(calibrated.configuration, 'calibrated');
  assert.ok(calibrated.essential && calibrated.runs.essential?.success);
  assert.ok(recall(calibrated.inliers, scene.isInlier) > 0.95 && calibrated.homographyInlierRatio < 0.5, `H/E ${calibrated.homographyInlierRatio}`);
  const uncalibrated = verifyPair(scene.data, { threshold: 2 });
  assert.equal(uncalibrated.configuration, 'uncalibrated');
  assert.equal(uncalibrated.runs.essential, undefined);
  assert.ok(uncalibrated.iterations > 0 && uncalibrated.inlierCount > 0.95 * 140);
});

test('a noisy planar scene is flagged planar-or-panoramic: F "fits" it, but H explains the same matches', () => {
  const scene = syntheticTwoView({ count: 200, outlierRatio: 0.3, noise: 0.7, seed: 51, structure: 'planar' });
  const pair = verifyPair(scene.data, { threshold: 2 });
  assert.equal(pair.runs.fundamental.success, true, 'F alone would have claimed a model');
  assert.equal(pair.configuration, 'planar-or-panoramic');
  assert.ok(pair.homographyInlierRatio > 0.8 && recall(pair.inliers, scene.isInlier) > 0.95);
});

test('noisy matches on a line, or random matches, are degenerate with no verified match', () => {
  const line = syntheticTwoView({ count: 60, seed: 52, structure: 'line', noise: 0.3 });
  const random = syntheticTwoView({ count: 60, seed: 53, outlierRatio: 1 });
  for (const data of [line.data, random.data]) {
    const pair = verifyPair(data, { threshold: 1, ransac: { maxIterations: 300 } });
    assert.equal(pair.configuration, 'degenerate');
    assert.equal(pair.inlierCount, 0);
  }
});

test('spreadRatio is 0 for collinear points and about 1 for an isotropic cloud', () => {
  const mask = new Uint8Array(4).fill(1);
  assert.equal(spreadRatio(new Float64Array([0, 0, 1, 1, 2, 2, 3, 3]), mask), 0);
  assert.ok(Math.abs(spreadRatio(new Float64Array([1, 0, 0, 1, -1, 0, 0, -1]), mask) - 1) < 1e-12);
});
