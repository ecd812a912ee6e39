import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { luSolve } from './luSolve.ts';
import { random, multiply, assertClose } from './testMatrices.ts';

test('luSolve with partial pivoting solves a system with a zero leading entry and refuses a singular one', () => {
  const n = 5;
  const a = random(new Rng(4), n * n);
  a[0] = 0;
  const want = random(new Rng(5), n * 2);
  const x = luSolve(a, multiply(a, want, n, n, 2), n, 2);
  assert.ok(x);
  assertClose(x, want, 1e-11, 'X');
  assert.equal(luSolve(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 1]), 2), null);
});
