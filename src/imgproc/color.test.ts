import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rgbToLabPixel, labToRgbPixel, rgbToLab, labToRgb } from './color.ts';
import { createImage } from '../core/image.ts';
import { Rng } from '../core/rng.ts';

test('sRGB primaries map to their published CIE L*a*b* (D65) values', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1], [100, 0, 0]],
    [[0, 0, 0], [0, 0, 0]],
    [[1, 0, 0], [53.2408, 80.0925, 67.2032]],
    [[0, 1, 0], [87.7347, -86.1827, 83.1793]],
    [[0, 0, 1], [32.297, 79.1875, -107.8602]],
  ];
  for (const [rgb, lab] of cases) {
    const got = rgbToLabPixel(rgb[0], rgb[1], rgb[2]);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i] - lab[i]) < 0.01, `${rgb} → ${got} expected ${lab}`);
  }
});

test('Lab to sRGB inverts sRGB to Lab within 1e-5 on random colours', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 1000; i++) {
    const rgb = [rng.next(), rng.next(), rng.next()];
    const lab = rgbToLabPixel(rgb[0], rgb[1], rgb[2]);
    const back = labToRgbPixel(lab[0], lab[1], lab[2]);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(back[c] - rgb[c]) < 1e-5);
  }
});

test('the image conversion agrees with the exact per-pixel conversion', () => {
  const rng = new Rng(5);
  const img = createImage(17, 9, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.next();
  const lab = rgbToLab(img);
  const n = 17 * 9;
  for (let i = 0; i < n; i += 7) {
    const want = rgbToLabPixel(img.data[i], img.data[n + i], img.data[2 * n + i]);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(lab.data[c * n + i] - want[c]) < 2e-3);
  }
  const back = labToRgb(lab);
  for (let i = 0; i < img.data.length; i++) assert.ok(Math.abs(back.data[i] - img.data[i]) < 1e-4);
});
