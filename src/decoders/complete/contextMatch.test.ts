import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, plane } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { contextBand } from './contextBand.ts';
import { contextTemplate, matchContext, placementTerms, placeScene, ssdMap } from './contextMatch.ts';
import { textureDescriptor } from './textureTerm.ts';

function randomLab(w: number, h: number, seed: number) {
  const rng = new Rng(seed);
  const img = createImage(w, h, 3);
  // Smooth random field so textures are meaningful: sum of a few sinusoids plus noise.
  for (let c = 0; c < 3; c++) {
    const fx = 0.05 + rng.next() * 0.2;
    const fy = 0.05 + rng.next() * 0.2;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = 50 + 30 * Math.sin(fx * x + c) * Math.cos(fy * y) + 5 * rng.next();
  }
  return img;
}

function boxMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number) {
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
  return m;
}

test('the FFT SSD map equals the naive SSD at every translation', () => {
  const w = 24;
  const h = 20;
  const q = randomLab(w, h, 1);
  const mask = boxMask(w, h, 10, 8, 14, 12);
  const band = contextBand(mask, w, h, 3);
  const t = contextTemplate(q, band, 0.7);
  const scene = randomLab(37, 29, 2);
  const tex = textureDescriptor(plane(scene, 0), 37, 29);
  const map = ssdMap(t, scene, tex);
  assert.ok(map);
  assert.equal(map.cols, 37 - (band.x1 - band.x0) + 1);
  let worst = 0;
  for (let oy = 0; oy < map.rows; oy++) {
    for (let ox = 0; ox < map.cols; ox++) {
      const terms = placementTerms(t, scene, tex, ox - band.x0, oy - band.y0);
      const naive = (terms.colorSsd + 0.7 * terms.textureSsd) * band.count;
      worst = Math.max(worst, Math.abs(naive - map.ssd[oy * map.cols + ox]) / Math.max(1, naive));
    }
  }
  assert.ok(worst < 1e-9, `relative error ${worst}`);
});

test('context matching finds the translation of a scene that contains the query', () => {
  const big = randomLab(96, 96, 3);
  const w = 64;
  const h = 64;
  // The query is the scene cropped at (13, 21), resized to cover: use a scene already of the query size ratio.
  const q = createImage(w, h, 3);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) q.data[c * w * h + y * w + x] = big.data[c * 96 * 96 + (y + 21) * 96 + x + 13];
  const mask = boxMask(w, h, 28, 26, 38, 36);
  const band = contextBand(mask, w, h, 6);
  const t = contextTemplate(q, band, 1);
  // Scale 1.0 only: the cover factor for a 96-px scene on a 64-px query is 2/3, so ask for σ = 1.5.
  const p = matchContext(t, big, [1.5]);
  assert.ok(p);
  assert.equal(p.factor, 1);
  assert.equal(p.dx, 13);
  assert.equal(p.dy, 21);
  assert.ok(p.colorSsd < 1e-6, `colour SSD ${p.colorSsd}`);
  const placed = placeScene(big, p, w, h);
  assert.ok(Math.abs(placed.data[30 * w + 30] - q.data[30 * w + 30]) < 1e-5);
});

test('a scene smaller than the band box at every scale gives no placement', () => {
  const q = randomLab(40, 40, 4);
  const band = contextBand(boxMask(40, 40, 2, 2, 38, 38), 40, 40, 2);
  const t = contextTemplate(q, band);
  assert.equal(matchContext(t, randomLab(40, 40, 5), [0.5]), null);
});
