import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { InvertedFile } from './invertedFile.ts';

/** ‖q − d‖₁ of two sparse vectors, by brute force over all words. */
function l1(words: number, a: { words: Int32Array; values: Float64Array }, b: { words: Int32Array; values: Float64Array }): number {
  const dense = (v: typeof a) => {
    const out = new Float64Array(words);
    v.words.forEach((w, t) => (out[w] = v.values[t]));
    return out;
  };
  const [x, y] = [dense(a), dense(b)];
  return x.reduce((s, v, i) => s + Math.abs(v - y[i]), 0);
}

test('the inverted-file score equals the brute-force L1 distance of the tf-idf vectors, nearest first', () => {
  const rng = new Rng(1), W = 50;
  const images = Array.from({ length: 12 }, () => Int32Array.from({ length: 5 + rng.int(40) }, () => rng.int(W)));
  const file = InvertedFile.build(W, images);
  const query = Int32Array.from({ length: 30 }, () => rng.int(W));
  const hits = file.score(query, 12);
  assert.equal(hits.length, 12);
  const q = file.vector(query);
  for (const h of hits) assert.ok(Math.abs(h.distance - l1(W, q, file.vector(images[h.image]))) < 1e-9, `image ${h.image}`);
  for (let t = 1; t < hits.length; t++) assert.ok(hits[t].distance >= hits[t - 1].distance);
  assert.ok(Math.abs(q.values.reduce((s, v) => s + v, 0) - 1) < 1e-12);
});

test('an image finds itself at distance 0, an image with no shared word is at 2, and exclude leaves the query out', () => {
  const images = [Int32Array.from([0, 1, 1, 2]), Int32Array.from([3, 4]), Int32Array.from([0, 1, 5])];
  const file = InvertedFile.build(6, images);
  const self = file.score(images[0], 1);
  assert.equal(self[0].image, 0);
  assert.ok(self[0].distance < 1e-12);
  const others = file.score(images[0], 5, 0);
  assert.deepEqual(others.map((h) => h.image), [2, 1]);
  assert.equal(others[1].distance, 2);
  assert.ok(others[0].distance > 0 && others[0].distance < 2);
  // Word weights are ln(N / Nᵢ): words 0 and 1 are in 2 of 3 images.
  assert.ok(Math.abs(file.weights[0] - Math.log(3 / 2)) < 1e-12 && Math.abs(file.weights[3] - Math.log(3)) < 1e-12);
});
