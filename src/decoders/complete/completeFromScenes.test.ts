import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, crop, type Image } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { completeFromScenes } from './completeFromScenes.ts';

function scene(w: number, h: number, seed: number): Image {
  const rng = new Rng(seed);
  const img = createImage(w, h, 3);
  const f = [0.05 + 0.1 * rng.next(), 0.05 + 0.1 * rng.next(), rng.next() * 6];
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = 0.5 + 0.3 * Math.sin(f[0] * x + f[2] + c) * Math.cos(f[1] * y) + 0.03 * rng.next();
  return img;
}

test('the scene the query was cut from ranks first and fills the hole almost exactly', () => {
  // Scenes are rescaled to cover the query, so a same-size source is placed at factor 1, offset 0.
  const source = scene(72, 72, 1);
  const query = crop(source, 0, 0, 72, 72);
  const mask = new Uint8Array(72 * 72);
  for (let y = 26; y < 46; y++) for (let x = 24; x < 48; x++) mask[y * 72 + x] = 1;
  // Scribble over the hole so nothing of it leaks.
  for (let i = 0; i < mask.length; i++) if (mask[i]) for (let c = 0; c < 3; c++) query.data[c * 72 * 72 + i] = 1;
  const candidates = [2, 3, 4, 5].map((s) => ({ id: s, image: scene(72, 72, s), sceneDistance: 1 }));
  candidates.push({ id: 1, image: source, sceneDistance: 1 });
  // nearCopySsd 0: keep the copy, to check that placement finds it exactly.
  const out = completeFromScenes(query, mask, candidates, { k: 3, bandRadius: 8, nearCopySsd: 0 });
  assert.equal(out.length, 3);
  assert.equal(out[0].id, 1);
  assert.deepEqual([out[0].placement.factor, out[0].placement.dx, out[0].placement.dy], [1, 0, 0]);
  assert.ok(out[0].score <= out[1].score);
  const truth = source;
  let err = 0;
  let n = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < mask.length; i++)
      if (mask[i]) {
        err += Math.abs(out[0].image.data[c * 72 * 72 + i] - truth.data[c * 72 * 72 + i]);
        n++;
      }
  assert.ok(err / n < 0.02, `mean abs error in the hole ${err / n}`);
});

test('by default the photo itself (a copy of the query in the collection) is left out and reported', () => {
  const source = scene(72, 72, 1);
  const query = crop(source, 0, 0, 72, 72);
  const mask = new Uint8Array(72 * 72);
  for (let y = 26; y < 46; y++) for (let x = 24; x < 48; x++) mask[y * 72 + x] = 1;
  const candidates = [2, 3, 4, 5].map((s) => ({ id: s, image: scene(72, 72, s), sceneDistance: 1 }));
  candidates.push({ id: 1, image: source, sceneDistance: 0 });
  const copies: number[] = [];
  const out = completeFromScenes(query, mask, candidates, { k: 5, bandRadius: 8, onNearCopy: (id) => copies.push(id) });
  assert.deepEqual(copies, [1]);
  assert.deepEqual(out.map((c) => c.id).sort(), [2, 3, 4, 5]);
});
