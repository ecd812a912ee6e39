import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { exactKnn, FlatIndex } from './flat.ts';
import { PcaIndex, pcaProject, trainPca } from './pca.ts';

/** Random orthonormal rows (`rows × dim`) by Gram–Schmidt on Gaussian vectors. */
function orthonormalRows(rows: number, dim: number, rng: Rng): Float64Array {
  const m = Float64Array.from({ length: rows * dim }, () => rng.normal());
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < i; j++) {
      let p = 0;
      for (let t = 0; t < dim; t++) p += m[i * dim + t] * m[j * dim + t];
      for (let t = 0; t < dim; t++) m[i * dim + t] -= p * m[j * dim + t];
    }
    let s = 0;
    for (let t = 0; t < dim; t++) s += m[i * dim + t] ** 2;
    for (let t = 0; t < dim; t++) m[i * dim + t] /= Math.sqrt(s);
  }
  return m;
}

/** n points μ + Σ_j c_j σ_j b_j in the span of `sub` orthonormal directions of R^dim. */
function subspaceData(n: number, dim: number, sigmas: number[], rng: Rng): { data: Float32Array; basis: Float64Array } {
  const sub = sigmas.length;
  const basis = orthonormalRows(sub, dim, rng);
  const offset = Float64Array.from({ length: dim }, () => 3 * rng.normal());
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dim; t++) data[i * dim + t] = offset[t];
    for (let j = 0; j < sub; j++) {
      const c = sigmas[j] * rng.normal();
      for (let t = 0; t < dim; t++) data[i * dim + t] += c * basis[j * dim + t];
    }
  }
  return { data, basis };
}

function dist2(a: Float32Array, i: number, j: number, dim: number): number {
  let s = 0;
  for (let t = 0; t < dim; t++) s += (a[i * dim + t] - a[j * dim + t]) ** 2;
  return s;
}

test('PCA10 of data lying in a 10-D subspace of R^96 keeps every pairwise distance', () => {
  const rng = new Rng(4);
  const n = 400, dim = 96;
  const { data } = subspaceData(n, dim, [9, 7, 6, 5, 4, 3, 2.5, 2, 1.5, 1], rng);
  const pca = trainPca(data, n, dim, 10);
  const y = pcaProject(pca, data, n);
  let worst = 0;
  for (let i = 0; i < 60; i++) {
    for (let j = i + 1; j < 60; j++) {
      const d = dist2(data, i, j, dim);
      worst = Math.max(worst, Math.abs(dist2(y, i, j, 10) - d) / d);
    }
  }
  assert.ok(worst < 1e-4, `worst relative distance error ${worst}`);
});

test('PCA recovers the axes and variances of an anisotropic Gaussian, in decreasing order', () => {
  const rng = new Rng(8);
  const n = 20_000, dim = 40;
  const sigmas = [5, 3, 2];
  const { data, basis } = subspaceData(n, dim, sigmas, rng);
  for (let i = 0; i < data.length; i++) data[i] += 0.1 * rng.normal(); // isotropic noise, variance 0.01
  const pca = trainPca(data, n, dim, 3, { maxSample: 8000 });
  for (let j = 0; j < 3; j++) {
    let cos = 0;
    for (let t = 0; t < dim; t++) cos += pca.components[j * dim + t] * basis[j * dim + t];
    assert.ok(Math.abs(cos) > 0.999, `component ${j} |cos| ${Math.abs(cos)}`);
    const want = sigmas[j] ** 2 + 0.01;
    assert.ok(Math.abs(pca.variances[j] - want) / want < 0.06, `variance ${j}: ${pca.variances[j]} vs ${want}`);
  }
  assert.ok(pca.variances[0] > pca.variances[1] && pca.variances[1] > pca.variances[2]);
});

test('PCA handles 1536-D descriptors from 3,000 samples in a few seconds', () => {
  const rng = new Rng(6);
  const n = 3000, dim = 1536;
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let walk = 0; // smooth rows: a decaying spectrum, like image descriptors
    for (let t = 0; t < dim; t++) data[i * dim + t] = walk += rng.normal();
  }
  const start = performance.now();
  const pca = trainPca(data, n, dim, 32);
  const seconds = (performance.now() - start) / 1000;
  assert.ok(seconds < 15, `took ${seconds} s`);
  // Orthonormal components.
  for (const [i, j] of [[0, 0], [0, 1], [5, 31], [31, 31]]) {
    let s = 0;
    for (let t = 0; t < dim; t++) s += pca.components[i * dim + t] * pca.components[j * dim + t];
    assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-4, `P${i}·P${j} = ${s}`);
  }
});

test('PcaIndex with cosine finds the same neighbours as exact cosine search when PCA loses nothing', () => {
  const rng = new Rng(10);
  const n = 500, dim = 64;
  const { data } = subspaceData(n, dim, [4, 3, 2, 2, 1, 1, 1, 0.5], rng);
  const index = new PcaIndex(dim, 9, 'cosine', new FlatIndex(9, 'l2'));
  assert.throws(() => index.add(data, Int32Array.from({ length: n }, (_, i) => i)), { code: 'BAD_ARGUMENT' });
  index.train(data, n);
  index.add(data, Int32Array.from({ length: n }, (_, i) => i));
  const got = index.search(data.subarray(0, 20 * dim), 20, 5);
  const want = exactKnn(data, n, dim, data.subarray(0, 20 * dim), 20, 5, 'cosine');
  assert.deepEqual(got.labels, want.labels);
  for (let i = 0; i < want.distances.length; i++) assert.ok(Math.abs(got.distances[i] - want.distances[i]) < 1e-4);
});
