import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../core/rng.ts';
import { isDejaError } from '../core/errors.ts';
import { exactKnn } from '../ann/flat.ts';
import { pcaProject, trainPca } from '../ann/pca.ts';
import { Collection } from '../store/collection.ts';
import { ingest } from './ingest.ts';
import { labelledSet } from './classify.ts';

let dir: string;
let collection: Collection;

/** 40×40 PNG of a colour with a horizontal ramp of `shade` per 4 pixels and a seeded speckle. */
async function photo(file: string, rgb: [number, number, number], shade: number, rng: Rng): Promise<void> {
  const px = Buffer.alloc(40 * 40 * 3);
  for (let i = 0; i < 1600; i++) for (let c = 0; c < 3; c++) px[i * 3 + c] = Math.min(255, rgb[c] + ((i % 40) >> 2) * shade + rng.int(40));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: 40, height: 40, channels: 3 } }).png().toFile(file);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-classify-pca-'));
  const rng = new Rng(3);
  for (let i = 0; i < 6; i++) {
    await photo(path.join(dir, 'src/red', `${i}.png`), [180, 30, 30], i, rng);
    await photo(path.join(dir, 'src/green', `${i}.png`), [30, 160, 40], i, rng);
  }
  collection = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(collection, [path.join(dir, 'src')], { encoders: ['tiny'], labelFromFolder: true, threads: 1 });
});

after(() => {
  collection?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** n points of R^dim in a random `rank`-dimensional affine subspace. */
function subspacePoints(n: number, dim: number, rank: number, rng: Rng): Float32Array {
  const basis = Float64Array.from({ length: rank * dim }, () => rng.normal());
  const offset = Float64Array.from({ length: dim }, () => rng.normal());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Array.from({ length: rank }, () => rng.normal());
    for (let t = 0; t < dim; t++) {
      let v = offset[t];
      for (let j = 0; j < rank; j++) v += c[j] * basis[j * dim + t];
      out[i * dim + t] = v;
    }
  }
  return out;
}

test('exact search after a PCA to the full rank of subspace data finds the same neighbours as full search', () => {
  const rng = new Rng(5);
  const dim = 300, rank = 12, n = 2000, nq = 100, k = 10;
  const all = subspacePoints(n + nq, dim, rank, rng);
  const data = all.subarray(0, n * dim);
  const queries = all.subarray(n * dim);
  const full = exactKnn(data, n, dim, queries, nq, k, 'l2');
  const pca = trainPca(data, n, dim, rank);
  const reduced = exactKnn(pcaProject(pca, data, n), n, rank, pcaProject(pca, queries, nq), nq, k, 'l2');
  assert.deepEqual(Array.from(reduced.labels), Array.from(full.labels));
  for (let i = 0; i < full.distances.length; i++) assert.ok(Math.abs(reduced.distances[i] - full.distances[i]) <= 1e-3 * full.distances[i] + 1e-3, `distance ${i}`);
});

test('a labelled set with --pca 11 (the rank of 12 photos) keeps every photo’s neighbours', async () => {
  const full = await labelledSet(collection, 'tiny');
  const set = await labelledSet(collection, 'tiny', { pca: 11 });
  assert.equal(set.n, 12);
  assert.equal(set.dim, 11);
  assert.equal(set.descriptorDim, 3072);
  assert.ok(set.pcaSeconds > 0);
  const raw = full.data.subarray(0, full.n * full.dim);
  const want = exactKnn(full.data, full.n, full.dim, raw, full.n, 5, 'l2');
  const got = exactKnn(set.data, set.n, set.dim, set.toSearchSpace(raw, full.n), full.n, 5, 'l2');
  assert.deepEqual(Array.from(got.labels), Array.from(want.labels));
  // Too few components to span the photos: the neighbour distances shrink (a check that can fail).
  const small = await labelledSet(collection, 'tiny', { pca: 2 });
  const shrunk = exactKnn(small.data, small.n, small.dim, small.toSearchSpace(raw, full.n), full.n, 2, 'l2');
  assert.ok(shrunk.distances[1] < 0.99 * want.distances[1], `${shrunk.distances[1]} vs ${want.distances[1]}`);
});

test('a --pca larger than the descriptor dimension is refused with a one-line BAD_ARGUMENT', async () => {
  await assert.rejects(labelledSet(collection, 'tiny', { pca: 3073 }), (e: unknown) => {
    assert.ok(isDejaError(e));
    assert.equal(e.code, 'BAD_ARGUMENT');
    assert.match(e.message, /--pca between 1 and the descriptor dimension 3072 but received 3073/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});
