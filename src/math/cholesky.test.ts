import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choleskyFactor, choleskySolve } from './cholesky.ts';
import { assertClose } from './testMatrices.ts';

test('choleskyFactor of [[4, 2], [2, 3]] is [[2, 0], [1, √2]] and solves the system; indefinite matrices give null', () => {
  const l = choleskyFactor(new Float64Array([4, 2, 2, 3]), 2);
  assert.ok(l);
  assertClose(l, new Float64Array([2, 0, 1, Math.SQRT2]), 1e-15, 'L');
  assertClose(choleskySolve(l, new Float64Array([8, 7]), 2), new Float64Array([1.25, 1.5]), 1e-14, 'x');
  assert.equal(choleskyFactor(new Float64Array([1, 2, 2, 1]), 2), null);
});
