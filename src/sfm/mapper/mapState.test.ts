import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeTracks, createMapState, pointCounts, retriangulate } from './mapState.ts';
import { syntheticScene } from './syntheticScene.ts';
import type { Tracks } from './tracks.ts';

/** A noise-free scene as mapper state: one track per point, every camera registered at its true pose. */
function registeredScene(moved: { point: number; camera: number }) {
  const scene = syntheticScene({ cameras: 4, points: 60, seed: 3 });
  const features = [0, 0, 0, 0], pixels: number[][] = [[], [], [], []];
  const offsets = [0], image: number[] = [], feature: number[] = [];
  for (let o = 0; o < scene.obsPoint.length; o++) {
    const c = scene.obsCamera[o], j = scene.obsPoint[o];
    if (o > 0 && scene.obsPoint[o - 1] !== j) offsets.push(image.length);
    const shift = j === moved.point && c === moved.camera ? 40 : 0;
    image.push(c);
    feature.push(features[c]++);
    pixels[c].push(scene.obsPixel[2 * o] + shift, scene.obsPixel[2 * o + 1]);
  }
  offsets.push(image.length);
  const featureTrack = features.map((n) => new Int32Array(n).fill(-1));
  for (let k = 0; k + 1 < offsets.length; k++) for (let o = offsets[k]; o < offsets[k + 1]; o++) featureTrack[image[o]][feature[o]] = k;
  const tracks: Tracks = { count: offsets.length - 1, offsets: Int32Array.from(offsets), image: Int32Array.from(image), feature: Int32Array.from(feature), featureTrack, conflicts: 0 };
  const state = createMapState(tracks, pixels.map((p) => Float64Array.from(p)), { f: 1000, cx: 640, cy: 480, k1: 0 });
  scene.poses.forEach((pose, c) => {
    state.poses[c] = pose;
    state.order.push(c);
  });
  return { state, tracks, moved };
}

test('completeTracks re-admits the observations that fit their point and leaves a misplaced one out', () => {
  const { state, tracks, moved } = registeredScene({ point: 5, camera: 3 });
  const th = { maxReprojectionError: 4, minTriangulationAngle: 1 };
  assert.equal(retriangulate(state, th), tracks.count);
  const full = pointCounts(state).observations;
  // Image 3's observations left out, as a filter under an earlier pose would have left them.
  let removed = 0;
  for (let o = 0; o < tracks.image.length; o++) if (tracks.image[o] === 3 && state.active[o]) (state.active[o] = 0), removed++;
  assert.ok(removed > 40);
  const joined = completeTracks(state, th);
  assert.equal(joined, removed);
  assert.equal(pointCounts(state).observations, full);
  // The keypoint moved by 40 px was never part of its point and is not re-admitted.
  const o = Array.from({ length: tracks.offsets[moved.point + 1] - tracks.offsets[moved.point] }, (_, k) => tracks.offsets[moved.point] + k).find((x) => tracks.image[x] === moved.camera)!;
  assert.equal(state.active[o], 0);
  assert.equal(completeTracks(state, th), 0);
});
