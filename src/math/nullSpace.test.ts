import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { eliminationNullSpace, nullSpace } from './nullSpace.ts';
import { svd } from './svd.ts';
import { det3, inverse3, mul3 } from './mat3.ts';
import { random, multiply, assertClose } from './testMatrices.ts';

test('nullSpace of a wide 5 × 9 matrix spans the 4 vectors A annihilates, orthonormal', () => {
  const a = random(new Rng(3), 5 * 9);
  const { basis, singularValues } = nullSpace(a, 5, 9, 4);
  for (let j = 0; j < 4; j++) {
    const v = basis.subarray(j * 9, j * 9 + 9);
    assertClose(multiply(a, v, 5, 9, 1), new Float64Array(5), 1e-12, `A v${j}`);
    for (let l = 0; l < 4; l++) {
      const dot = v.reduce((s, x, i) => s + x * basis[l * 9 + i], 0);
      assert.ok(Math.abs(dot - (j === l ? 1 : 0)) < 1e-12);
    }
  }
  assert.ok(singularValues[4] > 1e-3 && singularValues[5] < 1e-12);
});

test('nullSpace of a tall matrix is the least-squares minimiser, as the SVD of the full matrix gives', () => {
  const rng = new Rng(5);
  const x = random(rng, 3);
  const rows = 40;
  const a = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    a[i * 3] = rng.normal(); a[i * 3 + 1] = rng.normal();
    a[i * 3 + 2] = -(a[i * 3] * x[0] + a[i * 3 + 1] * x[1]) / x[2] + 1e-6 * rng.normal();
  }
  const v = nullSpace(a, rows, 3, 1).basis;
  const norm = Math.hypot(...x);
  const sign = Math.sign(v[0] * x[0]);
  assertClose(v.map((t) => t * sign), x.map((t) => t / norm), 1e-5, 'null vector');
});

test('mat3: A A⁻¹ = I and det of a product is the product of dets', () => {
  const rng = new Rng(9);
  const a = random(rng, 9), b = random(rng, 9);
  assertClose(mul3(a, inverse3(a)!), new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), 1e-12, 'A A⁻¹');
  assert.ok(Math.abs(det3(mul3(a, b)) - det3(a) * det3(b)) < 1e-12);
  assert.equal(inverse3(new Float64Array(9)), null);
});

test('eliminationNullSpace gives the same null space as the SVD route, orthonormal, with a pivot ratio that flags rank loss', () => {
  const rng = new Rng(11);
  for (const m of [5, 7, 8]) {
    const a = random(rng, m * 9);
    const { basis, pivotRatio } = eliminationNullSpace(a, m, 9);
    const k = 9 - m;
    assert.ok(pivotRatio > 1e-3, `m ${m}: pivot ratio ${pivotRatio}`);
    for (let j = 0; j < k; j++) {
      const v = basis.subarray(j * 9, j * 9 + 9);
      assertClose(multiply(a, v, m, 9, 1), new Float64Array(m), 1e-12, `m ${m}: A v${j}`);
      for (let l = 0; l < k; l++) assert.ok(Math.abs(v.reduce((s, x, i) => s + x * basis[l * 9 + i], 0) - (j === l ? 1 : 0)) < 1e-12);
    }
  }
  const deficient = random(rng, 8 * 9);
  deficient.copyWithin(63, 54, 63); // row 7 = row 6: rank 7
  assert.ok(eliminationNullSpace(deficient, 8, 9).pivotRatio < 1e-12);
});

test('nullSpace of a tall matrix matches the SVD of the matrix itself (the R-SVD route)', () => {
  const rng = new Rng(12);
  const a = random(rng, 30 * 9);
  const { singularValues } = nullSpace(a, 30, 9, 1);
  const direct = svd(a, 30, 9).s;
  assertClose(singularValues, direct, 1e-12, 'singular values');
});
