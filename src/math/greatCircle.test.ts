import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationPoint, fromVector, haversineKm, normaliseLongitude, toUnitVectors, chordAngleKm } from './greatCircle.ts';

test('haversine distances between known city pairs match published great-circle distances within 1 km', () => {
  const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
  close(haversineKm(51.5074, -0.1278, 48.8566, 2.3522), 343.5, 1); // London → Paris
  close(haversineKm(40.7128, -74.006, 34.0522, -118.2437), 3935.7, 1); // New York → Los Angeles
  close(haversineKm(-33.8688, 151.2093, -33.4489, -70.6693), 11340, 15); // Sydney → Santiago, across the antimeridian
  close(haversineKm(0, 0, 0, 180), Math.PI * 6371.0088, 1e-6); // antipodes
  assert.equal(haversineKm(10, 20, 10, 20), 0);
});

test('destination point walks the stated distance, also across the antimeridian', () => {
  const [lat, lon] = destinationPoint(0, 179.5, 90, 111.195);
  assert.ok(Math.abs(lat) < 1e-9);
  assert.ok(Math.abs(lon - -179.5) < 1e-3, `lon ${lon}`);
  for (const bearing of [0, 45, 137, 270]) {
    const [la, lo] = destinationPoint(39.95, -75.19, bearing, 0.05);
    assert.ok(Math.abs(haversineKm(39.95, -75.19, la, lo) - 0.05) < 1e-9);
  }
});

test('unit vectors round-trip to latitude/longitude and give the haversine distance', () => {
  const u = toUnitVectors([12.5, -80, 10], [-170.25, 33, 179.999]);
  const [lat, lon] = fromVector(u[0], u[1], u[2]);
  assert.ok(Math.abs(lat - 12.5) < 1e-9 && Math.abs(lon + 170.25) < 1e-9);
  assert.ok(Math.abs(chordAngleKm(u, 0, u, 2) - haversineKm(12.5, -170.25, 10, 179.999)) < 1e-6);
  assert.equal(normaliseLongitude(190), -170);
  assert.equal(normaliseLongitude(180), -180);
});
