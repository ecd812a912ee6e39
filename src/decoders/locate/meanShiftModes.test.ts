import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { destinationPoint, haversineKm } from '../../math/greatCircle.ts';
import { meanShiftModes } from './meanShiftModes.ts';

function cluster(rng: Rng, lat: number, lon: number, n: number, sigmaKm: number, out: { lat: number[]; lon: number[] }): void {
  for (let i = 0; i < n; i++) {
    const [a, b] = destinationPoint(lat, lon, rng.next() * 360, Math.abs(rng.normal()) * sigmaKm);
    out.lat.push(a);
    out.lon.push(b);
  }
}

test('mean-shift finds three planted clusters, strongest first, one of them straddling the antimeridian', () => {
  const rng = new Rng(7);
  const pts = { lat: [] as number[], lon: [] as number[] };
  cluster(rng, -17.7, 179.9, 40, 30, pts); // Fiji, across ±180°
  cluster(rng, 48.85, 2.35, 25, 30, pts); // Paris
  cluster(rng, 35.68, 139.7, 15, 30, pts); // Tokyo
  pts.lat.push(-60);
  pts.lon.push(-40); // one outlier
  const modes = meanShiftModes(pts.lat, pts.lon, new Float64Array(pts.lat.length).fill(1), { bandwidthKm: 100 });
  assert.equal(modes.length, 4);
  assert.deepEqual(modes.map((m) => m.count), [40, 25, 15, 1]);
  assert.ok(haversineKm(modes[0].latitude, modes[0].longitude, -17.7, 179.9) < 20, `Fiji mode at ${modes[0].latitude}, ${modes[0].longitude}`);
  assert.ok(haversineKm(modes[1].latitude, modes[1].longitude, 48.85, 2.35) < 20);
  assert.ok(haversineKm(modes[2].latitude, modes[2].longitude, 35.68, 139.7) < 20);
  assert.ok(Math.abs(modes[0].support - 40 / 81) < 1e-12);
});

test('mean-shift weights decide which of two equal-sized clusters is the estimate', () => {
  const lat = [10, 10.001, 10.002, -30, -30.001, -30.002];
  const lon = [20, 20, 20, 150, 150, 150];
  const modes = meanShiftModes(lat, lon, [1, 1, 1, 3, 3, 3], { bandwidthKm: 5 });
  assert.equal(modes.length, 2);
  assert.ok(Math.abs(modes[0].latitude - -30.001) < 1e-3);
  assert.ok(Math.abs(modes[0].support - 0.75) < 1e-12);
  assert.deepEqual(Array.from(modes[0].members), [3, 4, 5]);
});

test('mean-shift works at campus scale (metres) without losing precision', () => {
  const rng = new Rng(3);
  const pts = { lat: [] as number[], lon: [] as number[] };
  cluster(rng, 39.9522, -75.1932, 20, 0.01, pts);
  cluster(rng, 39.9505, -75.1975, 10, 0.01, pts); // ~400 m away
  const modes = meanShiftModes(pts.lat, pts.lon, new Float64Array(30).fill(1), { bandwidthKm: 0.03 });
  assert.equal(modes[0].count, 20);
  assert.equal(modes[1].count, 10);
  assert.ok(haversineKm(modes[0].latitude, modes[0].longitude, 39.9522, -75.1932) < 0.01);
});
