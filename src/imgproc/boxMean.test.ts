import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { boxMean } from './boxMean.ts';

function bruteBox(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let c = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          s += src[yy * w + xx];
          c++;
        }
      out[y * w + x] = s / c;
    }
  return out;
}

test('boxMean equals the brute-force clipped window mean', () => {
  const rng = new Rng(3);
  const w = 13;
  const h = 7;
  const src = Float32Array.from({ length: w * h }, () => rng.next());
  for (const r of [0, 1, 3, 9]) {
    const fast = boxMean(src, w, h, r);
    const slow = bruteBox(src, w, h, r);
    for (let i = 0; i < src.length; i++) assert.ok(Math.abs(fast[i] - slow[i]) < 1e-5, `r=${r} i=${i}`);
  }
});
