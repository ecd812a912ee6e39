import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { combinedDistanceMatrix, combinedKnn, combinedScale, concatenateCombined, estimateDistanceScale } from './combined.ts';
import { exactKnn } from './flat.ts';

const rng = new Rng(17);
const n = 800;
const gist = Float32Array.from({ length: n * 32 }, () => rng.normal()); // E[d²] = 64 per pair
const colour = Float32Array.from({ length: n * 8 }, () => 0.01 * rng.normal()); // tiny units

test('estimateDistanceScale is near the median squared distance of Gaussian pairs (2·dim·σ² times a chi-square median)', () => {
  const s = estimateDistanceScale(gist, n, 32, 'l2', 4000, new Rng(1));
  // ‖x − y‖² / 2 ~ χ²(32), whose median is about 31.34, so the median of ‖x − y‖² is about 62.7.
  assert.ok(s > 57 && s < 68, `scale ${s}`);
  const c = estimateDistanceScale(colour, n, 8, 'l2', 4000, new Rng(1));
  assert.ok(c > 1e-4 && c < 2.5e-3, `scale ${c}`);
});

test('combinedKnn with one part equals exact search with that encoder', () => {
  const q = gist.subarray(5 * 32, 6 * 32);
  const got = combinedKnn([{ data: gist, dim: 32, query: q, weight: 3, scale: 2, metric: 'l2' }], n, 10);
  const want = exactKnn(gist, n, 32, q, 1, 10, 'l2');
  assert.deepEqual(got.labels, want.labels);
  for (let j = 0; j < 10; j++) assert.ok(Math.abs(got.distances[j] - (want.distances[j] * 3) / 2) < 1e-3);
});

test('combinedKnn weighs normalised encoders so a tiny-unit encoder still counts', () => {
  // Query: row 0's gist, row 1's colour. Unnormalised, colour would not matter at all.
  const query = [gist.subarray(0, 32), colour.subarray(8, 16)];
  const scales = [estimateDistanceScale(gist, n, 32, 'l2', 2000, new Rng(2)), estimateDistanceScale(colour, n, 8, 'l2', 2000, new Rng(3))];
  const parts = (wg: number, wc: number) => [
    { data: gist, dim: 32, query: query[0], weight: wg, scale: scales[0], metric: 'l2' as const },
    { data: colour, dim: 8, query: query[1], weight: wc, scale: scales[1], metric: 'l2' as const },
  ];
  assert.equal(combinedKnn(parts(1, 0), n, 1).labels[0], 0);
  assert.equal(combinedKnn(parts(0, 1), n, 1).labels[0], 1);
  assert.equal(combinedKnn(parts(1, 10), n, 1).labels[0], 1);
  assert.equal(combinedKnn(parts(10, 1), n, 1).labels[0], 0);
});

test('combinedKnn over candidates ranks only those rows and pads when they are fewer than k', () => {
  const q = gist.subarray(0, 32);
  const cosDist = (r: number) => {
    let ab = 0, aa = 0, bb = 0;
    for (let t = 0; t < 32; t++) {
      ab += gist[r * 32 + t] * q[t]; aa += gist[r * 32 + t] ** 2; bb += q[t] ** 2;
    }
    return 1 - ab / Math.sqrt(aa * bb);
  };
  const nn = combinedKnn([{ data: gist, dim: 32, query: q, weight: 1, scale: 1, metric: 'cosine' }], n, 5, Int32Array.of(700, 0, 42));
  const want = [700, 0, 42].sort((a, b) => cosDist(a) - cosDist(b));
  assert.equal(want[0], 0);
  assert.deepEqual([...nn.labels], [...want, -1, -1]);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(nn.distances[j] - cosDist(want[j])) < 1e-6);
  assert.equal(nn.distances[3], Infinity);
});

test('combinedKnn rejects a zero scale with BAD_ARGUMENT', () => {
  assert.throws(() => combinedKnn([{ data: gist, dim: 32, query: gist, weight: 1, scale: 0, metric: 'l2' }], n, 3), { code: 'BAD_ARGUMENT' });
});

test('the distance scale drawn in photo-id order does not depend on the order of the rows', () => {
  const n = 300;
  const dim = 8;
  const rng = new Rng(3);
  const data = new Float32Array(n * dim).map(() => rng.next());
  const ids = Int32Array.from({ length: n }, (_, i) => 1000 + i);
  // The same photos and vectors, rows shuffled (as a rebuild may leave them).
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const shuffled = new Float32Array(n * dim);
  const shuffledIds = new Int32Array(n);
  perm.forEach((from, to) => {
    shuffled.set(data.subarray(from * dim, (from + 1) * dim), to * dim);
    shuffledIds[to] = ids[from];
  });
  const byId = (photoIds: Int32Array) => Int32Array.from({ length: n }, (_, r) => r).sort((a, b) => photoIds[a] - photoIds[b]);
  const a = estimateDistanceScale(data, n, dim, 'l2', 500, new Rng(7), byId(ids));
  const b = estimateDistanceScale(shuffled, n, dim, 'l2', 500, new Rng(7), byId(shuffledIds));
  assert.equal(a, b);
  assert.notEqual(estimateDistanceScale(shuffled, n, dim, 'l2', 500, new Rng(7)), a, 'without the order the sample differs');
});

