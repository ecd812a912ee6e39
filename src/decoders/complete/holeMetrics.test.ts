import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { holeQuality, seamVisibility } from './holeMetrics.ts';

function photo(w: number, h: number) {
  const rng = new Rng(1);
  const img = createImage(w, h, 3);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = 0.4 + 0.2 * Math.sin(0.1 * x + 0.07 * y + c) + 0.02 * rng.next();
  return img;
}

const W = 48;
const H = 40;
const mask = new Uint8Array(W * H);
for (let y = 12; y < 28; y++) for (let x = 16; x < 34; x++) mask[y * W + x] = 1;

test('a perfect fill scores infinite PSNR, SSIM 1 and an invisible seam near 1', () => {
  const img = photo(W, H);
  const q = holeQuality(img, img, mask);
  assert.equal(q.psnr, Infinity);
  assert.ok(Math.abs(q.ssim - 1) < 1e-9);
  assert.ok(q.seam > 0.6 && q.seam < 1.6, `seam ${q.seam}`);
});

test('a fill offset by 0.2 has PSNR 14 dB and a clearly visible seam', () => {
  const img = photo(W, H);
  const bad = createImage(W, H, 3, img.data.map((v, i) => (mask[i % (W * H)] ? v + 0.2 : v)));
  const q = holeQuality(img, bad, mask);
  assert.ok(Math.abs(q.psnr - 20 * Math.log10(1 / 0.2)) < 1e-3, `psnr ${q.psnr}`);
  assert.ok(q.ssim < 0.9 && q.ssim > 0.2, `ssim ${q.ssim}`);
  assert.ok(q.seam > 3 * seamVisibility(img, mask), `seam ${q.seam}`);
});
