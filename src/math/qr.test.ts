import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { householderQr } from './qr.ts';
import { random, multiply, transpose, assertClose } from './testMatrices.ts';

test('householderQr gives A = Q R with orthonormal Q and upper-triangular R', () => {
  const m = 7, n = 4;
  const a = random(new Rng(1), m * n);
  const { q, r } = householderQr(a, m, n);
  assertClose(multiply(q, r, m, n, n), a, 1e-12, 'QR');
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  assertClose(multiply(transpose(q, m, n), q, n, m, n), eye, 1e-12, 'QᵀQ');
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(r[i * n + j], 0);
});
