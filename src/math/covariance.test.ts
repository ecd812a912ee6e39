import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { covariance } from './covariance.ts';

test('covariance of two points (0, 0) and (2, 2) around (1, 1) is [[2, 2], [2, 2]]', () => {
  const c = covariance(new Float32Array([0, 0, 2, 2]), 2, new Int32Array([0, 1]), new Float64Array([1, 1]));
  assert.deepEqual(Array.from(c), [2, 2, 2, 2]);
});

test('covariance matches the direct double sum on a subset of random rows', () => {
  const rng = new Rng(3);
  const n = 40, dim = 7;
  const data = Float32Array.from({ length: n * dim }, () => rng.normal());
  const rows = new Int32Array([1, 4, 5, 9, 20, 33, 39]);
  const mean = new Float64Array(dim);
  for (const r of rows) for (let t = 0; t < dim; t++) mean[t] += data[r * dim + t] / rows.length;
  const c = covariance(data, dim, rows, mean);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (const r of rows) s += (data[r * dim + i] - mean[i]) * (data[r * dim + j] - mean[j]);
      assert.ok(Math.abs(c[i * dim + j] - s / (rows.length - 1)) < 1e-5, `C[${i}][${j}]`);
    }
  }
});
