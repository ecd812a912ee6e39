import { test } from 'node:test';
import assert from 'node:assert/strict';
import { det3 } from '../../math/mat3.ts';
import { fundamental7, fundamentalSevenPoint } from './fundamental7.ts';
import { alignment, syntheticTwoView } from './syntheticTwoView.ts';

const first = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

test('the 7-point algorithm returns 1 or 3 rank-2 solutions through the sample, one of them the true F', () => {
  const counts = new Set<number>();
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const scene = syntheticTwoView({ count: 30, seed });
    const models = fundamentalSevenPoint(scene.clean, first(7), 7);
    counts.add(models.length);
    assert.ok(models.length === 1 || models.length === 3, `seed ${seed}: ${models.length} solutions`);
    const out = new Float64Array(30);
    for (const f of models) {
      assert.ok(Math.abs(det3(f)) < 1e-10, `det ${det3(f)}`);
      fundamental7.residuals(f, scene.clean, out);
      assert.ok(Math.max(...out.subarray(0, 7)) < 1e-10, 'each solution passes through the 7 sampled correspondences');
    }
    const best = Math.max(...models.map((f) => alignment(f, scene.F)));
    assert.ok(best > 1 - 1e-9, `seed ${seed}: best alignment ${best}`);
  }
  assert.ok(counts.has(3), "the cubic has three real roots for some of these samples");
});

test('with more than 7 correspondences the 7-point estimator is the 8-point least-squares fit', () => {
  const scene = syntheticTwoView({ count: 30, seed: 8 });
  const models = fundamentalSevenPoint(scene.clean, first(30), 30);
  assert.equal(models.length, 1);
  assert.ok(alignment(models[0], scene.F) > 1 - 1e-10);
});

test('coplanar 7-point samples give no model', () => {
  const scene = syntheticTwoView({ count: 20, seed: 5, structure: 'planar' });
  assert.deepEqual(fundamentalSevenPoint(scene.clean, first(7), 7), []);
});
