import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fftPlan } from './fft.ts';
import { SimdFftBatch } from './simdFft.ts';

test('the SIMD batched FFT is bit-identical to the scalar batched FFT, forward and inverse, for 2·3·5-smooth lengths', () => {
  for (const [n, batch] of [[320, 64], [320, 6], [266, 2], [96, 8], [30, 4], [2, 2], [1, 2]] as const) {
    const fft = SimdFftBatch.create(n, [n * batch, n * batch], batch);
    if (n === 266) {
      assert.equal(fft, null, '266 = 2·7·19 has a prime factor above 5');
      continue;
    }
    assert.ok(fft, `simd fft for ${n}`);
    for (const inverse of [false, true]) {
      const re = fft.plane(0);
      const im = fft.plane(1);
      for (let i = 0; i < n * batch; i++) {
        re[i] = Math.sin(i * 0.37) * 3 + (i % 7);
        im[i] = Math.cos(i * 0.11) - (i % 5);
      }
      const er = Float64Array.from(re);
      const ei = Float64Array.from(im);
      fftPlan(n).forwardBatch(er, ei, batch, inverse);
      fft.forwardBatch(0, 1, batch, inverse);
      assert.deepEqual(fft.plane(0), er, `re n=${n} batch=${batch} inverse=${inverse}`);
      assert.deepEqual(fft.plane(1), ei, `im n=${n} batch=${batch} inverse=${inverse}`);
    }
  }
});
