import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localSigma, welshTransfer } from './welshTransfer.ts';
import { createImage, type Image } from '../../core/image.ts';
import { lightness, meanChroma } from './meanChroma.ts';
import { labToRgbPixel } from '../../imgproc/color.ts';

/** Top half: bright sky blue; bottom half: dark green grass (with texture). */
function scene(w: number, h: number, texture: number): Image {
  const img = createImage(w, h, 3);
  const n = w * h;
  const px = [0, 0, 0];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sky = y < h / 2;
      const t = texture * (((x * 7 + y * 13) % 5) - 2);
      labToRgbPixel(sky ? 75 : 40 + t, sky ? -5 : -35, sky ? -30 : 30, px);
      for (let c = 0; c < 3; c++) img.data[c * n + y * w + x] = px[c];
    }
  return img;
}

test('local sigma is 0 on a flat plane and positive across an edge', () => {
  const L = Float32Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 10 : 50));
  const s = localSigma(L, 8, 8, 1);
  assert.equal(s[0], 0);
  assert.ok(s[3] > 15);
});

test('transfer paints sky colour on the bright half and grass colour on the dark half', () => {
  const w = 40;
  const h = 30;
  const truth = scene(w, h, 3);
  const L = lightness(truth);
  const source = scene(60, 50, 4); // same layout, other size and texture
  const c = welshTransfer(L, w, h, [source], { spatialWeight: 0 });
  const own = meanChroma([truth], w, h);
  let err = 0;
  for (let i = 0; i < w * h; i++) err += Math.abs(c.a[i] - own.a[i]) + Math.abs(c.b[i] - own.b[i]);
  err /= 2 * w * h;
  assert.ok(err < 3, `mean |Δab| ${err}`);
});

test('the spatial term decides between two regions of equal luminance', () => {
  // Source: left half red, right half blue, equal flat L*. Target: flat with the same L*.
  const w = 20;
  const h = 10;
  const src = createImage(w, h, 3);
  const n = w * h;
  const px = [0, 0, 0];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      labToRgbPixel(50, x < w / 2 ? 50 : 10, x < w / 2 ? 30 : -50, px);
      for (let ch = 0; ch < 3; ch++) src.data[ch * n + y * w + x] = px[ch];
    }
  const L = new Float32Array(n).fill(50);
  const c = welshTransfer(L, w, h, [src], { spatialWeight: 1, best: 1 });
  assert.ok(c.a[5 * w + 1] > 40 && c.b[5 * w + 1] > 20, 'left pixel is red');
  assert.ok(c.b[5 * w + 18] < -40, 'right pixel is blue');
});

test('the same seed gives the same result', () => {
  const t = scene(16, 16, 2);
  const L = lightness(t);
  const r1 = welshTransfer(L, 16, 16, [scene(16, 16, 3)], { seed: 7 });
  const r2 = welshTransfer(L, 16, 16, [scene(16, 16, 3)], { seed: 7 });
  assert.deepEqual(r1.a, r2.a);
});
