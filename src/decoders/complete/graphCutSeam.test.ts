import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { contextBand } from './contextBand.ts';
import { graphCutSeam } from './graphCutSeam.ts';

const W = 40;
const H = 40;

function squareHole(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 16; y < 24; y++) for (let x = 16; x < 24; x++) m[y * W + x] = 1;
  return m;
}

test('when the images differ by a constant the seam hugs the hole', () => {
  const mask = squareHole();
  const band = contextBand(mask, W, H, 8);
  const q = createImage(W, H, 3);
  const s = createImage(W, H, 3);
  for (let i = 0; i < W * H; i++) {
    q.data[i] = 40 + (i % 7);
    s.data[i] = 60 + (i % 7);
  }
  const seam = graphCutSeam(q, s, mask, band);
  assert.deepEqual(Array.from(seam.take), Array.from(mask));
  assert.equal(seam.length, 32);
});

test('the seam leaves a ring where the images disagree and cuts where they agree', () => {
  const mask = squareHole();
  const band = contextBand(mask, W, H, 10);
  const rng = new Rng(5);
  const q = createImage(W, H, 3);
  const s = createImage(W, H, 3);
  for (let i = 0; i < W * H; i++) {
    q.data[i] = 50;
    const d = band.distance[i];
    // Disagreement (noise) within 3 px of the hole, agreement further out.
    s.data[i] = d > 0 && d <= 3 ? 50 + 40 * rng.next() : 50;
  }
  const seam = graphCutSeam(q, s, mask, band, { distanceCost: 1 });
  let ringTaken = 0;
  let ring = 0;
  for (let i = 0; i < W * H; i++) {
    if (band.distance[i] > 0 && band.distance[i] <= 3) {
      ring++;
      ringTaken += seam.take[i];
    }
    if (band.distance[i] > 7) assert.equal(seam.take[i], 0, 'far pixels stay');
    if (mask[i]) assert.equal(seam.take[i], 1, 'hole pixels are taken');
  }
  assert.equal(ringTaken, ring, 'the noisy ring goes to the scene');
  assert.ok(seam.length > 32 && seam.length < 80, `seam length ${seam.length}`);
});
