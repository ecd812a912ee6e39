import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTracks } from './tracks.ts';

const pair = (i: number, j: number, m: number[][], inliers = m.map(() => 1)) => ({
  i, j, matches: { count: m.length, pairs: Int32Array.from(m.flat()) }, inliers: Uint8Array.from(inliers), inlierCount: inliers.length,
});

test('buildTracks joins chains of inlier matches across three images into one track', () => {
  const t = buildTracks([3, 3, 3], [pair(0, 1, [[0, 2], [1, 0]]), pair(1, 2, [[2, 1]])]);
  assert.equal(t.count, 2);
  const k = t.featureTrack[0][0];
  assert.equal(t.offsets[k + 1] - t.offsets[k], 3);
  assert.equal(t.featureTrack[1][2], k);
  assert.equal(t.featureTrack[2][1], k);
  assert.equal(t.featureTrack[0][2], -1);
});

test('buildTracks ignores outlier matches and drops an image seen twice in one component', () => {
  const t = buildTracks([3, 3, 3], [pair(0, 1, [[0, 0], [1, 1]], [1, 0]), pair(1, 2, [[0, 0]]), pair(2, 0, [[0, 2]])]);
  // Component {0:0, 1:0, 2:0, 0:2} sees image 0 twice: image 0 leaves it, images 1 and 2 remain.
  assert.equal(t.count, 1);
  assert.equal(t.featureTrack[0][0], -1);
  assert.equal(t.featureTrack[0][2], -1);
  assert.equal(t.featureTrack[1][1], -1);
  assert.equal(t.featureTrack[1][0], 0);
});

test('mergeColocatedFeatures maps keypoints at one location to the first of them', async () => {
  const { mergeColocatedFeatures } = await import('./tracks.ts');
  const k0 = Float32Array.of(5, 5, 1, 0, 5, 5, 1, 2, 7, 8, 1, 0), k1 = Float32Array.of(1, 1, 1, 0, 2, 2, 1, 0, 2, 2, 1, 3);
  const [p] = mergeColocatedFeatures([k0, k1], 4, [pair(0, 1, [[1, 2], [2, 0]])]);
  assert.deepEqual(Array.from(p.matches.pairs), [0, 1, 2, 0]);
});
