import { test } from 'node:test';
import assert from 'node:assert/strict';
import { det3, mul3, transpose3 } from '../../math/mat3.ts';
import { createEssential5, essential5, essentialFivePoint, normaliseByIntrinsics } from './essential5.ts';
import { decomposeEssential, poseFromEssential } from './poseFromEssential.ts';
import { alignment, angleDegrees, rotationErrorDegrees, syntheticTwoView } from './syntheticTwoView.ts';

const first = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

test('the 5-point solver returns at most 10 essential matrices through the sample, one of them the true E', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const scene = syntheticTwoView({ count: 30, seed });
    const models = essential5.estimate(scene.normalised, first(5), 5);
    assert.ok(models.length >= 1 && models.length <= 10, `seed ${seed}: ${models.length} solutions`);
    const out = new Float64Array(30);
    for (const e of models) {
      essential5.residuals(e, scene.normalised, out);
      assert.ok(Math.max(...out.subarray(0, 5)) < 1e-18, 'each solution passes through the 5 sampled correspondences');
      const eet = mul3(e, transpose3(e));
      const trace = eet[0] + eet[4] + eet[8];
      const cubic = mul3(eet, e).map((x, i) => 2 * x - trace * e[i]);
      // the 10th-degree polynomial route loses some digits: measured up to ~1e-8 on these seeds
      assert.ok(Math.abs(det3(e)) < 1e-7 && Math.max(...cubic.map(Math.abs)) < 1e-7, 'det E = 0 and 2 E Eᵀ E − tr(E Eᵀ) E = 0');
    }
    const best = Math.max(...models.map((e) => alignment(e, scene.E)));
    assert.ok(best > 1 - 1e-9, `seed ${seed}: best alignment ${best}`);
  }
});

test('the true E decomposes into four poses and the cheirality check picks the true R and t direction', () => {
  const scene = syntheticTwoView({ count: 60, seed: 11 });
  const candidates = decomposeEssential(scene.E);
  assert.equal(candidates.length, 4);
  const pose = poseFromEssential(scene.E, scene.normalised)!;
  assert.equal(pose.inFrontCount, 60);
  assert.ok(rotationErrorDegrees(pose.R, scene.R) < 1e-9, `rotation error ${rotationErrorDegrees(pose.R, scene.R)}°`);
  assert.ok(angleDegrees(pose.t, scene.t) < 1e-7, `translation direction error ${angleDegrees(pose.t, scene.t)}°`);
  const others = candidates.filter((c) => rotationErrorDegrees(c.R, scene.R) > 1 || angleDegrees(c.t, scene.t) > 1);
  assert.equal(others.length, 3, 'the other three candidates differ from the truth');
});

test('the 5-point solution that fits all correspondences (as RANSAC picks it) gives the true relative pose', () => {
  const scene = syntheticTwoView({ count: 40, seed: 12 });
  const out = new Float64Array(40);
  const fit = (e: Float64Array) => (essential5.residuals(e, scene.normalised, out), out.reduce((s, x) => s + x, 0));
  const best = essential5.estimate(scene.normalised, first(5), 5).reduce((a, b) => (fit(b) < fit(a) ? b : a));
  const pose = poseFromEssential(best, scene.normalised)!;
  assert.equal(pose.inFrontCount, 40);
  assert.ok(rotationErrorDegrees(pose.R, scene.R) < 1e-6 && angleDegrees(pose.t, scene.t) < 1e-5);
});

test('with intrinsics the 5-point estimator takes pixels and its residuals are pixel Sampson distances', () => {
  const scene = syntheticTwoView({ count: 50, seed: 13, noise: 0.5 });
  const pixel = createEssential5({ K1: scene.K, K2: scene.K });
  const models = pixel.estimate(scene.clean, first(5), 5);
  assert.ok(models.some((e) => alignment(e, scene.E) > 1 - 1e-9));
  const out = new Float64Array(50);
  pixel.residuals(scene.E, scene.data, out);
  const rms = Math.sqrt(out.reduce((s, x) => s + x, 0) / 50);
  assert.ok(rms > 0.2 && rms < 0.8, `RMS Sampson distance ${rms} px for 0.5 px noise per coordinate`);
  const normalised = new Float64Array(50);
  essential5.residuals(scene.E, normaliseByIntrinsics(scene.data, { K1: scene.K, K2: scene.K }), normalised);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(normalised[i] * 1e6 - out[i]) <= 1e-6 + 1e-9 * out[i], 'normalised residual × f² = pixel residual');
});

test('the non-minimal 5-point fit on 30 noise-free correspondences includes the true E, as does its 8-point candidate', () => {
  const scene = syntheticTwoView({ count: 30, seed: 14 });
  const p = scene.normalised;
  const models = essentialFivePoint(p.x1, p.x2, 30);
  assert.ok(alignment(models[models.length - 1], scene.E) > 1 - 1e-10, 'the 8-point candidate');
  assert.ok(models.slice(0, -1).some((e) => alignment(e, scene.E) > 1 - 1e-9), 'a 5-point candidate');
});

test('collinear 5-point samples give no model', () => {
  const scene = syntheticTwoView({ count: 10, seed: 5, structure: 'line' });
  assert.deepEqual(essential5.estimate(scene.normalised, first(5), 5), []);
});
