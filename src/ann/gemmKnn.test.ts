import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { exactKnn } from './flat.ts';
import { gemmKnn } from './gemmKnn.ts';

/** Clustered vectors with a decaying spectrum, like descriptors: near neighbours are close calls. */
function descriptorLike(n: number, dim: number, rng: Rng): Float32Array {
  const centres = Float32Array.from({ length: 30 * dim }, () => rng.normal());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.int(30);
    for (let t = 0; t < dim; t++) out[i * dim + t] = 3 + centres[c * dim + t] + 0.3 * (1 + t) ** -0.5 * rng.normal();
  }
  return out;
}

/** Float64 brute force: the reference both fast paths are held to. */
function distance64(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number, metric: 'l2' | 'cosine'): number {
  let d = 0;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let t = 0; t < dim; t++) {
    const e = a[ao + t] - b[bo + t];
    d += e * e;
    ab += a[ao + t] * b[bo + t];
    aa += a[ao + t] * a[ao + t];
    bb += b[bo + t] * b[bo + t];
  }
  return metric === 'l2' ? d : 1 - ab / Math.sqrt(aa * bb);
}

for (const metric of ['l2', 'cosine'] as const) {
  test(`gemmKnn (${metric}) finds the float64 brute-force neighbours over several data blocks and query chunks, with exact distances`, async () => {
    const rng = new Rng(metric === 'l2' ? 5 : 6);
    const dim = 24;
    const n = 20_000; // three GEMM blocks, the last one partial
    const nq = 1100; // two query chunks
    const data = descriptorLike(n + nq, dim, rng);
    const base = data.subarray(0, n * dim);
    const queries = data.subarray(n * dim);
    const got = await gemmKnn(base, n, dim, queries, nq, 10, metric, { threads: 2 });
    // Distances are the float64 ones of the labels returned, ascending.
    for (let q = 0; q < nq; q++) {
      for (let j = 0; j < 10; j++) {
        const d = distance64(queries, q * dim, base, got.labels[q * 10 + j] * dim, dim, metric);
        assert.ok(Math.abs(got.distances[q * 10 + j] - d) <= 1e-6 * Math.max(d, 1e-3), `query ${q} slot ${j}: ${got.distances[q * 10 + j]} vs ${d}`);
        if (j > 0) assert.ok(got.distances[q * 10 + j] >= got.distances[q * 10 + j - 1]);
      }
    }
    // The first 150 queries against a float64 brute force: the same top 10 (as sets; equal distances may swap).
    let hits = 0;
    for (let q = 0; q < 150; q++) {
      const all = Array.from({ length: n }, (_, i) => [distance64(queries, q * dim, base, i * dim, dim, metric), i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const truth = new Set(all.slice(0, 10).map((x) => x[1]));
      for (let j = 0; j < 10; j++) if (truth.has(got.labels[q * 10 + j])) hits++;
    }
    assert.ok(hits / 1500 >= 0.999, `${hits} of 1500 neighbours found`);
    // And it agrees with exactKnn (float32 products) but for its own rounding.
    const want = exactKnn(base, n, dim, queries, nq, 10, metric);
    let same = 0;
    for (let i = 0; i < nq * 10; i++) if (got.labels[i] === want.labels[i]) same++;
    assert.ok(same / (nq * 10) >= 0.99, `${same} of ${nq * 10} slots agree with exactKnn`);
  });
}

test('gemmKnn pads with label -1 and +Infinity when fewer than k rows exist, and finds each row itself', async () => {
  const rng = new Rng(9);
  const dim = 7;
  const data = Float32Array.from({ length: 3 * dim }, () => rng.normal());
  const nn = await gemmKnn(data, 3, dim, data, 3, 5, 'l2', { threads: 1 });
  for (let q = 0; q < 3; q++) {
    assert.equal(nn.labels[q * 5], q);
    assert.ok(nn.distances[q * 5] < 1e-9);
    assert.deepEqual([...nn.labels.subarray(q * 5 + 3, q * 5 + 5)], [-1, -1]);
    assert.deepEqual([...nn.distances.subarray(q * 5 + 3, q * 5 + 5)], [Infinity, Infinity]);
  }
  const empty = await gemmKnn(new Float32Array(0), 0, dim, data, 1, 2, 'cosine');
  assert.deepEqual([...empty.labels], [-1, -1]);
});

test('gemmKnn refuses a k that is not a positive integer', async () => {
  await assert.rejects(gemmKnn(new Float32Array(4), 1, 4, new Float32Array(4), 1, 0, 'l2'), { code: 'BAD_ARGUMENT' });
});
