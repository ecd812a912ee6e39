import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { svd } from './svd.ts';
import { random, multiply, transpose, assertClose } from './testMatrices.ts';

test('svd reconstructs A = U S Vᵀ for tall and wide matrices, singular values decreasing', () => {
  for (const [m, n] of [[6, 4], [3, 5], [1, 1]]) {
    const a = random(new Rng(m * 10 + n), m * n);
    const { u, s, v } = svd(a, m, n);
    const k = Math.min(m, n);
    const us = Float64Array.from(u, (x, i) => x * s[i % k]);
    assertClose(multiply(us, transpose(v, n, k), m, k, n), a, 1e-12, `USVᵀ ${m}×${n}`);
    for (let i = 1; i < k; i++) assert.ok(s[i - 1] >= s[i]);
  }
});

test('svd of a known matrix: [[3, 0], [4, 5]] has singular values 3√5 and √5', () => {
  const { s } = svd(new Float64Array([3, 0, 4, 5]), 2, 2);
  assert.ok(Math.abs(s[0] - 3 * Math.sqrt(5)) < 1e-13 && Math.abs(s[1] - Math.sqrt(5)) < 1e-13, `${s}`);
});

test('svd finds the null vector of a rank-2 3 × 3 matrix (the smallest singular value is 0)', () => {
  const a = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const { s, v } = svd(a, 3, 3);
  assert.ok(s[2] < 1e-12 && s[1] > 0.5);
  const nullVec = new Float64Array([v[2], v[5], v[8]]);
  assertClose(multiply(a, nullVec, 3, 3, 1), new Float64Array(3), 1e-12, 'A v₃');
});
