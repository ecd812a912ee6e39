import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmaxClass, knnPredict, knnScores } from './knnVote.ts';

test('uniform voting counts neighbours and the scores sum to 1', () => {
  const s = knnScores(Int32Array.of(1, 0, 1, 2), Float32Array.of(1, 2, 3, 4), 4, 3, 'uniform');
  assert.deepEqual(Array.from(s), [0.25, 0.5, 0.25]);
});

test('distance weighting lets one very near neighbour outvote two far ones', () => {
  const cls = Int32Array.of(0, 1, 1);
  const d = Float32Array.of(0.1, 5, 5.2);
  assert.equal(argmaxClass(knnScores(cls, d, 3, 2, 'uniform'), cls, 3), 1);
  assert.equal(argmaxClass(knnScores(cls, d, 3, 2, 'inverse'), cls, 3), 0);
  const kernel = knnScores(cls, d, 3, 2, 'kernel');
  assert.equal(argmaxClass(kernel, cls, 3), 0);
  assert.ok(kernel[0] > 0.5 && kernel[0] < 0.9, `kernel score ${kernel[0]}`);
});

test('a tie goes to the class of the nearest neighbour', () => {
  const cls = Int32Array.of(2, 0, 0, 2);
  const s = knnScores(cls, Float32Array.of(1, 1, 1, 1), 4, 3, 'uniform');
  assert.equal(argmaxClass(s, cls, 4), 2);
});

test('missing neighbours (−1) do not vote, and no neighbour at all predicts −1', () => {
  const cls = Int32Array.of(1, -1, -1);
  const s = knnScores(cls, Float32Array.of(0.5, Infinity, Infinity), 3, 2, 'kernel');
  assert.deepEqual(Array.from(s), [0, 1]);
  const none = Int32Array.of(-1);
  assert.equal(argmaxClass(knnScores(none, Float32Array.of(Infinity), 1, 2, 'uniform'), none, 1), -1);
});

test('knnPredict maps neighbour rows through their classes for every query and respects k', () => {
  // 2 queries, 3 neighbours stored each; rows 0..3 have classes [0, 1, 1, 0].
  const rows = Int32Array.of(0, 1, 2, 3, 1, 0);
  const dist = Float32Array.of(1, 2, 3, 1, 2, 3);
  const rowClass = Int32Array.of(0, 1, 1, 0);
  assert.deepEqual(Array.from(knnPredict(rows, dist, 2, 3, rowClass, 2, 1, 'uniform')), [0, 0]);
  assert.deepEqual(Array.from(knnPredict(rows, dist, 2, 3, rowClass, 2, 3, 'uniform')), [1, 0]);
});
