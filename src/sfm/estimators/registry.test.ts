import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDejaError } from '../../core/errors.ts';
import { createEstimator, ESTIMATOR_NAMES, ESTIMATORS } from './registry.ts';

test('every registry entry creates an estimator of its name and minimal sample size', () => {
  assert.deepEqual(ESTIMATOR_NAMES, ['fundamental8', 'fundamental7', 'essential5', 'homography4', 'p3p']);
  const K = [1000, 0, 640, 0, 1000, 480, 0, 0, 1];
  for (const name of ESTIMATOR_NAMES) {
    const estimator = createEstimator(name, { intrinsics: { K1: K, K2: K } });
    assert.equal(estimator.name, name);
    assert.equal(estimator.minSamples, ESTIMATORS[name].minSamples);
    assert.ok(ESTIMATORS[name].description.length > 10);
  }
});

test('an unknown estimator name is a DejaError that lists the valid names', () => {
  assert.throws(() => createEstimator('fundamental9'), (e) =>
    isDejaError(e) && e.code === 'UNKNOWN_NAME' && e.message === 'unknown estimator "fundamental9": must be one of [fundamental8, fundamental7, essential5, homography4, p3p]');
});
