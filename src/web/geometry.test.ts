/** The page's pure geometry: downsizing, the map's zoom box, the distance formatter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSize } from './downscale.ts';
import { formatKm } from '../core/formatDistance.ts';
import { pointsBox } from './worldMap.ts';

test('fitSize shrinks the longer side to 1024 px, keeps the aspect, and never enlarges', () => {
  const cases: [number, number, number, number][] = [
    [4000, 3000, 1024, 768],
    [3000, 4000, 768, 1024],
    [1024, 10, 1024, 10],
    [800, 600, 800, 600],
    [5000, 1, 1024, 1],
  ];
  for (const [w, h, ew, eh] of cases) assert.deepEqual(fitSize(w, h), { width: ew, height: eh }, `${w}×${h}`);
  assert.deepEqual(fitSize(2000, 1000, 500), { width: 500, height: 250 });
});

test('pointsBox pads the points by 15 %, to at least 24°×12°, and gives up on a world-wide spread', () => {
  const paris = { latitude: 48.86, longitude: 2.35 };
  const [[w, s], [e, n]] = pointsBox([paris])!;
  assert.ok(Math.abs(e - w - 24) < 1e-9 && Math.abs(n - s - 12) < 1e-9, 'one point: the minimum box around it');
  assert.ok(w < paris.longitude && e > paris.longitude && s < paris.latitude && n > paris.latitude);

  const europe = [paris, { latitude: 41.9, longitude: 12.5 }, { latitude: 59.3, longitude: 18.1 }, { latitude: 38.7, longitude: -9.1 }];
  const [[w2, s2], [e2, n2]] = pointsBox(europe)!;
  assert.ok(Math.abs(w2 - (-9.1 - 0.15 * 27.2)) < 1e-9 && Math.abs(n2 - (59.3 + 0.15 * 20.6)) < 1e-9, 'padded by 15 % of the spread');
  assert.ok(e2 <= 180 && s2 >= -85);

  assert.equal(pointsBox([]), null);
  assert.equal(pointsBox([{ latitude: 0, longitude: -170 }, { latitude: 0, longitude: 170 }]), null, 'across the whole world: show the world');
  const [, [, north]] = pointsBox([{ latitude: 84, longitude: 0 }, { latitude: 60, longitude: 10 }])!;
  assert.equal(north, 85, 'latitudes stay inside the projection');
});

test('formatKm writes metres, one decimal below 100 km, and whole kilometres above', () => {
  assert.deepEqual([0.25, 1, 12.34, 25, 4321.6].map(formatKm), ['250 m', '1 km', '12.3 km', '25 km', '4,322 km']);
});
