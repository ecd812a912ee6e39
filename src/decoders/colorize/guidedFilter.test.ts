import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guidedFilter, guidedUpsample } from './guidedFilter.ts';
import { Rng } from '../../core/rng.ts';

test('guided filter with the input as its own guide and tiny eps keeps a step edge sharp', () => {
  const w = 32;
  const h = 8;
  const step = Float32Array.from({ length: w * h }, (_, i) => (i % w < 16 ? 0.2 : 0.8));
  const out = guidedFilter(step, step, w, h, 4, 1e-6);
  for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i] - step[i]) < 1e-3);
});

test('guided filter smooths noise inside flat guide regions', () => {
  const rng = new Rng(5);
  const w = 32;
  const h = 32;
  const guide = new Float32Array(w * h).fill(0.5);
  const noisy = Float32Array.from({ length: w * h }, () => 10 + (rng.next() - 0.5) * 4);
  const out = guidedFilter(guide, noisy, w, h, 3, 1e-3);
  const sd = (p: Float32Array) => {
    const m = p.reduce((a, b) => a + b, 0) / p.length;
    return Math.sqrt(p.reduce((a, b) => a + (b - m) ** 2, 0) / p.length);
  };
  assert.ok(sd(out) < sd(noisy) / 3, `${sd(out)} vs ${sd(noisy)}`);
});

test('guided upsampling puts a low-resolution colour edge where the full-resolution guide has it', () => {
  // Guide: sharp vertical edge at x = 37 of 64. Source: the same edge seen at 8×8 (blurred across a cell).
  const W = 64;
  const H = 16;
  const guide = Float32Array.from({ length: W * H }, (_, i) => (i % W < 37 ? 0.1 : 0.9));
  const w = 8;
  const h = 2;
  const src = Float32Array.from({ length: w * h }, (_, i) => {
    const x0 = (i % w) * 8;
    const frac = Math.min(8, Math.max(0, 37 - x0)) / 8; // share of the cell left of the edge
    return frac * -20 + (1 - frac) * 30;
  });
  const up = guidedUpsample(guide, W, H, src, w, h, 1, 1e-4);
  const row = 8 * W;
  assert.ok(up[row + 34] < -10, `left of edge ${up[row + 34]}`);
  assert.ok(up[row + 39] > 20, `right of edge ${up[row + 39]}`);
  assert.ok(Math.abs(up[row + 36] - up[row + 37]) > 30, 'the step lies exactly at the guide edge');
});
