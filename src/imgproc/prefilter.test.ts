import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gistPrefilter } from './prefilter.ts';

/** Planes of a smooth pattern with edges, in LMgist's [0, 255] range. */
function planesOf(size: number, count: number): Float64Array[] {
  return Array.from({ length: count }, (_, c) =>
    Float64Array.from({ length: size * size }, (_, i) => {
      const x = i % size;
      const y = Math.floor(i / size);
      return 127 + 100 * Math.sin(0.07 * x * (c + 1) + 0.03 * y) * Math.cos(0.011 * x * y) + (x > size / 2 ? 20 : 0);
    }),
  );
}

test('the SIMD low-rank prefilter equals the FFT prefilter to 1e-12 (colour, gray, small and odd sizes, the Nyquist bin kept)', () => {
  for (const [size, count] of [[256, 3], [256, 1], [64, 2], [32, 3], [31, 1], [7, 1]] as const) {
    const fft = planesOf(size, count);
    const simd = planesOf(size, count);
    gistPrefilter(fft, size, 4, { scalar: true });
    gistPrefilter(simd, size, 4);
    let worst = 0;
    let scale = 0;
    for (let c = 0; c < count; c++)
      for (let i = 0; i < size * size; i++) {
        worst = Math.max(worst, Math.abs(fft[c][i] - simd[c][i]));
        scale = Math.max(scale, Math.abs(fft[c][i]));
      }
    assert.ok(scale > 0.1, 'the prefiltered planes have structure');
    assert.ok(worst < 1e-12 * scale, `size ${size}, ${count} planes: difference ${worst} of ${scale}`);
  }
});

test('the prefilter whitens: a constant image and a brighter copy of a photo give the same output', () => {
  const size = 64;
  const flat = [new Float64Array(size * size).fill(90)];
  gistPrefilter(flat, size, 4);
  assert.ok(flat[0].every((v) => Math.abs(v) < 1e-9), 'a constant image prefilters to zero');
  // log(v + 1) turns a gain into an offset for v ≫ 1, which the whitening removes.
  const a = planesOf(size, 1);
  const b = [a[0].map((v) => 2 * (v + 1) - 1)];
  gistPrefilter(a, size, 4);
  gistPrefilter(b, size, 4);
  let worst = 0;
  for (let i = 0; i < size * size; i++) worst = Math.max(worst, Math.abs(a[0][i] - b[0][i]));
  assert.ok(worst < 1e-9, `a doubled exposure changes the output by ${worst}`);
});
