import { test } from 'node:test';
import assert from 'node:assert/strict';
import { det3 } from '../../math/mat3.ts';
import { fundamental8, fundamentalEightPoint, sampsonWeightedEightPoint } from './fundamental8.ts';
import { alignment, syntheticTwoView } from './syntheticTwoView.ts';

const first = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

test('the 8-point algorithm recovers the true F up to scale from 8 noise-free correspondences, epipolar residuals ~0', () => {
  for (const seed of [1, 2, 3]) {
    const scene = syntheticTwoView({ count: 40, seed });
    const models = fundamentalEightPoint(scene.clean, first(8), 8);
    assert.equal(models.length, 1);
    assert.ok(alignment(models[0], scene.F) > 1 - 1e-10, `seed ${seed}: alignment ${alignment(models[0], scene.F)}`);
    assert.ok(Math.abs(det3(models[0])) < 1e-12, 'rank 2');
    const out = new Float64Array(40);
    fundamental8.residuals(models[0], scene.clean, out);
    assert.ok(Math.max(...out) < 1e-12, `max squared Sampson error ${Math.max(...out)} px²`);
  }
});

test('the 8-point least-squares fit on 200 noisy correspondences (0.5 px) stays within a pixel of the epipolar geometry', () => {
  const scene = syntheticTwoView({ count: 200, noise: 0.5, seed: 4 });
  const [f] = fundamentalEightPoint(scene.data, first(200), 200);
  const out = new Float64Array(200);
  fundamental8.residuals(f, scene.clean, out);
  const rms = Math.sqrt(out.reduce((s, x) => s + x, 0) / 200);
  assert.ok(rms > 0.01 && rms < 0.5, `RMS Sampson distance of the clean points ${rms} px`);
});

test('coplanar or collinear 8-point samples give no model (their null space is larger than one)', () => {
  for (const structure of ['planar', 'line'] as const) {
    const scene = syntheticTwoView({ count: 20, seed: 5, structure });
    assert.deepEqual(fundamentalEightPoint(scene.clean, first(8), 8), [], structure);
    assert.deepEqual(fundamentalEightPoint(scene.clean, first(20), 20), [], `${structure}, 20 points`);
  }
});

test('coincident points give no model rather than NaN', () => {
  const data = { count: 8, x1: new Float64Array(16).fill(3), x2: new Float64Array(16).fill(5) };
  assert.deepEqual(fundamentalEightPoint(data, first(8), 8), []);
});

test('Sampson-weighted refits from a minimal-sample start converge to the cost of the linear fit on clean inliers', () => {
  const scene = syntheticTwoView({ count: 300, noise: 1, seed: 6, rotationDegrees: 20 });
  const all = first(300), out = new Float64Array(300);
  const cost = (f: Float64Array) => (fundamental8.residuals(f, scene.data, out), out.reduce((s, x) => s + x, 0) / 300);
  const [linear] = fundamentalEightPoint(scene.data, all, 300);
  let [f] = fundamentalEightPoint(scene.data, all, 8);
  const startCost = cost(f);
  for (let it = 0; it < 8; it++) [f] = sampsonWeightedEightPoint(f, scene.data, all, 300);
  assert.ok(Math.abs(cost(f) / cost(linear) - 1) < 1e-3 && startCost > 1.2 * cost(f), `start ${startCost}, weighted ${cost(f)}, linear ${cost(linear)} px²`);
  assert.ok(cost(f) > 0.2 && cost(f) < 2, `mean squared Sampson distance ${cost(f)} px² for 1 px noise`);
});
