import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { jacobiEigen } from './symmetricEigen.ts';

test('jacobiEigen reconstructs a symmetric matrix from its eigenpairs', () => {
  const rng = new Rng(2);
  const size = 12;
  const a = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = i; j < size; j++) a[i * size + j] = a[j * size + i] = rng.normal();
  const { values, vectors } = jacobiEigen(Float64Array.from(a), size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let s = 0;
      for (let e = 0; e < size; e++) s += vectors[i * size + e] * values[e] * vectors[j * size + e];
      assert.ok(Math.abs(s - a[i * size + j]) < 1e-9, `A[${i}][${j}]`);
    }
  }
});

test('jacobiEigen finds the eigenvalues 2 − √2, 2 and 2 + √2 of a known 3 × 3 matrix', () => {
  // [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] has eigenvalues 2 − √2, 2, 2 + √2.
  const { values, vectors } = jacobiEigen(new Float64Array([2, -1, 0, -1, 2, -1, 0, -1, 2]), 3);
  const sorted = Array.from(values).sort((x, y) => x - y);
  const want = [2 - Math.SQRT2, 2, 2 + Math.SQRT2];
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sorted[i] - want[i]) < 1e-12, `λ${i} ${sorted[i]}`);
  const e = Array.from(values).findIndex((v) => Math.abs(v - 2) < 1e-9); // eigenvector (1, 0, −1)/√2
  assert.ok(Math.abs(Math.abs(vectors[0 * 3 + e]) - Math.SQRT1_2) < 1e-9 && Math.abs(vectors[1 * 3 + e]) < 1e-9);
});
