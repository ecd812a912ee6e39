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

test('buildTracks ignores outlier matches and refuses a match that would put one image twice into a track', () => {
  const t = buildTracks([3, 3, 3], [pair(0, 1, [[0, 0], [1, 1]], [1, 0]), pair(1, 2, [[0, 0]]), pair(2, 0, [[0, 2]])]);
  // 0:0–1:0 and 1:0–2:0 form a track; 2:0–0:2 would add a second feature of image 0 to it: refused.
  assert.equal(t.count, 1);
  assert.equal(t.conflicts, 1);
  assert.equal(t.offsets[1] - t.offsets[0], 3);
  assert.deepEqual(Array.from(t.image), [0, 1, 2]);
  assert.deepEqual(Array.from(t.feature), [0, 0, 0]);
  assert.equal(t.featureTrack[0][2], -1);
  assert.equal(t.featureTrack[1][1], -1);
});

test('buildTracks follows the stronger pair first, so one wrong link splits two tracks instead of emptying them', () => {
  // Two true tracks over images 0–3: A = 0:0, 1:0, 2:0, 3:0 and B = 0:1, 1:1, 2:1, 3:1, from strong pairs;
  // a weak pair (2, 3) holds one wrong match 2:0–3:1 linking them.
  const strong = (i: number, j: number) => ({ ...pair(i, j, [[0, 0], [1, 1]]), inlierCount: 50 });
  const weak = { ...pair(2, 3, [[0, 1]]), inlierCount: 16 };
  const t = buildTracks([2, 2, 2, 2], [weak, strong(0, 1), strong(1, 2), strong(0, 3)]);
  assert.equal(t.count, 2);
  assert.equal(t.conflicts, 1);
  for (let k = 0; k < 2; k++) assert.deepEqual(Array.from(t.image.subarray(t.offsets[k], t.offsets[k + 1])), [0, 1, 2, 3]);
  assert.equal(t.featureTrack[3][1], t.featureTrack[0][1]);
  assert.notEqual(t.featureTrack[2][0], t.featureTrack[3][1]);
});

test('mergeColocatedFeatures maps keypoints at one location to the first of them', async () => {
  const { mergeColocatedFeatures } = await import('./tracks.ts');
  const k0 = Float32Array.of(5, 5, 1, 0, 5, 5, 1, 2, 7, 8, 1, 0), k1 = Float32Array.of(1, 1, 1, 0, 2, 2, 1, 0, 2, 2, 1, 3);
  const [p] = mergeColocatedFeatures([k0, k1], 4, [pair(0, 1, [[1, 2], [2, 0]])]);
  assert.deepEqual(Array.from(p.matches.pairs), [0, 1, 2, 0]);
});
