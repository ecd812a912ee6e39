import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { topViewPng } from './topView.ts';
import { topViewFrame } from './topViewProjection.ts';

/** A camera at (x, 0, 0) with the identity rotation: looking along world +z, image down along world +y (so up is −y). */
const camera = (x: number, label: string) => ({ centre: [x, 0, 0], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], label });

test('topViewFrame puts up against the cameras’ y axes and forward along their viewing direction, right-handed', () => {
  const f = topViewFrame([{ centre: [0, 0, 0], R: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, { centre: [1, 0, 0], R: [1, 0, 0, 0, 0.98, 0.2, 0, -0.2, 0.98] }]);
  assert.ok(f.up[1] < -0.99, `up ${f.up}`);
  assert.ok(f.forward[2] > 0.99, `forward ${f.forward}`);
  const c = [f.right[1] * f.forward[2] - f.right[2] * f.forward[1], f.right[2] * f.forward[0] - f.right[0] * f.forward[2], f.right[0] * f.forward[1] - f.right[1] * f.forward[0]];
  for (let d = 0; d < 3; d++) assert.ok(Math.abs(c[d] - f.up[d]) < 1e-9, 'right × forward = up');
  assert.ok(f.right[0] > 0.99, 'the cameras’ right (world +x) stays on the right: seen from above, not mirrored');
});

test('topViewPng draws the points ahead of the cameras in their colours, the cameras at the bottom, ignoring a far outlier', async () => {
  // A red 20 × 20 grid at z = 5 … 7 (the scene), one blue point 1000 units away (an outlier), three cameras on z = 0.
  const xyz: number[] = [], rgb: number[] = [];
  for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) xyz.push(-1 + i * 0.1, 0.5, 5 + j * 0.1), rgb.push(220, 30, 30);
  xyz.push(1000, 0, 1000), rgb.push(0, 0, 255);
  const { png, width, height } = await topViewPng({ xyz, rgb, cameras: [camera(-1, '0'), camera(0, '1'), camera(1, '2')] }, { size: 400 });
  assert.ok(width <= 400 && height <= 400 && Math.max(width, height) > 300, `${width}×${height}`);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => Array.from(data.subarray(info.channels * (y * info.width + x), info.channels * (y * info.width + x) + 3));
  const red = (p: number[]) => p[0] > 180 && p[1] < 80 && p[2] < 80;
  const yellow = (p: number[]) => p[0] > 200 && p[1] > 170 && p[2] < 120;
  let redTop = 0, redBottom = 0, blue = 0, yellowBottom = 0, yellowTop = 0;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    const p = at(x, y), top = y < info.height / 2;
    if (red(p)) top ? redTop++ : redBottom++;
    if (p[2] > 200 && p[0] < 60) blue++;
    if (yellow(p)) top ? yellowTop++ : yellowBottom++;
  }
  assert.ok(redTop > 2000, `${redTop} red pixels in the upper half (the grid is 400 dots)`);
  assert.ok(redTop > 20 * redBottom, `red below: ${redBottom}`);
  assert.equal(blue, 0, 'the outlier lies outside the 2nd–98th percentile extent');
  assert.ok(yellowBottom > 50 && yellowTop < yellowBottom / 4, `camera markers: ${yellowBottom} below, ${yellowTop} above`);
});

test('topViewPng draws cameras alone when there are no points', async () => {
  const { png, width } = await topViewPng({ xyz: [], rgb: [], cameras: [camera(0, '0'), camera(2, '1')] }, { size: 200 });
  assert.ok(width >= 64);
  assert.equal((await sharp(png).metadata()).format, 'png');
});
