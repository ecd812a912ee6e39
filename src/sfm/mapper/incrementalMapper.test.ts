/**
 * The incremental mapper on a synthetic scene (`syntheticScene`: cameras on a 60° arc around a cube
 * of points, f = 1000 px, 0.5 px noise): feature i of a camera is its i-th observation, and every pair
 * of cameras gets the matches of the points both see, with a few wrong matches marked as inliers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { cameraErrors } from './cameraErrors.ts';
import { incrementalMapper, type MapperImage } from './incrementalMapper.ts';
import { syntheticScene } from './syntheticScene.ts';
import type { VerifiedPair } from './tracks.ts';

function problem(cameras: number, wrongPerPair: number) {
  const scene = syntheticScene({ cameras, points: 600, noise: 0.5, seed: 4 });
  const featureOf: Map<number, number>[] = Array.from({ length: cameras }, () => new Map());
  const keypoints: number[][] = Array.from({ length: cameras }, () => []);
  for (let o = 0; o < scene.obsCamera.length; o++) {
    const c = scene.obsCamera[o];
    featureOf[c].set(scene.obsPoint[o], keypoints[c].length / 4);
    keypoints[c].push(scene.obsPixel[2 * o], scene.obsPixel[2 * o + 1], 2, 0);
  }
  const rng = new Rng(9), pairs: VerifiedPair[] = [];
  for (let i = 0; i < cameras; i++) {
    for (let j = i + 1; j < cameras; j++) {
      const m: number[] = [];
      for (const [point, fi] of featureOf[i]) {
        const fj = featureOf[j].get(point);
        if (fj !== undefined) m.push(fi, fj);
      }
      for (let w = 0; w < wrongPerPair; w++) m.push(Math.floor(rng.next() * featureOf[i].size), Math.floor(rng.next() * featureOf[j].size));
      pairs.push({ i, j, matches: { count: m.length / 2, pairs: Int32Array.from(m) }, inliers: new Uint8Array(m.length / 2).fill(1), inlierCount: m.length / 2 });
    }
  }
  const images: MapperImage[] = keypoints.map((k) => ({ width: scene.width, height: scene.height, keypoints: Float32Array.from(k) }));
  return { scene, images, pairs };
}

test('incrementalMapper registers every camera of a synthetic scene with known K, to 0.1° and sub-pixel error', () => {
  const { scene, images, pairs } = problem(8, 5);
  const r = incrementalMapper(images, pairs, { cameraModel: 'pinhole', K: scene.K });
  assert.ok(r.success, r.reason ?? '');
  assert.equal(r.summary.registered, 8, JSON.stringify(r.images.map((i) => i.reason)));
  // Wrong matches merge tracks, and a merged track that sees an image twice loses it: ~370 of 600 remain.
  assert.ok(r.summary.points > 300, `${r.summary.points} points`);
  assert.ok(r.summary.meanReprojectionError > 0.2 && r.summary.meanReprojectionError < 1, `${r.summary.meanReprojectionError} px`);
  const e = cameraErrors(r.images.map((i) => i.pose!), scene.poses);
  assert.ok(e.rotation.max < 0.1, `rotation ${e.rotation.max}°`);
  assert.ok(e.position.max < 0.02 * 8, `position ${e.position.max}`);
  assert.equal(r.registrations.length, 8);
});

test('incrementalMapper with simple-radial recovers the focal length from the 1.2 × max(w, h) guess', () => {
  const { scene, images, pairs } = problem(8, 0);
  const r = incrementalMapper(images, pairs, { cameraModel: 'simple-radial' });
  assert.equal(r.summary.registered, 8);
  assert.equal(r.camera.model, 'SIMPLE_RADIAL');
  assert.ok(Math.abs(r.camera.params[0] / scene.K[0] - 1) < 0.02, `f ${r.camera.params[0]} vs ${scene.K[0]}`);
});

test('incrementalMapper reports images with no verified pair as unregistered, with the reason', () => {
  const { scene, images, pairs } = problem(5, 0);
  const lonely = { width: scene.width, height: scene.height, keypoints: images[0].keypoints };
  const r = incrementalMapper([...images, lonely], pairs, { cameraModel: 'pinhole', K: scene.K });
  assert.equal(r.summary.registered, 5);
  assert.equal(r.images[5].registered, false);
  assert.match(r.images[5].reason ?? '', /no verified pair/);
});
