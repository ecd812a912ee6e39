import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grayFromLightness, lightness, meanChroma, meanChromaMagnitude, meanImage, recombineLab } from './meanChroma.ts';
import { createImage } from '../../core/image.ts';
import { rgbToLabPixel } from '../../imgproc/color.ts';

function solid(w: number, h: number, r: number, g: number, b: number) {
  const img = createImage(w, h, 3);
  const n = w * h;
  img.data.fill(r, 0, n);
  img.data.fill(g, n, 2 * n);
  img.data.fill(b, 2 * n, 3 * n);
  return img;
}

test('mean chroma of a red and a blue photo is the average of their a*, b*', () => {
  const red = solid(20, 10, 0.8, 0.1, 0.1);
  const blue = solid(7, 9, 0.1, 0.2, 0.8);
  const c = meanChroma([red, blue], 4, 4);
  const lr = rgbToLabPixel(0.8, 0.1, 0.1);
  const lb = rgbToLabPixel(0.1, 0.2, 0.8);
  assert.ok(Math.abs(c.a[5] - (lr[1] + lb[1]) / 2) < 0.05);
  assert.ok(Math.abs(c.b[5] - (lr[2] + lb[2]) / 2) < 0.05);
});

test('weights pick the photos: zero weight removes one entirely', () => {
  const red = solid(4, 4, 0.8, 0.1, 0.1);
  const blue = solid(4, 4, 0.1, 0.2, 0.8);
  const c = meanChroma([red, blue], 2, 2, [1, 0]);
  assert.ok(Math.abs(c.a[0] - rgbToLabPixel(0.8, 0.1, 0.1)[1]) < 0.05);
});

test('recombining a photo’s own L* with its own a*, b* gives the photo back', () => {
  const img = createImage(6, 5, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = 0.2 + 0.6 * ((i * 37) % 11) / 11;
  const L = lightness(img);
  const own = meanChroma([img], 6, 5);
  const back = recombineLab(L, 6, 5, own);
  for (let i = 0; i < img.data.length; i++) assert.ok(Math.abs(back.data[i] - img.data[i]) < 2e-3, `${i}`);
});

test('the gray version keeps L* exactly and has no chroma', () => {
  const img = solid(3, 3, 0.9, 0.4, 0.1);
  const g = grayFromLightness(img);
  assert.ok(Math.abs(lightness(g)[0] - lightness(img)[0]) < 0.05);
  assert.ok(meanChromaMagnitude(g) < 0.5);
  assert.ok(meanChromaMagnitude(img) > 30);
});

test('meanImage averages photos in RGB after resizing', () => {
  const m = meanImage([solid(4, 4, 1, 0, 0), solid(8, 2, 0, 0, 1)], 2, 2);
  assert.ok(Math.abs(m.data[0] - 0.5) < 1e-6 && Math.abs(m.data[8] - 0.5) < 1e-6 && m.data[4] === 0);
});
