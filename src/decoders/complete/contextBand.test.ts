import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandRadius, contextBand, distanceToHole, holeStats } from './contextBand.ts';

test('the distance transform equals brute-force Euclidean distance to the hole', () => {
  const w = 23;
  const h = 17;
  const mask = new Uint8Array(w * h);
  for (const [x, y] of [[3, 4], [15, 2], [10, 12], [22, 16]]) mask[y * w + x] = 1;
  const d = distanceToHole(mask, w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let j = 0; j < w * h; j++) if (mask[j]) best = Math.min(best, Math.hypot(x - (j % w), y - Math.floor(j / w)));
      assert.ok(Math.abs(d[y * w + x] - best) < 1e-5, `(${x},${y}) ${d[y * w + x]} vs ${best}`);
    }
  }
});

test('the band holds the known pixels within the radius and its box covers hole and band', () => {
  const w = 40;
  const h = 30;
  const mask = new Uint8Array(w * h);
  for (let y = 10; y < 15; y++) for (let x = 12; x < 20; x++) mask[y * w + x] = 1;
  const b = contextBand(mask, w, h, 3);
  assert.deepEqual([b.x0, b.y0, b.x1, b.y1], [9, 7, 23, 18]);
  assert.equal(b.band[10 * w + 12], 0, 'hole pixels are not band pixels');
  assert.equal(b.band[10 * w + 9], 1);
  assert.equal(b.band[10 * w + 8], 0);
  assert.equal(b.count, 2 * 8 * 3 + 2 * 5 * 3 + 4 * 4, "sides plus rounded corners");
});

test('the band radius scales with the photo: 80 px at 480 px, 25 px at 150 px', () => {
  assert.equal(bandRadius(640, 480), 80);
  assert.equal(bandRadius(150, 150), 25);
  assert.equal(bandRadius(20, 20), 4);
});

test('hole stats count pixels and detect a hole on the border', () => {
  const mask = new Uint8Array(25);
  mask[12] = 1;
  assert.deepEqual(holeStats(mask, 5, 5), { holePixels: 1, touchesBorder: false });
  mask[4] = 1;
  assert.deepEqual(holeStats(mask, 5, 5), { holePixels: 2, touchesBorder: true });
});
