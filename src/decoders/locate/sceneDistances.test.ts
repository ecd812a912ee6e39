import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { combinedKnn } from '../../index/combined.ts';
import { nearestColumns, sceneDistanceMatrix, typicalDistance } from './sceneDistances.ts';

function randomRows(rng: Rng, n: number, dim: number, scale: number): Float32Array {
  return Float32Array.from({ length: n * dim }, () => rng.normal() * scale);
}

test('each descriptor is normalised by its typical distance, so scaling one descriptor changes nothing', () => {
  const rng = new Rng(5);
  const n = 40;
  const a = randomRows(rng, n, 8, 1);
  const b = randomRows(rng, n, 16, 1);
  const qa = a.slice(0, 3 * 8);
  const qb = b.slice(0, 3 * 16);
  const d1 = sceneDistanceMatrix([{ data: a, dim: 8, queries: qa, metric: 'l2', weight: 1 }, { data: b, dim: 16, queries: qb, metric: 'l2', weight: 1 }], n, 3);
  const big = b.map((v) => v * 1000);
  const d2 = sceneDistanceMatrix([{ data: a, dim: 8, queries: qa, metric: 'l2', weight: 1 }, { data: big, dim: 16, queries: qb.map((v) => v * 1000), metric: 'l2', weight: 1 }], n, 3);
  for (let i = 0; i < d1.length; i++) assert.ok(Math.abs(d1[i] - d2[i]) < 1e-3 * (1 + d1[i]), `entry ${i}: ${d1[i]} vs ${d2[i]}`);
  // A query that is reference row 2 has distance 0 to it, and about weight-sum × 1 to a typical other row.
  assert.ok(d1[2 * n + 2] < 1e-3);
  const row = Array.from(d1.subarray(0, n)).filter((_, j) => j !== 0).sort((x, y) => x - y);
  assert.ok(row[Math.floor(row.length / 2)] > 1.5 && row[Math.floor(row.length / 2)] < 2.5, `median ${row[Math.floor(row.length / 2)]}`);
});

test('the typical squared distance of unit Gaussian rows is about 2·dim', () => {
  const rng = new Rng(9);
  const t = typicalDistance(randomRows(rng, 300, 50, 1), 300, 50, 'l2');
  assert.ok(Math.abs(t - 99) < 6, `typical ${t}`);
});

test('the distance matrix equals combinedKnn for every query, so eval and deja locate agree', () => {
  const rng = new Rng(2);
  const n = 30;
  const a = randomRows(rng, n, 8, 1);
  const b = randomRows(rng, n, 5, 3);
  const qa = randomRows(rng, 4, 8, 1);
  const qb = randomRows(rng, 4, 5, 3);
  const sa = typicalDistance(a, n, 8, 'l2');
  const sb = typicalDistance(b, n, 5, 'cosine');
  const d = sceneDistanceMatrix([{ data: a, dim: 8, queries: qa, metric: 'l2', weight: 2, scale: sa }, { data: b, dim: 5, queries: qb, metric: 'cosine', weight: 1, scale: sb }], n, 4);
  for (let q = 0; q < 4; q++) {
    const nn = combinedKnn([{ data: a, dim: 8, query: qa.subarray(q * 8, q * 8 + 8), metric: 'l2', weight: 2, scale: sa }, { data: b, dim: 5, query: qb.subarray(q * 5, q * 5 + 5), metric: 'cosine', weight: 1, scale: sb }], n, n);
    const mine = nearestColumns(d, q, n, n);
    assert.deepEqual(Array.from(mine.columns), Array.from(nn.labels));
    for (let j = 0; j < n; j++) assert.ok(Math.abs(mine.distances[j] - nn.distances[j]) < 1e-4 * (1 + nn.distances[j]));
  }
});

test('nearest columns skip excluded ones and come back ascending', () => {
  const d = Float32Array.of(5, 1, 3, 0, 2, 9, 9, 9);
  const { columns, distances } = nearestColumns(d, 0, 4, 3, Uint8Array.of(0, 0, 0, 1));
  assert.deepEqual(Array.from(columns), [1, 2, 0]);
  assert.deepEqual(Array.from(distances), [1, 3, 5]);
});
