import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { crossFitPlanet, planetPredict, trainPlanet } from './planet.ts';

const CITIES = [[48.85, 2.35], [40.7, -74.0], [-33.9, 151.2], [35.7, 139.7], [-23.5, -46.6], [55.75, 37.6]] as const;
const DIM = 16;

/** `perCity` photos around each city; descriptors = the city's random direction + noise (or noise only). */
function scene(perCity: number, signal: number, seed: number) {
  const rng = new Rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const dirs = CITIES.map(() => Float32Array.from({ length: DIM }, gauss));
  const n = CITIES.length * perCity;
  const x = new Float32Array(n * DIM);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const c = p % CITIES.length;
    lat[p] = CITIES[c][0] + (rng.next() - 0.5) * 0.3;
    lon[p] = CITIES[c][1] + (rng.next() - 0.5) * 0.3;
    for (let d = 0; d < DIM; d++) x[p * DIM + d] = signal * dirs[c][d] + gauss();
  }
  return { x, lat, lon, n };
}

const medianKm = (lat: ArrayLike<number>, lon: ArrayLike<number>, tLat: ArrayLike<number>, tLon: ArrayLike<number>) =>
  Array.from(lat, (v, i) => haversineKm(v, lon[i], tLat[i], tLon[i])).sort((a, b) => a - b)[lat.length >> 1];

test('PlaNet names the right city from descriptors that carry it, and answers within the city', () => {
  const train = scene(40, 2, 1);
  const model = trainPlanet(train.x, DIM, train.lat, train.lon, Array.from({ length: train.n }, (_, i) => i));
  assert.ok(model && model.cells.length >= CITIES.length, `${model?.cells.length} cells`);
  const fresh = scene(10, 2, 1); // same city directions (same seed), new photos drawn after them
  const p = planetPredict(model!, fresh.x, fresh.n);
  const median = medianKm(p.latitude, p.longitude, fresh.lat, fresh.lon);
  assert.ok(median < 40, `median error ${median.toFixed(0)} km`);
  assert.ok(Array.from(p.probability).every((v) => v > 0 && v <= 1));
});

test('cross-fitting never trains on the photo it answers: descriptors of pure noise are placed no better than chance', () => {
  const s = scene(40, 0, 2);
  const all = Array.from({ length: s.n }, (_, i) => i);
  const inSample = trainPlanet(s.x, DIM, s.lat, s.lon, all, { epochs: 60, lambda: 0, learningRate: 0.01 })!;
  const memorised = planetPredict(inSample, s.x, s.n);
  const fit = crossFitPlanet(s.x, DIM, s.lat, s.lon, s.x, s.n, (q) => [q], 5);
  const right = (la: ArrayLike<number>, lo: ArrayLike<number>) => Array.from(la, (v, i) => haversineKm(v, lo[i], s.lat[i], s.lon[i]) < 100).filter(Boolean).length / s.n;
  assert.ok(right(memorised.latitude, memorised.longitude) > 0.3, `in-sample: ${right(memorised.latitude, memorised.longitude)}`);
  assert.ok(right(fit.latitude, fit.longitude) < 0.3, `cross-fitted: ${right(fit.latitude, fit.longitude)} (chance 1/6)`);
  assert.ok(fit.cells >= CITIES.length);
});

test('with no exclusions one model answers every query; fewer than two cells gives no model', () => {
  const s = scene(20, 2, 3);
  const fit = crossFitPlanet(s.x, DIM, s.lat, s.lon, s.x, s.n, () => [], 5);
  assert.ok(Array.from(fit.latitude).every(Number.isFinite));
  const one = trainPlanet(s.x, DIM, new Float64Array(s.n).fill(10), new Float64Array(s.n).fill(10), Array.from({ length: 4 }, (_, i) => i));
  assert.equal(one, null);
});
