import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { duplicatePairs } from './duplicatePairs.ts';

function pair(i: number, j: number, shift: (x: number, y: number) => [number, number], n = 100) {
  const rng = new Rng(i * 10 + j), a: number[] = [], b: number[] = [], m: number[] = [];
  for (let k = 0; k < n; k++) {
    const x = 1000 * rng.next(), y = 700 * rng.next(), [dx, dy] = shift(x, y);
    a.push(x, y, 2, 0);
    b.push(x + dx, y + dy, 2, 0);
    m.push(k, k);
  }
  return { keypoints: [Float32Array.from(a), Float32Array.from(b)], pair: { i: 0, j: 1, matches: { count: n, pairs: Int32Array.from(m) }, inliers: new Uint8Array(n).fill(1), inlierCount: n } };
}

test('a copy (matches at the same pixels, 0.3 px noise) is a duplicate pair; a view 30 px to the side is not', () => {
  const copy = pair(0, 1, () => [0.3, -0.2]);
  const [d] = duplicatePairs([copy.pair], copy.keypoints, 1000);
  assert.equal(d.inliers, 100);
  assert.ok(Math.abs(d.medianShift - Math.hypot(0.3, 0.2)) < 1e-3, `${d.medianShift}`);
  const moved = pair(0, 1, (x) => [30 + 0.02 * x, 0]);
  assert.deepEqual(duplicatePairs([moved.pair], moved.keypoints, 1000), []);
});

test('pairs with fewer inliers than minInliers are not judged', () => {
  const copy = pair(0, 1, () => [0, 0], 20);
  assert.deepEqual(duplicatePairs([copy.pair], copy.keypoints, 1000), []);
  assert.equal(duplicatePairs([copy.pair], copy.keypoints, 1000, { minInliers: 10 }).length, 1);
});
