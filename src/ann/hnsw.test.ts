import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.ts';
import { exactKnn } from './flat.ts';
import { HNSW_DEFAULTS, HnswIndex } from './hnsw.ts';
import { readIndexMeta } from './indexMeta.ts';
import type { Neighbours } from './vectorIndex.ts';

/** Gaussian mixture: `clusters` centres (σ = 1), points around them (σ = 0.35). */
function clustered(n: number, dim: number, clusters: number, rng: Rng): Float32Array {
  const centres = Float32Array.from({ length: clusters * dim }, () => rng.normal());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters);
    for (let t = 0; t < dim; t++) out[i * dim + t] = centres[c * dim + t] + 0.35 * rng.normal();
  }
  return out;
}

function recallAt(got: Neighbours, want: Neighbours): number {
  let hits = 0;
  for (let q = 0; q < want.nq; q++) {
    const truth = new Set(want.labels.subarray(q * want.k, (q + 1) * want.k));
    for (let j = 0; j < got.k; j++) if (truth.has(got.labels[q * got.k + j])) hits++;
  }
  return hits / (want.nq * want.k);
}

const dim = 48;
const rng = new Rng(21);
const n = 5000;
const nq = 200;
const data = clustered(n + nq, dim, 40, rng);
const base = data.subarray(0, n * dim);
const queries = data.subarray(n * dim);
const ids = Int32Array.from({ length: n }, (_, i) => i);

for (const metric of ['l2', 'cosine'] as const) {
  test(`HNSW32 reaches recall@10 >= 0.95 against exact ${metric} search on 5k clustered vectors`, () => {
    const index = new HnswIndex(dim, metric, { m: 32, ...HNSW_DEFAULTS });
    index.add(base, ids);
    assert.equal(index.size, n);
    const got = index.search(queries, nq, 10);
    const want = exactKnn(base, n, dim, queries, nq, 10, metric);
    const recall = recallAt(got, want);
    assert.ok(recall >= 0.95, `recall@10 ${recall}`);
    // Distances are the same kind as Flat's: the first neighbour agrees, and none beats the exact one.
    for (let q = 0; q < nq; q++) {
      assert.ok(got.distances[q * 10] >= want.distances[q * 10] - 1e-4 * Math.max(1, want.distances[q * 10]));
      if (got.labels[q * 10] === want.labels[q * 10]) {
        assert.ok(Math.abs(got.distances[q * 10] - want.distances[q * 10]) <= 1e-3 * Math.max(1, want.distances[q * 10]));
      }
    }
  });
}

