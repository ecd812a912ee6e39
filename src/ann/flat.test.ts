import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.ts';
import type { Metric } from '../core/metric.ts';
import { exactKnn, exactKnnParallel, FlatIndex, GEMM_MIN_QUERIES, knnRange } from './flat.ts';
import { rowSquaredNorms } from './distances.ts';
import { readIndexMeta } from './indexMeta.ts';
import type { Neighbours } from './vectorIndex.ts';

function randomMatrix(rows: number, dim: number, rng: Rng): Float32Array {
  const m = new Float32Array(rows * dim);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  return m;
}

/** Textbook k-NN: every distance in float64, full sort by (distance, row). */
function naiveKnn(data: Float32Array, n: number, dim: number, queries: Float32Array, nq: number, k: number, metric: Metric): Neighbours {
  const labels = new Int32Array(nq * k).fill(-1);
  const distances = new Float32Array(nq * k).fill(Infinity);
  for (let q = 0; q < nq; q++) {
    const all: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      let d = 0, ab = 0, aa = 0, bb = 0;
      for (let t = 0; t < dim; t++) {
        const x = data[i * dim + t], y = queries[q * dim + t];
        d += (x - y) * (x - y); ab += x * y; aa += x * x; bb += y * y;
      }
      all.push([metric === 'l2' ? d : 1 - ab / Math.sqrt(aa * bb), i]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let j = 0; j < Math.min(k, n); j++) {
      labels[q * k + j] = all[j][1];
      distances[q * k + j] = all[j][0];
    }
  }
  return { nq, k, labels, distances };
}

function assertSameNeighbours(got: Neighbours, want: Neighbours, tol: number): void {
  assert.equal(got.labels.length, want.labels.length);
  for (let i = 0; i < want.labels.length; i++) {
    const dw = want.distances[i], dg = got.distances[i];
    if (!Number.isFinite(dw)) {
      assert.equal(got.labels[i], -1);
      continue;
    }
    assert.ok(Math.abs(dg - dw) <= tol * Math.max(1, dw), `distance ${i}: ${dg} vs ${dw}`);
    // Labels must agree unless the reference has a near-tie at this rank.
    if (got.labels[i] !== want.labels[i]) {
      const q = Math.floor(i / want.k);
      const row = want.distances.subarray(q * want.k, (q + 1) * want.k);
      const nearTie = row.some((d, j) => j !== i % want.k && Math.abs(d - dw) <= tol * Math.max(1, dw));
      assert.ok(nearTie, `label ${i}: ${got.labels[i]} vs ${want.labels[i]}`);
    }
  }
}

for (const metric of ['l2', 'cosine'] as const) {
  test(`exactKnn matches a naive ${metric} search on random data with ragged block edges`, () => {
    const rng = new Rng(7);
    const n = 601, dim = 37, nq = 70, k = 9; // not multiples of the 4 × 4 kernel nor of the blocks
    const data = randomMatrix(n, dim, rng);
    const queries = randomMatrix(nq, dim, rng);
    assertSameNeighbours(exactKnn(data, n, dim, queries, nq, k, metric), naiveKnn(data, n, dim, queries, nq, k, metric), 1e-5);
  });
}

test('exactKnn handles dimensions above one cache tile and pads when k exceeds n', () => {
  const rng = new Rng(3);
  const n = 6, dim = 1100, nq = 5, k = 8;
  const data = randomMatrix(n, dim, rng);
  const queries = randomMatrix(nq, dim, rng);
  const got = exactKnn(data, n, dim, queries, nq, k, 'l2');
  assertSameNeighbours(got, naiveKnn(data, n, dim, queries, nq, k, 'l2'), 1e-5);
  assert.deepEqual([...got.labels.subarray(6, 8)], [-1, -1]);
});

test('exactKnn finds each data row as its own nearest neighbour at distance 0', () => {
  const rng = new Rng(11);
  const n = 300, dim = 64;
  const data = randomMatrix(n, dim, rng);
  const nn = exactKnn(data, n, dim, data, n, 1, 'l2');
  for (let i = 0; i < n; i++) {
    assert.equal(nn.labels[i], i);
    // ‖x‖² + ‖x‖² − 2 x·x cancels to within float32 rounding of the dot product (‖x‖² ≈ 64 here).
    assert.ok(nn.distances[i] < 1e-4, `distance ${nn.distances[i]}`);
  }
});

