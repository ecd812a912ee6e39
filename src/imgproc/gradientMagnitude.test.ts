import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientMagnitude } from './gradientMagnitude.ts';

test('gradientMagnitude of the plane 3x + 4y is 5 everywhere, border included', () => {
  const w = 6, h = 5;
  const v = Float32Array.from({ length: w * h }, (_, i) => 3 * (i % w) + 4 * Math.floor(i / w));
  const g = gradientMagnitude(v, w, h);
  for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - 5) < 1e-6, `${i}: ${g[i]}`);
});

test('gradientMagnitude of a constant plane is zero', () => {
  const g = gradientMagnitude(new Float32Array(12).fill(7), 4, 3);
  assert.deepEqual(Array.from(g), new Array(12).fill(0));
});
