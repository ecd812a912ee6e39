import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.ts';
import { exactKnn } from '../ann/flat.ts';
import { ingest } from '../actions/ingest.ts';
import { Collection, type NewPhoto } from './collection.ts';
import { checkDtype, DescriptorFile, fromInt8Rows, rowBytesOf, toInt8Rows } from './descriptorFile.ts';

const sharedData = path.resolve(import.meta.dirname, '../../../shared/data');
const ot8 = path.join(sharedData, 'ot8-64px/images.tar.gz');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'deja-dfile-'));
}

function photo(i: number): NewPhoto {
  return {
    path: `/photos/${i}.jpg`,
    hash: `h${i}`,
    bytes: 100,
    dataOffset: null,
    width: 10,
    height: 10,
    format: 'jpeg',
    latitude: null,
    longitude: null,
    takenAt: null,
    camera: null,
    label: null,
    exif: null,
    blob: null,
  };
}

test('int8 rows round-trip to within half a step of their own scale, an all-zero row stays zero', () => {
  const rng = new Rng(8);
  const dim = 37;
  const rows = 50;
  // Rows of very different magnitudes: a single shared scale would crush the small ones.
  const v = Float32Array.from({ length: rows * dim }, (_, i) => rng.normal() * 10 ** ((Math.floor(i / dim) % 7) - 3));
  v.fill(0, 3 * dim, 4 * dim);
  const bytes = toInt8Rows(v, dim);
  assert.equal(bytes.byteLength, rows * rowBytesOf(dim, 'int8'));
  const back = fromInt8Rows(bytes, dim);
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let t = 0; t < dim; t++) max = Math.max(max, Math.abs(v[r * dim + t]));
    for (let t = 0; t < dim; t++) {
      const err = Math.abs(back[r * dim + t] - v[r * dim + t]);
      assert.ok(err <= (max / 254) * (1 + 1e-5), `row ${r} value ${t}: error ${err} for max ${max}`);
      if (max > 0) worst = Math.max(worst, err / max);
    }
  }
  // Rounding really happened (not a lossless path): the worst error is close to the bound.
  assert.ok(worst > 0.6 / 254 && worst <= 1 / 254 + 1e-7, `worst relative error ${worst}`);
  assert.deepEqual([...back.subarray(3 * dim, 4 * dim)], new Array(dim).fill(0));
  // Each row's largest magnitude is exact (q = ±127).
  const firstMax = v.subarray(0, dim).reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
  assert.ok(Math.abs(back[v.subarray(0, dim).indexOf(firstMax)] - firstMax) <= 1e-6 * Math.abs(firstMax));
});

test('an int8 descriptor file appends, reads back dequantised by row range, and reopens read-only', () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'd.i8');
    const dim = 5;
    const w = new DescriptorFile(file, dim, 'int8', 0);
    assert.equal(w.appendSync(Float32Array.of(1, -2, 3, -4, 127, 0, 0, 0, 0, 0)), 0);
    assert.equal(w.appendSync(Float32Array.of(1e6, 0, -1e6, 5e5, 1)), 2);
    w.close();
    assert.equal(fs.statSync(file).size, 3 * (4 + dim));
    const r = new DescriptorFile(file, dim, 'int8', 0, 'read');
    assert.equal(r.rows, 3);
    assert.deepEqual([...r.readRows(0, 1)], [1, -2, 3, -4, 127]);
    const big = r.readRows(2, 1);
    assert.deepEqual([big[0], big[2]], [1e6, -1e6]);
    assert.ok(Math.abs(big[3] - 5e5) <= 1e6 / 254);
    r.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown dtype is refused with a one-line message listing the valid ones', () => {
  assert.equal(checkDtype('int8'), 'int8');
  for (const bad of ['int4', 'float64', '']) {
    assert.throws(() => checkDtype(bad), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'BAD_ARGUMENT');
      assert.match(e.message, /^unknown descriptor dtype ".*": must be one of \[float32, float16, int8\]$/);
      return true;
    });
  }
  const c = Collection.open(tmpDir(), { create: true });
  try {
    assert.throws(() => c.ensureEncoder({ spec: 'toy', name: 'toy', version: 1, dim: 3 }, 'int4' as 'int8'), { code: 'BAD_ARGUMENT' });
  } finally {
    c.close();
  }
});

