import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densityGrid, kernelDensity } from './kernelDensity.ts';
import { toUnitVectors } from '../../math/greatCircle.ts';

test('the kernel density peaks at 1 / (2π h²) per km² on a single point and halves its log at one bandwidth', () => {
  const p = toUnitVectors([45], [7]);
  const h = 10;
  const [peak] = kernelDensity(p, [1], h, p);
  assert.ok(Math.abs(peak * 2 * Math.PI * h * h - 1) < 1e-6, `peak ${peak}`);
  // One bandwidth north (h km = h / 111.195 degrees): exp(-1/2) of the peak.
  const [off] = kernelDensity(p, [1], h, toUnitVectors([45 + h / 111.19508], [7]));
  assert.ok(Math.abs(off / peak - Math.exp(-0.5)) < 1e-4, `ratio ${off / peak}`);
});

test('a density grid over a region integrates to about one', () => {
  const grid = { south: 40, north: 50, west: -5, east: 10, width: 150, height: 100 };
  const d = densityGrid([45, 46], [2, 3], [1, 1], 30, grid);
  let total = 0;
  for (let y = 0; y < grid.height; y++) {
    const lat = grid.north - ((y + 0.5) / grid.height) * 10;
    const cellKm2 = (10 / 100) * 111.19508 * (15 / 150) * 111.19508 * Math.cos((lat * Math.PI) / 180);
    for (let x = 0; x < grid.width; x++) total += d[y * grid.width + x] * cellKm2;
  }
  assert.ok(Math.abs(total - 1) < 0.01, `integral ${total}`);
});

test('a density grid wraps across the antimeridian', () => {
  const d = densityGrid([0], [179.9], [1], 50, { south: -5, north: 5, west: 170, east: -170, width: 20, height: 10 });
  let argmax = 0;
  for (let i = 1; i < d.length; i++) if (d[i] > d[argmax]) argmax = i;
  assert.ok([9, 10].includes(argmax % 20), `peak in column ${argmax % 20}`);
});
