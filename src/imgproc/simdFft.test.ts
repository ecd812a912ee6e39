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

test('gatherScaled multiplies float32 rows in double precision and transposeBlock transposes, odd lengths included', () => {
  const k = SimdFftBatch.create(8, [64, 64, 64, 64], 2, [64, 64, 64]);
  assert.ok(k);
  const [sr, si, g] = [0, 1, 2].map((i) => k.floatPlane(i));
  for (let i = 0; i < 64; i++) {
    sr[i] = Math.fround(Math.sin(i) * 7);
    si[i] = Math.fround(Math.cos(i * 3));
    g[i] = Math.fround(0.1 + i / 64);
  }
  for (const len of [3, 4]) {
    k.plane(0).fill(-1);
    k.plane(1).fill(-1);
    k.gatherScaled(0, 1, 5, 9, 2, 1, 7, 0, 1, 2, 10, 4, len);
    for (let r = 0; r < 4; r++)
      for (let t = 0; t < 10; t++) {
        const inside = t >= 2 && t < 2 + len;
        const at = r * 10 + t;
        assert.equal(k.plane(0)[at], inside ? sr[5 + r * 9 + t - 2] * g[1 + r * 7 + t - 2] : -1, `re r=${r} t=${t} len=${len}`);
        assert.equal(k.plane(1)[at], inside ? si[5 + r * 9 + t - 2] * g[1 + r * 7 + t - 2] : -1, `im r=${r} t=${t} len=${len}`);
      }
  }
  for (const len of [3, 4]) {
    for (let i = 0; i < 64; i++) {
      k.plane(0)[i] = i;
      k.plane(1)[i] = -i;
    }
    k.plane(2).fill(0);
    k.plane(3).fill(0);
    // 4 columns of the source (stride 12) starting at 1, len rows each → destination rows of stride 6 at 2.
    k.transposeBlock(0, 1, 1, 12, 2, 3, 2, 6, 4, len);
    for (let t = 0; t < len; t++)
      for (let b = 0; b < 4; b++) {
        assert.equal(k.plane(2)[2 + t * 6 + b], 1 + b * 12 + t, `re t=${t} b=${b} len=${len}`);
        assert.equal(k.plane(3)[2 + t * 6 + b], -(1 + b * 12 + t), `im t=${t} b=${b} len=${len}`);
      }
    assert.equal(k.plane(2)[2 + len * 6], 0, 'nothing written past the last row');
  }
});

test('the f32x4 batch agrees with the double FFT to 1e-6 of the norm, forward and inverse', () => {
  for (const [n, batch] of [[320, 64], [320, 4], [96, 8], [30, 12], [2, 4]] as const) {
    const fft = SimdFftBatch.createF32(n, [n * batch, n * batch], batch);
    assert.ok(fft, `f32 simd fft for ${n}`);
    assert.equal(fft.lanes, 4);
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
      let err = 0;
      let norm = 0;
      for (let i = 0; i < n * batch; i++) {
        err = Math.max(err, Math.hypot(re[i] - er[i], im[i] - ei[i]));
        norm = Math.max(norm, Math.hypot(er[i], ei[i]));
      }
      assert.ok(err < 1e-6 * norm, `n=${n} batch=${batch} inverse=${inverse}: error ${err} of ${norm}`);
    }
  }
  assert.throws(() => SimdFftBatch.createF32(320, [640, 640], 6), /multiple of 4/);
});

test('the f32 batch gathers float32 products and transposes 4×4 blocks, lengths not a multiple of 4 included', () => {
  const k = SimdFftBatch.createF32(8, [128, 128, 128, 128, 8], 4, [128, 128, 128]);
  assert.ok(k);
  const [sr, si, g] = [0, 1, 2].map((i) => k.floatPlane(i));
  for (let i = 0; i < 128; i++) {
    sr[i] = Math.fround(Math.sin(i) * 7);
    si[i] = Math.fround(Math.cos(i * 3));
    g[i] = Math.fround(0.1 + i / 128);
  }
  for (const len of [3, 5, 8]) {
    k.plane(0).fill(-1);
    k.plane(1).fill(-1);
    k.gatherScaled(0, 1, 5, 11, 2, 1, 9, 0, 1, 2, 12, 4, len);
    for (let r = 0; r < 4; r++)
      for (let t = 0; t < 12; t++) {
        const inside = t >= 2 && t < 2 + len;
        const at = r * 12 + t;
        assert.equal(k.plane(0)[at], inside ? Math.fround(sr[5 + r * 11 + t - 2] * g[1 + r * 9 + t - 2]) : -1, `re r=${r} t=${t} len=${len}`);
        assert.equal(k.plane(1)[at], inside ? Math.fround(si[5 + r * 11 + t - 2] * g[1 + r * 9 + t - 2]) : -1, `im r=${r} t=${t} len=${len}`);
      }
  }
  for (const len of [3, 4, 7]) {
    for (let i = 0; i < 128; i++) {
      k.plane(0)[i] = i;
      k.plane(1)[i] = -i;
    }
    k.plane(2).fill(0);
    k.plane(3).fill(0);
    // 8 columns of the source (stride 13) starting at 1, len rows each → destination rows of stride 10 at 2.
    k.transposeBlock(0, 1, 1, 13, 2, 3, 2, 10, 8, len);
    for (let t = 0; t < len; t++)
      for (let b = 0; b < 8; b++) {
        assert.equal(k.plane(2)[2 + t * 10 + b], 1 + b * 13 + t, `re t=${t} b=${b} len=${len}`);
        assert.equal(k.plane(3)[2 + t * 10 + b], -(1 + b * 13 + t), `im t=${t} b=${b} len=${len}`);
      }
    assert.equal(k.plane(2)[2 + len * 10], 0, 'nothing written past the last row');
    assert.equal(k.plane(2)[1 + 10], 0, 'nothing written before a row');
  }
  k.plane(4).fill(0);
  k.addColumnMagnitudes(0, 1, 1, 3, 8, 4);
  for (let b = 0; b < 8; b++) {
    let want = 0;
    for (let r = 1; r < 4; r++) want += Math.hypot(k.plane(0)[r * 8 + b], k.plane(1)[r * 8 + b]);
    assert.ok(Math.abs(k.plane(4)[b] - want) < 1e-5 * want, `column ${b} magnitude sum`);
  }
});
