import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resize, resizeCropSquare } from './resample.ts';
import { createImage } from '../core/image.ts';

test('shrinking by an integer factor averages each block exactly', () => {
  const img = createImage(4, 4, 1, Float32Array.from({ length: 16 }, (_, i) => i));
  const out = resize(img, 2, 2);
  assert.deepEqual(Array.from(out.data), [2.5, 4.5, 10.5, 12.5]);
});

test('resizing keeps a constant image constant and preserves the mean when shrinking', () => {
  const img = createImage(37, 23, 3);
  img.data.fill(0.4);
  const out = resize(img, 11, 7);
  for (const v of out.data) assert.ok(Math.abs(v - 0.4) < 1e-6);
  const ramp = createImage(30, 10, 1, Float32Array.from({ length: 300 }, (_, i) => (i % 30) / 29));
  const small = resize(ramp, 7, 3);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(small.data) - mean(ramp.data)) < 1e-3);
});

test('resizeCropSquare returns the centre square at the requested size', () => {
  const img = createImage(300, 100, 1);
  for (let y = 0; y < 100; y++) for (let x = 0; x < 300; x++) img.data[y * 300 + x] = x < 100 || x >= 200 ? 0 : 1;
  const out = resizeCropSquare(img, 50);
  assert.equal(out.width, 50);
  assert.equal(out.height, 50);
  const mean = out.data.reduce((s, v) => s + v, 0) / out.data.length;
  assert.ok(mean > 0.97, `centre third is white, got mean ${mean}`);
});
