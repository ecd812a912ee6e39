import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewerScene } from './viewerScene.ts';

const camera = { index: 3, name: '0003.jpg', centre: [0.123456789, 0, -2], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], focal: 460.1234567, width: 512, height: 341 };

test('viewerScene keeps every point under the cap, rounded to float precision, with the cameras', () => {
  const s = viewerScene([1.23456789, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60], [camera]);
  assert.deepEqual(s.points, { count: 2, total: 2, xyz: [1.23457, 2, 3, 4, 5, 6], rgb: [10, 20, 30, 40, 50, 60] });
  assert.deepEqual(s.cameras[0].centre, [0.123457, 0, -2]);
  assert.equal(s.cameras[0].focal, 460.123);
  assert.equal(s.cameras[0].name, '0003.jpg');
});

test('viewerScene thins evenly to at most the cap', () => {
  const n = 1000, xyz = Array.from({ length: 3 * n }, (_, i) => Math.floor(i / 3)), rgb = new Array(3 * n).fill(7);
  const s = viewerScene(xyz, rgb, [], 300);
  assert.ok(s.points.count <= 300 && s.points.count >= 250, `${s.points.count}`);
  assert.equal(s.points.total, n);
  assert.equal(s.points.xyz.length, 3 * s.points.count);
  assert.ok(s.points.xyz.at(-3)! > 900, 'the last kept point is near the end, not a prefix');
});
