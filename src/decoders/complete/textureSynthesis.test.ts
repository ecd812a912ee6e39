import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { textureSynthesis } from './textureSynthesis.ts';

test('texture synthesis continues a periodic pattern through the hole almost exactly', () => {
  const w = 60;
  const h = 50;
  const img = createImage(w, h, 3);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = ((x + 2 * y + c) % 7) / 7;
  const mask = new Uint8Array(w * h);
  for (let y = 18; y < 32; y++) for (let x = 22; x < 40; x++) mask[y * w + x] = 1;
  const { image, source } = textureSynthesis(img, mask, { halfWindow: 3, seed: 3 });
  let wrong = 0;
  for (let i = 0; i < w * h; i++) {
    if (!mask[i]) {
      assert.equal(image.data[i], img.data[i], 'known pixels are untouched');
      assert.equal(source[i], -1);
      continue;
    }
    assert.ok(source[i] >= 0 && !mask[source[i]], 'filled pixels copy a known pixel');
    if (Math.abs(image.data[i] - img.data[i]) > 1e-6) wrong++;
  }
  assert.ok(wrong <= 2, `${wrong} pixels break the pattern`);
});

test('texture synthesis fills a 150×150 photo with a 20% hole in under 4 seconds', () => {
  const w = 150;
  const h = 150;
  const rng = new Rng(4);
  const img = createImage(w, h, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = 0.5 + 0.3 * Math.sin(i * 0.37) * rng.next();
  const mask = new Uint8Array(w * h);
  for (let y = 40; y < 107; y++) for (let x = 40; x < 107; x++) mask[y * w + x] = 1;
  const t0 = performance.now();
  const { image } = textureSynthesis(img, mask);
  const ms = performance.now() - t0;
  assert.ok(ms < 4000, `${ms.toFixed(0)} ms`);
  for (let i = 0; i < image.data.length; i++) assert.ok(image.data[i] >= 0 && image.data[i] <= 1);
});
