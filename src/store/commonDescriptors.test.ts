import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { combinedScale } from '../ann/combined.ts';
import type { DescriptorMatrix } from './collection.ts';
import { commonDescriptorRows } from './commonDescriptors.ts';

/** A matrix whose row for photo id p is [p, p + 0.5, …]: each row says which photo it belongs to. */
function matrix(spec: string, dim: number, ids: number[]): DescriptorMatrix {
  const data = new Float32Array(ids.length * dim);
  ids.forEach((id, r) => {
    for (let d = 0; d < dim; d++) data[r * dim + d] = id + d / 2;
  });
  return { spec, dim, n: ids.length, data, photoIds: Int32Array.from(ids) };
}

test('the common rows are the photos in every matrix, in photo-id order, aligned across encoders', () => {
  const gist = matrix('gist', 3, [5, 2, 9, 7]);
  const tiny = matrix('tiny', 2, [9, 7, 5, 2]);
  const c = commonDescriptorRows([gist, tiny]);
  assert.deepEqual(Array.from(c.photoIds), [2, 5, 7, 9]);
  assert.equal(c.leftOut, 0);
  for (const part of c.parts) for (let r = 0; r < c.n; r++) assert.equal(part.data[r * part.dim], c.photoIds[r], `${part.spec} row ${r}`);
});

test('a photo missing from one encoder is left out, with a count', () => {
  const gist = matrix('gist', 3, [1, 2, 3, 4]);
  const tiny = matrix('tiny', 2, [4, 2, 1, 8]); // 3 has no tiny, 8 no gist
  const c = commonDescriptorRows([gist, tiny]);
  assert.deepEqual(Array.from(c.photoIds), [1, 2, 4]);
  assert.equal(c.leftOut, 2);
  // The filter applies before counting: among even photos, only 8 is left out.
  const even = commonDescriptorRows([gist, tiny], (id) => id % 2 === 0);
  assert.deepEqual(Array.from(even.photoIds), [2, 4]);
  assert.equal(even.leftOut, 1);
});

test('rows already in photo-id order are returned without a copy', () => {
  const gist = matrix('gist', 3, [1, 2, 3]);
  const c = commonDescriptorRows([gist]);
  assert.equal(c.parts[0].data.buffer, gist.data.buffer);
});

test('the common rows, and the scale over them, do not depend on the order the rows were written in', () => {
  const rng = new Rng(3);
  const ids = Array.from({ length: 200 }, (_, i) => 10 + 3 * i);
  const shuffled = [...ids];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  // Noise that belongs to the photo and the dimension, not to the row the photo was written to.
  const noisy = (m: DescriptorMatrix) => ({ ...m, data: m.data.map((v, i) => v + Math.sin(m.photoIds[Math.floor(i / m.dim)] * 12.9898 + (i % m.dim) * 78.233) * 40) });
  const a = commonDescriptorRows([noisy(matrix('gist', 4, ids))]);
  const b = commonDescriptorRows([noisy(matrix('gist', 4, shuffled))]);
  assert.deepEqual(a.parts[0].data, b.parts[0].data);
  assert.equal(combinedScale(a.parts[0].data, a.n, 4, 'l2'), combinedScale(b.parts[0].data, b.n, 4, 'l2'));
});
