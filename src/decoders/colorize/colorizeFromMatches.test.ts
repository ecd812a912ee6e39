import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorizeFromMatches } from './colorizeFromMatches.ts';
import { createImage, type Image } from '../../core/image.ts';
import { labToRgbPixel } from '../../imgproc/color.ts';
import { grayFromLightness } from './meanChroma.ts';
import { psnr } from '../../imgproc/quality.ts';
import { colourfulness } from './colorfulness.ts';

/** Sky over a sea over sand, with the horizon at `horizon` (fraction of the height) and some texture. */
function beach(w: number, h: number, horizon: number, seed: number): Image {
  const img = createImage(w, h, 3);
  const n = w * h;
  const px = [0, 0, 0];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const t = ((x * 7 + y * 3 + seed) % 5) - 2;
      const f = y / h;
      const lab = f < horizon ? [78, -8, -28] : f < horizon + 0.25 ? [45 + t, -10, -25] : [70 + 2 * t, 5, 25];
      labToRgbPixel(lab[0], lab[1], lab[2], px);
      for (let c = 0; c < 3; c++) img.data[c * n + y * w + x] = px[c];
    }
  return img;
}

test('both methods beat the gray baseline by PSNR on a scene whose matches share its layout', () => {
  const truth = beach(120, 90, 0.4, 0);
  const gray = grayFromLightness(truth);
  const matches = [beach(150, 150, 0.38, 1), beach(100, 80, 0.42, 2), beach(150, 100, 0.4, 3)];
  const base = psnr(truth.data, gray.data);
  for (const method of ['mean', 'transfer'] as const) {
    const { image } = colorizeFromMatches(gray, matches, { method });
    const p = psnr(truth.data, image.data);
    assert.ok(p > base + 5, `${method}: ${p.toFixed(1)} dB vs gray ${base.toFixed(1)} dB`);
    assert.ok(p < 60, `${method}: suspiciously perfect ${p}`);
    assert.equal(image.width, 120);
    assert.ok(colourfulness(image) > 10);
  }
});

test('a colour input is colorized from its L* only: its own colours do not leak into the result', () => {
  const truth = beach(60, 40, 0.4, 0);
  const red = createImage(30, 30, 3);
  red.data.fill(0.9, 0, 900);
  const a = colorizeFromMatches(truth, [red], { method: 'mean' }).image;
  const b = colorizeFromMatches(grayFromLightness(truth), [red], { method: 'mean' }).image;
  assert.ok(psnr(a.data, b.data) > 40);
});
