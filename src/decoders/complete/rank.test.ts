import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankCompletions } from './rank.ts';
import { combineSceneDistances, labThumbnail, smallest, thumbnailDistance, weightedDistances } from './sceneMatch.ts';
import { createImage } from '../../core/image.ts';

test('ranking normalises each term by its median so a term in large units does not dominate', () => {
  const ranked = rankCompletions([
    { item: 'a', terms: { scene: 1, context: 1000, seam: 10 } },
    { item: 'b', terms: { scene: 3, context: 900, seam: 10 } },
    { item: 'c', terms: { scene: 2, context: 2000, seam: 10 } },
  ]);
  assert.deepEqual(ranked.map((r) => r.item), ['a', 'b', 'c']);
  assert.equal(ranked[0].normalised.scene, 0.5);
  assert.ok(Math.abs(ranked[0].score - (0.5 + 1000 / 1000 + 1)) < 1e-12);
});

test('weighted distances ignore dimensions of zero weight', () => {
  const q = new Float32Array([1, 2, 3]);
  const data = new Float32Array([1, 2, 100, 0, 2, 3]);
  const d = weightedDistances(q, data, 2, 3, new Float32Array([1, 1, 0]));
  assert.deepEqual(Array.from(d), [0, 0.5]);
});

test('the thumbnail of a masked photo weights cells by their known fraction and ignores the hole', () => {
  const img = createImage(8, 8, 3);
  const mask = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    img.data[i] = i % 8 < 4 ? 20 : 80;
    if (i % 8 >= 6) (mask[i] = 1), (img.data[i] = 999);
  }
  const t = labThumbnail(img, mask, 2);
  assert.deepEqual(Array.from(t.weights), [1, 0.5, 1, 0.5]);
  assert.deepEqual(Array.from(t.values.subarray(0, 4)), [20, 80, 20, 80]);
  assert.equal(thumbnailDistance(t, t), 0);
  const combined = combineSceneDistances([1, 2, 3], [10, 10, 40]);
  assert.deepEqual(smallest(combined, 2), [0, 1]);
});

test('weighted distances over a row subset equal those of the full matrix for the same rows', () => {
  const data = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]);
  const all = weightedDistances(new Float32Array([1, 0]), data, 4, 2, new Float32Array([1, 1]));
  const some = weightedDistances(new Float32Array([1, 0]), data, 4, 2, new Float32Array([1, 1]), Int32Array.of(3, 1));
  assert.deepEqual(Array.from(some), [all[3], all[1]]);
});
