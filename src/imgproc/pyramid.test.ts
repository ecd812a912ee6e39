import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { collapseLaplacian, downsample2, gaussianPyramid, laplacianPyramid } from './pyramid.ts';

test('downsample2 keeps even rows and columns, rounding odd sides up', () => {
  const d = downsample2(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 3, 3);
  assert.deepEqual([d.width, d.height, ...d.data], [2, 2, 1, 3, 7, 9]);
});

test('gaussianPyramid halves each side per level and keeps a constant plane constant', () => {
  const pyr = gaussianPyramid(new Float32Array(37 * 20).fill(0.5), 37, 20, 4);
  assert.deepEqual(pyr.map((l) => [l.width, l.height]), [[37, 20], [19, 10], [10, 5], [5, 3]]);
  for (const l of pyr) for (const v of l.data) assert.ok(Math.abs(v - 0.5) < 1e-6);
});

test('gaussianPyramid stops when a side would fall below minSide', () => {
  assert.equal(gaussianPyramid(new Float32Array(64), 8, 8, 10, 1, 2).length, 3);
});

test('laplacianPyramid collapses back to the original plane', () => {
  const rng = new Rng(4);
  const w = 45, h = 30;
  const src = Float32Array.from({ length: w * h }, () => rng.next());
  const bands = laplacianPyramid(src, w, h, 4);
  assert.equal(bands.length, 4);
  const back = collapseLaplacian(bands);
  for (let i = 0; i < src.length; i++) assert.ok(Math.abs(back[i] - src[i]) < 1e-5, `${i}`);
});
