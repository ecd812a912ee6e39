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