test('HNSW save then load answers identically, then takes incremental adds and removes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-hnsw-'));
  try {
    const file = path.join(dir, 'photos.usearch');
    const index = new HnswIndex(dim, 'l2', { m: 16, efConstruction: 64, efSearch: 80 });
    index.add(base.subarray(0, 3000 * dim), ids.subarray(0, 3000));
    index.save(file);
    const meta = readIndexMeta(file);
    assert.deepEqual([meta.spec, meta.dim, meta.metric, meta.count], ['HNSW16_efc64_ef80', dim, 'l2', 3000]);
    const loaded = HnswIndex.load(file, meta, index.params);
    assert.deepEqual(loaded.search(queries, nq, 10), index.search(queries, nq, 10));

    loaded.add(base.subarray(3000 * dim), ids.subarray(3000));
    assert.equal(loaded.size, n);
    const probe = base.subarray(4321 * dim, 4322 * dim);
    assert.equal(loaded.search(probe, 1, 1).labels[0], 4321);
    assert.throws(() => loaded.add(probe, Int32Array.of(4321)), { code: 'BAD_ARGUMENT' });

    loaded.remove(Int32Array.of(4321, 999_999));
    assert.equal(loaded.size, n - 1);
    const after = loaded.search(probe, 1, 5);
    assert.ok(!after.labels.includes(4321));
    assert.ok(after.distances[0] > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('HNSW on an empty index pads every slot with label -1', () => {
  const index = new HnswIndex(4, 'cosine', { m: 8, ...HNSW_DEFAULTS });
  const nn = index.search(new Float32Array(8).fill(1), 2, 3);
  assert.deepEqual([...nn.labels], [-1, -1, -1, -1, -1, -1]);
});

for (const [scalar, metric, suffix] of [['f16', 'l2', '_SQfp16'], ['f16', 'cosine', '_SQfp16'], ['i8', 'cosine', '_SQ8']] as const) {
  test(`HNSW32${suffix} (${metric}) keeps recall@10 >= 0.9 against exact search and saves a smaller file than float32`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-hnsw-sq-'));
    try {
      const full = new HnswIndex(dim, metric, { m: 32, ...HNSW_DEFAULTS });
      const quant = new HnswIndex(dim, metric, { m: 32, ...HNSW_DEFAULTS, scalar });
      assert.equal(quant.spec, `HNSW32${suffix}`);
      full.add(base, ids);
      quant.add(base, ids);
      const want = exactKnn(base, n, dim, queries, nq, 10, metric);
      const got = quant.search(queries, nq, 10);
      const recall = recallAt(got, want);
      assert.ok(recall >= 0.9 && recall <= 1, `recall@10 ${recall}`);
      // Distances stay those of the metric, within the storage's rounding.
      const tol = scalar === 'f16' ? 2e-3 : 3e-2;
      for (let q = 0; q < nq; q++) {
        if (got.labels[q * 10] !== want.labels[q * 10]) continue;
        const d = want.distances[q * 10];
        assert.ok(Math.abs(got.distances[q * 10] - d) <= tol * Math.max(1, d), `query ${q}: ${got.distances[q * 10]} vs ${d}`);
      }
      const fullFile = path.join(dir, 'full.usearch');
      const quantFile = path.join(dir, 'quant.usearch');
      full.save(fullFile);
      quant.save(quantFile);
      // The vectors shrink from 4 bytes a value to 2 (f16) or 1 (i8); the graph stays.
      const saved = fs.statSync(fullFile).size - fs.statSync(quantFile).size;
      const expected = n * dim * (4 - (scalar === 'f16' ? 2 : 1));
      assert.ok(Math.abs(saved - expected) <= 0.02 * expected, `saved ${saved} bytes, expected about ${expected}`);
      const meta = readIndexMeta(quantFile);
      assert.equal(meta.spec, `HNSW32${suffix}`);
      const loaded = HnswIndex.load(quantFile, meta, quant.params);
      assert.deepEqual(loaded.search(queries, nq, 10), got);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('HNSW32_SQ8 with the l2 metric is refused with a one-line message naming the alternatives', () => {
  assert.throws(() => new HnswIndex(dim, 'l2', { m: 32, ...HNSW_DEFAULTS, scalar: 'i8' }), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, 'BAD_ARGUMENT');
    assert.match(e.message, /cosine metric for HNSW32_SQ8 but received l2/);
    assert.match(e.hint ?? '', /_SQfp16/);
    return true;
  });
});

test('a viewed (memory-mapped) HNSW index answers like the loaded one, refuses adds, and survives its file being replaced', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-hnsw-view-'));
  try {
    const file = path.join(dir, 'photos.usearch');
    const index = new HnswIndex(dim, 'l2', { m: 16, ...HNSW_DEFAULTS, scalar: 'f16' });
    index.add(base, ids);
    index.save(file);
    const meta = readIndexMeta(file);
    const viewed = HnswIndex.load(file, meta, index.params, { view: true });
    assert.ok(viewed.isView);
    assert.equal(viewed.size, n);
    const want = index.search(queries, nq, 10);
    assert.deepEqual(viewed.search(queries, nq, 10), want);
    assert.throws(() => viewed.add(base.subarray(0, dim), Int32Array.of(n + 1)), /read-only/);
    // A new save renames another file into place; the view keeps reading the inode it mapped.
    const other = new HnswIndex(dim, 'l2', { m: 16, ...HNSW_DEFAULTS, scalar: 'f16' });
    other.add(base.subarray(0, 100 * dim), ids.subarray(0, 100));
    other.save(file);
    assert.deepEqual(viewed.search(queries, nq, 10), want);
    // A corrupt file is refused before it is mapped.
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    fs.writeFileSync(file, bytes);
    assert.throws(() => HnswIndex.load(file, readIndexMeta(file), index.params, { view: true }), { code: 'IO_ERROR' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
