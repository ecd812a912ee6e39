import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { SIMD_ROW_PAD, SimdDot } from './simdDot.ts';

test('SimdDot dot products and squared norms match float64 sums for 4x2 and 1x8 kernels across tiles', () => {
  const simd = SimdDot.create();
  assert.ok(simd, 'WebAssembly SIMD is available on Node 20');
  const rng = new Rng(1);
  const dim = 1030, paddedDim = 1032, aRows = 7, bRows = 12; // 7 = 4 + 3 leftover queries; 12 rows padded to 16
  const a = Float32Array.from({ length: aRows * dim }, () => rng.normal());
  const b = Float32Array.from({ length: bRows * dim }, () => rng.normal());
  const bPad = Math.ceil(bRows / SIMD_ROW_PAD) * SIMD_ROW_PAD;
  const aAt = 0, bAt = 65536, outAt = 262144, normsAt = 393216;
  simd.reserve(1 << 20);
  simd.stageRows(a, 0, aRows, dim, paddedDim, aRows, aAt);
  simd.stageRows(b, 0, bRows, dim, paddedDim, bPad, bAt);
  simd.dot(aAt, aRows, bAt, bPad, paddedDim, outAt);
  simd.squaredNorms(bAt, bRows, paddedDim, normsAt);
  const out = simd.doubles.subarray(outAt / 8, outAt / 8 + aRows * bPad);
  for (let i = 0; i < aRows; i++) {
    for (let j = 0; j < bPad; j++) {
      let s = 0;
      if (j < bRows) for (let t = 0; t < dim; t++) s += a[i * dim + t] * b[j * dim + t];
      assert.ok(Math.abs(out[i * bPad + j] - s) < 1e-4 * Math.sqrt(dim), `a${i}·b${j}: ${out[i * bPad + j]} vs ${s}`);
    }
  }
  for (let j = 0; j < bRows; j++) {
    let s = 0;
    for (let t = 0; t < dim; t++) s += b[j * dim + t] ** 2;
    assert.ok(Math.abs(simd.doubles[normsAt / 8 + j] - s) < 1e-5 * s, `‖b${j}‖²`);
  }
});
