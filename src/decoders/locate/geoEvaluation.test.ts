import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geoErrorsKm, randomGuessBaseline, summariseGeoErrors } from './geoEvaluation.ts';

test('the summary counts shares within each threshold inclusively and takes the median', () => {
  const s = summariseGeoErrors(Float64Array.of(0.04, 0.5, 30, 3000), [0.05, 1, 25, 200, 2500]);
  assert.deepEqual(s.shares, [0.25, 0.5, 0.5, 0.75, 0.75]);
  assert.equal(s.medianKm, 15.25);
  assert.equal(s.n, 4);
  assert.deepEqual(summariseGeoErrors([25], [25]).shares, [1]);
});

test('errors are great-circle distances in km', () => {
  const e = geoErrorsKm({ latitude: [48.8566], longitude: [2.3522] }, { latitude: [51.5074], longitude: [-0.1278] });
  assert.ok(Math.abs(e[0] - 343.5) < 1);
});

test('the random-guess baseline equals the mean per-photo share of other photos within each threshold', () => {
  // Two photos in Paris 2 km apart, one in Tokyo: each Paris photo has 1 of 2 others within 25 km.
  const s = randomGuessBaseline([48.85, 48.868, 35.68], [2.35, 2.35, 139.7], [1, 25, 20000]);
  assert.ok(Math.abs(s.shares[1] - (0.5 + 0.5 + 0) / 3) < 1e-12);
  assert.equal(s.shares[0], 0);
  assert.equal(s.shares[2], 1);
  assert.equal(s.n, 3);
  assert.ok(s.medianKm > 9000);
});

test('the random-guess baseline of a large collection is sampled and close to the exact one', () => {
  const lat: number[] = [];
  const lon: number[] = [];
  for (let i = 0; i < 400; i++) (lat.push(((i * 37) % 140) - 60), lon.push(((i * 91) % 360) - 180));
  const exact = randomGuessBaseline(lat, lon, [1000, 5000]);
  const sampled = randomGuessBaseline(lat, lon, [1000, 5000], 20_000);
  assert.ok(Math.abs(exact.shares[1] - sampled.shares[1]) < 0.02, `${exact.shares[1]} vs ${sampled.shares[1]}`);
  assert.ok(Math.abs(exact.medianKm - sampled.medianKm) / exact.medianKm < 0.03);
});