function randomRows(r: Rng, rows: number, dim: number, scale: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, () => r.normal() * scale);
}

test('each descriptor is normalised by its scale, so scaling one descriptor\'s units changes nothing', () => {
  const r = new Rng(5);
  const m = 40;
  const a = randomRows(r, m, 8, 1);
  const b = randomRows(r, m, 16, 1);
  const big = b.map((v) => v * 1000);
  const part = (data: Float32Array, dim: number, queries: Float32Array) => ({ data, dim, queries, metric: 'l2' as const, weight: 1, scale: combinedScale(data, m, dim, 'l2') });
  const d1 = combinedDistanceMatrix([part(a, 8, a.slice(0, 24)), part(b, 16, b.slice(0, 48))], m, 3);
  const d2 = combinedDistanceMatrix([part(a, 8, a.slice(0, 24)), part(big, 16, big.slice(0, 48))], m, 3);
  for (let i = 0; i < d1.length; i++) assert.ok(Math.abs(d1[i] - d2[i]) < 1e-3 * (1 + d1[i]), `entry ${i}: ${d1[i]} vs ${d2[i]}`);
  // A query that is row 2 has distance 0 to it, and about the weight sum (2) to a typical other row.
  assert.ok(d1[2 * m + 2] < 1e-3);
  const row = Array.from(d1.subarray(0, m)).filter((_, j) => j !== 0).sort((x, y) => x - y);
  assert.ok(row[Math.floor(row.length / 2)] > 1.5 && row[Math.floor(row.length / 2)] < 2.5, `median ${row[Math.floor(row.length / 2)]}`);
});

test('the scale of unit Gaussian rows is about 2·dim (the median of a chi-square with dim degrees, times 2)', () => {
  const t = combinedScale(randomRows(new Rng(9), 300, 50, 1), 300, 50, 'l2');
  assert.ok(Math.abs(t - 99) < 6, `scale ${t}`);
});

test('the distance matrix, combinedKnn and the concatenation give one combined distance, for l2 and cosine parts', () => {
  const r = new Rng(2);
  const m = 30;
  const a = randomRows(r, m, 8, 1);
  const b = randomRows(r, m, 5, 3);
  const qa = randomRows(r, 4, 8, 1);
  const qb = randomRows(r, 4, 5, 3);
  const pa = { data: a, dim: 8, metric: 'l2' as const, weight: 2, scale: combinedScale(a, m, 8, 'l2') };
  const pb = { data: b, dim: 5, metric: 'cosine' as const, weight: 1, scale: combinedScale(b, m, 5, 'cosine') };
  const d = combinedDistanceMatrix([{ ...pa, queries: qa }, { ...pb, queries: qb }], m, 4);
  const rows = concatenateCombined([pa, pb], m);
  for (let q = 0; q < 4; q++) {
    const nn = combinedKnn([{ ...pa, query: qa.subarray(q * 8, q * 8 + 8) }, { ...pb, query: qb.subarray(q * 5, q * 5 + 5) }], m, m);
    const cq = concatenateCombined([{ ...pa, data: qa.subarray(q * 8, q * 8 + 8) }, { ...pb, data: qb.subarray(q * 5, q * 5 + 5) }], 1);
    for (let j = 0; j < m; j++) {
      const c = nn.labels[j];
      let l2 = 0;
      for (let t = 0; t < 13; t++) l2 += (rows[c * 13 + t] - cq[t]) ** 2;
      assert.ok(Math.abs(d[q * m + c] - nn.distances[j]) < 1e-4 * (1 + nn.distances[j]), `matrix ${d[q * m + c]} vs knn ${nn.distances[j]}`);
      assert.ok(Math.abs(l2 - nn.distances[j]) < 1e-4 * (1 + nn.distances[j]), `concatenation ${l2} vs knn ${nn.distances[j]}`);
    }
  }
});

test('a weight multiplies its encoder\'s share: doubling w doubles that part of every distance, and w = 0 drops it', () => {
  const r = new Rng(4);
  const m = 20;
  const a = randomRows(r, m, 6, 1);
  const b = randomRows(r, m, 4, 5);
  const q = [randomRows(r, 1, 6, 1), randomRows(r, 1, 4, 5)];
  const parts = (wa: number, wb: number) => [
    { data: a, dim: 6, queries: q[0], metric: 'l2' as const, weight: wa, scale: 3 },
    { data: b, dim: 4, queries: q[1], metric: 'l2' as const, weight: wb, scale: 7 },
  ];
  const only = (wa: number, wb: number) => combinedDistanceMatrix(parts(wa, wb), m, 1);
  const aOnly = only(1, 0);
  const bOnly = only(0, 1);
  const mixed = only(2, 1);
  for (let j = 0; j < m; j++) {
    assert.ok(Math.abs(mixed[j] - (2 * aOnly[j] + bOnly[j])) < 1e-4 * (1 + mixed[j]));
    let raw = 0;
    for (let t = 0; t < 6; t++) raw += (a[j * 6 + t] - q[0][t]) ** 2;
    assert.ok(Math.abs(aOnly[j] - raw / 3) < 1e-4 * (1 + raw), `a share ${aOnly[j]} vs ${raw / 3}`);
  }
  assert.throws(() => concatenateCombined([{ data: a, dim: 6, metric: 'l2', weight: -1, scale: 1 }], m), { code: 'BAD_ARGUMENT' });
});
