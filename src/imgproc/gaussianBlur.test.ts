import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { gaussianBlur, gaussianKernel } from './gaussianBlur.ts';

test('gaussianKernel sums to 1, is symmetric and has ⌈3σ⌉ taps each side', () => {
  const k = gaussianKernel(1.6);
  assert.equal(k.length, 2 * 5 + 1);
  assert.ok(Math.abs(k.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  for (let i = 0; i < 5; i++) assert.equal(k[i], k[10 - i]);
  assert.ok(k[5] > k[4] && k[4] > k[3]);
});

test('gaussianBlur preserves the sum of a plane whose mass is away from the border', () => {
  const w = 41, h = 33;
  const src = new Float32Array(w * h);
  src[16 * w + 20] = 100;
  src[10 * w + 12] = 7;
  const out = gaussianBlur(src, w, h, 2);
  assert.ok(Math.abs(out.reduce((s, v) => s + v, 0) - 107) < 1e-3);
  assert.ok(out[16 * w + 20] < 100 && out[16 * w + 21] > 0);
});

test('gaussianBlur matches a direct 2-D convolution with the outer-product kernel (edges repeated)', () => {
  const w = 17, h = 12, sigma = 1.3;
  const rng = new Rng(9);
  const src = Float32Array.from({ length: w * h }, () => rng.next());
  const got = gaussianBlur(src, w, h, sigma);
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const at = (x: number, y: number) => src[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) s += k[j + r] * k[i + r] * at(x + i, y + j);
      assert.ok(Math.abs(got[y * w + x] - s) < 1e-5, `(${x}, ${y})`);
    }
  }
});

test('gaussianBlur keeps a constant plane constant and may work in place', () => {
  const p = new Float32Array(30).fill(0.25);
  gaussianBlur(p, 6, 5, 3, p);
  for (const v of p) assert.ok(Math.abs(v - 0.25) < 1e-6);
});

test('gaussianBlur with a reused scratch plane gives the same result as without', () => {
  const w = 23, h = 19;
  const rng = new Rng(3);
  const src = Float32Array.from({ length: w * h }, () => rng.next());
  const scratch = new Float32Array(w * h + 5).fill(Number.NaN);
  const a = gaussianBlur(src, w, h, 1.7);
  const b = gaussianBlur(src, w, h, 1.7, new Float32Array(w * h), scratch);
  assert.deepEqual(b, a);
});
