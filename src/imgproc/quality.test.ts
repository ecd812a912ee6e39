import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psnr, ssimImage, ssimPlane } from './quality.ts';
import { createImage } from '../core/image.ts';

function pattern(w: number, h: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(w * h);
  const b = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 0.5 + 0.4 * Math.sin(x * 0.3) * Math.cos(y * 0.2);
      a[y * w + x] = v;
      b[y * w + x] = Math.min(1, Math.max(0, Math.fround(v) + 0.1 * Math.sin(x * 1.7 + y * 0.9)));
    }
  return { a, b };
}

test('psnr of a uniform error of 0.1 on [0,1] data is 20 dB', () => {
  const a = new Float32Array(100).fill(0.5);
  const b = new Float32Array(100).fill(0.6);
  assert.ok(Math.abs(psnr(a, b, 1) - 20) < 1e-4);
});

test('psnr of identical signals is infinite', () => {
  const a = new Float32Array([0.1, 0.2]);
  assert.equal(psnr(a, a), Infinity);
});

test('ssim of a plane with itself is exactly 1', () => {
  const { a } = pattern(40, 30);
  assert.ok(Math.abs(ssimPlane(a, a, 40, 30) - 1) < 1e-6);
});

test('ssim matches the Gaussian-window reference (OpenCV/numpy, interior average) to 1e-4', () => {
  // Reference 0.7714144828728416 computed with cv2.GaussianBlur(11x11, sigma 1.5) on the same pattern.
  const { a, b } = pattern(40, 30);
  const s = ssimPlane(a, b, 40, 30, 1);
  assert.ok(Math.abs(s - 0.7714144828728416) < 1e-4, `ssim ${s}`);
});

test('ssim drops as noise grows, and ssimImage averages the channels', () => {
  const { a, b } = pattern(40, 30);
  const c = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) c[i] = a[i] + 2 * (b[i] - a[i]);
  const s1 = ssimPlane(a, b, 40, 30);
  const s2 = ssimPlane(a, c, 40, 30);
  assert.ok(s2 < s1 && s2 > 0, `${s2} < ${s1}`);
  const A = createImage(40, 30, 2);
  const B = createImage(40, 30, 2);
  A.data.set(a, 0);
  A.data.set(a, 1200);
  B.data.set(a, 0);
  B.data.set(b, 1200);
  assert.ok(Math.abs(ssimImage(A, B) - (1 + s1) / 2) < 1e-6);
});