test('the SIMD and scalar kernels agree on labels and distances for odd dimensions and ragged blocks', () => {
  const rng = new Rng(12);
  const n = 517, dim = 1030, nq = 67, k = 7; // dim not a multiple of 4, spans three dimension tiles
  const data = randomMatrix(n, dim, rng);
  const queries = randomMatrix(nq, dim, rng);
  const run = (useSimd: boolean) => {
    const labels = new Int32Array(nq * k);
    const distances = new Float32Array(nq * k);
    knnRange(data, n, dim, rowSquaredNorms(data, n, dim), queries, 0, nq, k, 'l2', labels, distances, useSimd);
    return { nq, k, labels, distances };
  };
  assertSameNeighbours(run(true), run(false), 1e-5);
});

test('exactKnn rejects k = 0 with BAD_ARGUMENT', () => {
  assert.throws(() => exactKnn(new Float32Array(4), 2, 2, new Float32Array(2), 1, 0, 'l2'), { code: 'BAD_ARGUMENT' });
});

test('exactKnnParallel on two worker threads (kernel wasm) returns exactly what exactKnn returns', async () => {
  const rng = new Rng(5);
  const n = 2000, dim = 48, nq = 300, k = 10;
  const data = randomMatrix(n, dim, rng);
  const queries = randomMatrix(nq, dim, rng);
  const serial = exactKnn(data, n, dim, queries, nq, k, 'l2');
  const parallel = await exactKnnParallel(data, n, dim, queries, nq, k, 'l2', { threads: 2, kernel: 'wasm' });
  assert.deepEqual(parallel.labels, serial.labels);
  assert.deepEqual(parallel.distances, serial.distances);
});

for (const metric of ['l2', 'cosine'] as const) {
  test(`exactKnnParallel hands a batch of ${GEMM_MIN_QUERIES}+ queries to the GEMM and finds exactKnn's neighbours (${metric}), shared or plain arrays`, async () => {
    const rng = new Rng(metric === 'l2' ? 11 : 12);
    const n = 9000, dim = 40, k = 7; // two GEMM blocks of 8,192 rows
    const data = randomMatrix(n, dim, rng);
    const shared = new Float32Array(new SharedArrayBuffer(data.byteLength));
    shared.set(data);
    for (const nq of [GEMM_MIN_QUERIES, 150]) {
      const queries = randomMatrix(nq, dim, rng);
      const serial = exactKnn(data, n, dim, queries, nq, k, metric);
      for (const base of [data, shared]) {
        const viaGemm = await exactKnnParallel(base, n, dim, queries, nq, k, metric, { threads: 2 });
        assertSameNeighbours(viaGemm, serial, 1e-5);
      }
      assert.deepEqual((await exactKnnParallel(data, n, dim, queries, nq, k, metric, { kernel: 'gemm' })).labels, (await exactKnnParallel(data, n, dim, queries, nq, k, metric)).labels);
    }
  });
}

test('FlatIndex returns caller labels, forgets removed vectors and survives save and load', () => {
  const rng = new Rng(9);
  const n = 200, dim = 16;
  const data = randomMatrix(n, dim, rng);
  const labels = Int32Array.from({ length: n }, (_, i) => 1000 + 3 * i);
  const index = new FlatIndex(dim, 'cosine');
  index.add(data.subarray(0, 100 * dim), labels.subarray(0, 100));
  index.add(data.subarray(100 * dim), labels.subarray(100));
  assert.equal(index.size, n);
  const q = data.subarray(42 * dim, 43 * dim);
  assert.equal(index.search(q, 1, 3).labels[0], 1000 + 3 * 42);
  index.remove(Int32Array.of(1000 + 3 * 42, 7));
  assert.equal(index.size, n - 1);
  const after = index.search(q, 1, 3);
  assert.ok(!after.labels.includes(1000 + 3 * 42));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-flat-'));
  try {
    const file = path.join(dir, 'flat.index');
    index.save(file);
    assert.equal(readIndexMeta(file).count, n - 1);
    const loaded = FlatIndex.load(file, readIndexMeta(file));
    assert.deepEqual(loaded.search(data, n, 5), index.search(data, n, 5));
    assert.throws(() => loaded.add(data.subarray(0, dim), Int32Array.of(1003)), { code: 'BAD_ARGUMENT' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
