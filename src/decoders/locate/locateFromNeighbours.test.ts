import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haversineKm } from '../../math/greatCircle.ts';
import { locateFromNeighbours, matchWeights } from './locateFromNeighbours.ts';
import { defaultBandwidthKm } from './defaultBandwidthKm.ts';

test('the estimate is the majority cluster even when the 1-NN is elsewhere', () => {
  // 1-NN in New York; five of the eight neighbours around Rome.
  const latitude = [40.71, 41.9, 41.89, 41.91, 34.05, 41.9, 41.88, 51.5];
  const longitude = [-74.0, 12.49, 12.5, 12.48, -118.24, 12.51, 12.49, -0.12];
  const distance = [1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07];
  const est = locateFromNeighbours({ latitude, longitude, distance }, { bandwidthKm: 50, weighting: 'uniform' });
  assert.ok(haversineKm(est.latitude, est.longitude, 41.9, 12.49) < 5);
  assert.deepEqual(est.nearest, { latitude: 40.71, longitude: -74.0 });
  assert.equal(est.modes[0].count, 5);
  assert.ok(Math.abs(est.confidence - 5 / 8) < 1e-12);
  assert.equal(est.modes.length, 4);
});

test('match weighting lets a tight group of near-duplicates outvote a loose tail', () => {
  const latitude = [10, 10.001, -20, -20.001, -20.002];
  const longitude = [10, 10, 30, 30, 30];
  const distance = [0.1, 0.1, 2, 2.1, 2.2];
  const uniform = locateFromNeighbours({ latitude, longitude, distance }, { bandwidthKm: 10, weighting: 'uniform' });
  const match = locateFromNeighbours({ latitude, longitude, distance }, { bandwidthKm: 10 });
  assert.ok(uniform.latitude < -19);
  assert.ok(match.latitude > 9);
  assert.ok(match.confidence > 0.5 && match.confidence < 1);
});

test('match weights are 1 for the best match and 1/e at the median, normalised', () => {
  const w = matchWeights([1, 2, 3]);
  assert.ok(Math.abs(w[1] / w[0] - Math.exp(-1)) < 1e-12);
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.deepEqual(Array.from(matchWeights([4, 4])), [0.5, 0.5]);
});

test('the default bandwidth follows the spread: metres on a campus, hundreds of km world-wide', () => {
  const campus = defaultBandwidthKm([39.9516, 39.9522, 39.9505, 39.953], [-75.1922, -75.1932, -75.1975, -75.19]);
  assert.ok(campus >= 0.025 && campus < 0.05, `campus ${campus}`);
  const world = defaultBandwidthKm([48.85, 40.71, -33.87, 35.68, -23.55], [2.35, -74, 151.2, 139.7, -46.63]);
  assert.ok(world > 300 && world <= 500, `world ${world}`);
});
