/**
 * The incremental mapper with one camera per image on a synthetic scene whose cameras have different
 * focal lengths (zoomed tourist photos): each image starts from its own (EXIF-like) focal length, 10 %
 * off, and bundle adjustment refines each apart; and COLMAP's export lists one camera per image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { cameraErrors } from './cameraErrors.ts';
import { colmapModelOf } from './colmapModelOf.ts';
import { incrementalMapper, type MapperImage } from './incrementalMapper.ts';
import { syntheticScene } from './syntheticScene.ts';
import type { VerifiedPair } from './tracks.ts';

const trueF = [1000, 800, 1300, 900, 1200, 1100, 950, 1250];

function perImageProblem() {
  const scene = syntheticScene({ cameras: trueF.length, points: 600, noise: 0, seed: 4 });
  const rng = new Rng(12);
  const featureOf: Map<number, number>[] = trueF.map(() => new Map()), keypoints: number[][] = trueF.map(() => []);
  for (let o = 0; o < scene.obsCamera.length; o++) {
    const c = scene.obsCamera[o], f = trueF[c];
    featureOf[c].set(scene.obsPoint[o], keypoints[c].length / 4);
    const x = ((scene.obsClean[2 * o] - scene.K[2]) / 1000) * f + scene.K[2], y = ((scene.obsClean[2 * o + 1] - scene.K[5]) / 1000) * f + scene.K[5];
    keypoints[c].push(x + 0.5 * rng.normal(), y + 0.5 * rng.normal(), 2, 0);
  }
  const pairs: VerifiedPair[] = [];
  for (let i = 0; i < trueF.length; i++) {
    for (let j = i + 1; j < trueF.length; j++) {
      const m: number[] = [];
      for (const [point, fi] of featureOf[i]) {
        const fj = featureOf[j].get(point);
        if (fj !== undefined) m.push(fi, fj);
      }
      pairs.push({ i, j, matches: { count: m.length / 2, pairs: Int32Array.from(m) }, inliers: new Uint8Array(m.length / 2).fill(1), inlierCount: m.length / 2 });
    }
  }
  // Sizes differ too (what a shared camera refuses); the principal point stays at the centre.
  const images: MapperImage[] = keypoints.map((k, c) => ({ width: scene.width, height: scene.height, keypoints: Float32Array.from(k), focalLength: trueF[c] * (c % 2 ? 1.1 : 0.9) }));
  return { scene, images, pairs };
}

test('per-image cameras: every camera registers, each focal length within 2 % of its true value, sub-pixel error, one COLMAP camera per image', () => {
  const { scene, images, pairs } = perImageProblem();
  const r = incrementalMapper(images, pairs, { cameras: 'per-image' });
  assert.ok(r.success, r.reason ?? '');
  assert.equal(r.summary.registered, trueF.length, JSON.stringify(r.images.map((i) => i.reason)));
  assert.ok(r.cameras !== null && r.cameras.length === trueF.length);
  const fError = r.cameras.map((c, i) => Math.abs(c.params[0] / trueF[i] - 1));
  assert.ok(Math.max(...fError) < 0.02 && Math.max(...fError) > 1e-6, `relative f errors ${fError.map((e) => e.toFixed(4))}`);
  assert.ok(r.summary.meanReprojectionError > 0.2 && r.summary.meanReprojectionError < 1, `${r.summary.meanReprojectionError} px`);
  const e = cameraErrors(r.images.map((i) => i.pose!), scene.poses);
  assert.ok(e.rotation.max < 1, `rotation ${e.rotation.max}°`);
  const model = colmapModelOf(r, images.map((im) => im.keypoints), images.map((_, i) => `${i}.jpg`));
  assert.equal(model.cameras.length, trueF.length);
  assert.deepEqual(model.images.map((im) => im.cameraId), model.cameras.map((c) => c.id));
  assert.ok(Math.abs(model.cameras[2].params[0] / 1300 - 1) < 0.02, `camera 3 f ${model.cameras[2].params[0]}`);
});

test('a shared camera cannot fit these images as well as per-image cameras', () => {
  const { images, pairs } = perImageProblem();
  const shared = incrementalMapper(images.map(({ focalLength: _, ...im }) => im), pairs);
  const perImage = incrementalMapper(images, pairs, { cameras: 'per-image' });
  assert.equal(shared.cameras, null);
  const err = (r: typeof shared) => (r.success ? r.summary.meanReprojectionError : Infinity);
  assert.ok(err(shared) > 1.5 * err(perImage) || shared.summary.registered < perImage.summary.registered,
    `shared ${shared.summary.registered} registered, ${err(shared)} px; per-image ${perImage.summary.registered}, ${err(perImage)} px`);
});
