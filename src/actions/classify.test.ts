import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../store/collection.ts';
import { ingest } from './ingest.ts';
import { classifyImage, labelledSet } from './classify.ts';
import { combinedDescriptors } from './shared/combinedDescriptors.ts';
import { combinedKnn } from '../ann/combined.ts';
import { createImage } from '../core/image.ts';

let dir: string;
let collection: Collection;

/** Solid-colour 40×40 PNGs with a little gradient: label = colour name. */
async function photo(file: string, rgb: [number, number, number], shade: number): Promise<void> {
  const px = Buffer.alloc(40 * 40 * 3);
  for (let i = 0; i < 1600; i++) for (let c = 0; c < 3; c++) px[i * 3 + c] = Math.min(255, rgb[c] + ((i % 40) >> 2) * shade);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: 40, height: 40, channels: 3 } }).png().toFile(file);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-classify-action-'));
  for (let i = 0; i < 5; i++) {
    await photo(path.join(dir, 'src/red', `${i}.png`), [200, 30, 30], i);
    await photo(path.join(dir, 'src/green', `${i}.png`), [30, 180, 40], i);
  }
  collection = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(collection, [path.join(dir, 'src')], { encoders: ['tiny', 'lab-hist'], labelFromFolder: true, threads: 1 });
});

after(() => collection?.close());

test('a combined spec is searched in a space whose squared L2 distance is the combined distance of search and locate', async () => {
  const set = await labelledSet(collection, 'tiny+lab-hist:w=3,1');
  assert.equal(set.n, 10);
  assert.equal(set.dim, 3072 + 784);
  assert.deepEqual(set.classNames, ['green', 'red']);
  const combined = await combinedDescriptors(collection, 'tiny+lab-hist:w=3,1');
  assert.deepEqual(Array.from(set.photoIds), Array.from(combined.photoIds));
  const q = 4;
  const parts = combined.parts.map((p) => ({ ...p, query: p.data.subarray(q * p.dim, (q + 1) * p.dim) }));
  const viaSum = combinedKnn(parts, combined.n, combined.n);
  for (let j = 0; j < set.n; j++) {
    const row = viaSum.labels[j];
    let concat = 0;
    for (let d = 0; d < set.dim; d++) concat += (set.data[row * set.dim + d] - set.data[q * set.dim + d]) ** 2;
    // This fixture's tiny images are nearly identical (their scale is about 1e-12), so the float32
    // concatenation keeps only a few digits of their differences: agree within 5 %.
    assert.ok(Math.abs(concat - viaSum.distances[j]) < 0.05 * viaSum.distances[j] + 1e-6, `row ${row}: ${concat} vs ${viaSum.distances[j]}`);
  }
  // The weights are those of the spec: tiny counts three times its median share.
  const tinyScale = combined.parts[0].scale;
  let t = 0;
  for (let d = 0; d < 3072; d++) t += (set.data[d] - set.data[set.dim + d]) ** 2;
  let raw = 0;
  const tiny = combined.parts[0].data;
  for (let d = 0; d < 3072; d++) raw += (tiny[d] - tiny[3072 + d]) ** 2;
  assert.ok(Math.abs(t - (3 * raw) / tinyScale) < 0.05 * t, `${t} vs ${(3 * raw) / tinyScale}`);
});

test('a reddish query is labelled red with all of its 3 votes', async () => {
  const q = createImage(40, 40, 3);
  q.data.fill(0.75, 0, 1600);
  q.data.fill(0.15, 1600, 4800);
  for (let i = 0; i < 1600; i++) q.data[i] += (i % 40) * 0.002;
  const r = await classifyImage(collection, q, { encoder: 'lab-hist', k: 3 });
  assert.equal(r.label, 'red');
  assert.deepEqual(r.scores.map((s) => [s.label, s.votes]), [['red', 3]]);
  assert.equal(r.neighbours.length, 3);
});
