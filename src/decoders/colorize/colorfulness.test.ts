import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourfulness } from './colorfulness.ts';
import { createImage } from '../../core/image.ts';

test('a gray image has colourfulness 0', () => {
  const img = createImage(8, 8, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 64) / 64;
  assert.equal(colourfulness(img), 0);
});

test('a uniform pure red image scores 0.3·|μ| = 0.3·√(255² + 127.5²)', () => {
  const img = createImage(4, 4, 3);
  img.data.fill(1, 0, 16);
  const expected = 0.3 * Math.sqrt(255 * 255 + 127.5 * 127.5);
  assert.ok(Math.abs(colourfulness(img) - expected) < 1e-6);
});

test('half red half green scores the hand-computed σ + 0.3·μ', () => {
  const img = createImage(2, 1, 3);
  img.data.set([1, 0, 0, 1, 0, 0]); // R plane, G plane, B plane
  // rg = ±255 → σ_rg = 255, μ_rg = 0; yb = 127.5 both → σ_yb = 0, μ_yb = 127.5.
  assert.ok(Math.abs(colourfulness(img) - (255 + 0.3 * 127.5)) < 1e-6);
});