test('an int8 collection stores a quarter of float32 plus a scale per row, and its committed size check uses that row size', () => {
  const dir = tmpDir();
  const dim = 64;
  const rng = new Rng(3);
  const c = Collection.open(dir, { create: true });
  c.ensureEncoder({ spec: 'q', name: 'q', version: 1, dim }, 'int8');
  const vectors = Array.from({ length: 20 }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  c.commitBatch({ photos: vectors.map((v, i) => ({ photo: photo(i), descriptors: new Map([['q', v]]) })) });
  assert.deepEqual(c.checkDescriptorFiles(), []);
  assert.equal(c.encoderInfo('q')?.dtype, 'int8');
  c.close();
  const files = fs.readdirSync(path.join(dir, 'descriptors'));
  assert.equal(files.length, 1);
  assert.match(files[0], /\.i8$/);
  assert.equal(fs.statSync(path.join(dir, 'descriptors', files[0])).size, 20 * (dim + 4));
  const r = Collection.open(dir);
  const m = r.descriptorMatrix('q');
  assert.equal(m.n, 20);
  for (let i = 0; i < 20; i++) {
    const max = vectors[i].reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    for (let t = 0; t < dim; t++) assert.ok(Math.abs(m.data[i * dim + t] - vectors[i][t]) <= max / 254 + 1e-6);
  }
  r.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('on real scene photos (ot8-64px, gist-gray 512-D) an int8 collection finds the float32 collection’s top-10 neighbours (recall@10 >= 0.9)', { skip: !fs.existsSync(ot8) && 'needs ../shared/data' }, async (t) => {
  const dir = tmpDir();
  try {
    const open = async (dtype: 'float32' | 'int8') => {
      const c = Collection.open(path.join(dir, dtype), { create: true });
      await ingest(c, [ot8], { encoders: ['gist-gray'], dtype, limit: 300, threads: 2 });
      return c;
    };
    const full = await open('float32');
    const quant = await open('int8');
    const a = full.descriptorMatrix('gist-gray');
    const b = quant.descriptorMatrix('gist-gray');
    assert.equal(a.dim, 512);
    assert.ok(a.n >= 290, `${a.n} photos`);
    // Worker threads may commit photos in another order: line b's rows up with a's by content hash.
    const rowOfHash = new Map([...b.photoIds].map((id, r) => [quant.photo(id)!.hash, r]));
    const bData = new Float32Array(a.n * a.dim);
    a.photoIds.forEach((id, r) => {
      const rb = rowOfHash.get(full.photo(id)!.hash);
      assert.ok(rb !== undefined, 'both collections hold the same photos');
      bData.set(b.data.subarray(rb * b.dim, (rb + 1) * b.dim), r * a.dim);
    });
    // Disk: a quarter of float32, plus 4 bytes a row.
    const size = (c: string) => fs.readdirSync(path.join(dir, c, 'descriptors')).reduce((s, f) => s + fs.statSync(path.join(dir, c, 'descriptors', f)).size, 0);
    assert.equal(size('int8'), a.n * (512 + 4));
    assert.equal(size('float32'), a.n * 512 * 4);
    // Every photo as a query against the rest, k = 10 (+1 for itself).
    const k = 11;
    const want = exactKnn(a.data, a.n, a.dim, a.data, a.n, k, 'l2');
    const got = exactKnn(bData, a.n, a.dim, bData, a.n, k, 'l2');
    let hits = 0;
    let firstSame = 0;
    for (let q = 0; q < a.n; q++) {
      const truth = new Set(want.labels.subarray(q * k + 1, (q + 1) * k));
      for (let j = 1; j < k; j++) if (truth.has(got.labels[q * k + j])) hits++;
      if (got.labels[q * k + 1] === want.labels[q * k + 1]) firstSame++;
    }
    const recall = hits / (a.n * (k - 1));
    t.diagnostic(`int8 vs float32 on ${a.n} photos: recall@10 ${recall.toFixed(3)}, same nearest neighbour ${((100 * firstSame) / a.n).toFixed(1)} %`);
    assert.ok(recall >= 0.9 && recall < 1, `recall@10 ${recall.toFixed(3)}`);
    assert.ok(firstSame / a.n >= 0.9, `nearest neighbour the same for ${firstSame}/${a.n}`);
    full.close();
    quant.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
