import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { locateFromNeighbours } from '../../decoders/locate/locateFromNeighbours.ts';
import type { GeoReference } from './geoReference.ts';
import { applyPrior, calibratePriorWeight, FALLBACK_PRIOR_WEIGHT, PriorWeightOption } from './prior.ts';

// A synthetic reference: photos in four cities far apart (one of them, Frankfurt, holds half), 8-D
// descriptors that either carry the city (informative) or are noise.
const CITIES = [[50.1, 8.7], [40.4, -3.7], [59.3, 18.1], [41.9, 12.5]];
function reference(n: number, informative: boolean, takenAt: (j: number) => string | null = () => null): GeoReference {
  const rng = new Rng(3);
  const city = Array.from({ length: n }, (_, j) => (j % 2 ? 0 : 1 + (j % 3)));
  const dim = 8;
  const data = new Float32Array(n * dim);
  for (let j = 0; j < n; j++) for (let d = 0; d < dim; d++) data[j * dim + d] = (informative && d === city[j] ? 4 : 0) + rng.normal() * 0.5;
  const ref = {
    encoder: 'synthetic',
    photos: Array.from({ length: n }, (_, j) => ({ id: j + 1, path: `/p/${j}.jpg`, takenAt: takenAt(j) })),
    latitude: Float64Array.from(city, (c, j) => CITIES[c][0] + 0.01 * (j % 7)),
    longitude: Float64Array.from(city, (c, j) => CITIES[c][1] + 0.01 * (j % 5)),
    parts: [{ data, dim, metric: 'l2', weight: 1, scale: 1, encoder: {} }],
    leftOut: 0,
    inputSize: 32,
    bandwidthKm: 50,
    k: 9,
  };
  return ref as unknown as GeoReference;
}
const est = { k: 9, bandwidthKm: 50, weighting: 'match' as const };

test('the prior weight option takes auto, constant and numbers, also as strings, and refuses the rest', () => {
  assert.equal(PriorWeightOption.parse(undefined), 'auto');
  assert.equal(PriorWeightOption.parse('0.5'), 0.5);
  assert.equal(PriorWeightOption.parse(' 2 '), 2);
  assert.equal(PriorWeightOption.parse(0), 0);
  assert.equal(PriorWeightOption.parse('constant'), 'constant');
  for (const bad of ['', 'lots', -1, '-1', 65, 'Infinity']) assert.equal(PriorWeightOption.safeParse(bad).success, false, String(bad));
});

test('a collection whose descriptors carry the place calibrates a finite γ and keeps confident modes', () => {
  const ref = reference(120, true);
  const cal = calibratePriorWeight(ref, est)!;
  assert.ok(cal, 'calibrated');
  assert.equal(cal.photos, 120);
  assert.equal(cal.holdOut, 'photo', 'no capture times');
  assert.ok(Number.isFinite(cal.gamma), `γ ${cal.gamma}`);
  assert.ok(cal.medianKm < 50 && cal.constantMedianKm > 400, `${cal.medianKm} vs ${cal.constantMedianKm}`);
  assert.equal(calibratePriorWeight(ref, est), cal, 'cached per reference');
  // A query whose 9 votes all sit in Stockholm: the mode stays.
  const neighbours = { latitude: Array(9).fill(59.3), longitude: Array(9).fill(18.1), distance: Array.from({ length: 9 }, (_, i) => 1 + i / 10) };
  const p = applyPrior(ref, { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 50 }) }, 'auto', est);
  assert.equal(p.chosenBy, 'calibration');
  assert.equal(p.chose, 'mode');
  assert.ok(Math.abs(p.latitude - 59.3) < 0.1);
});

test('a collection whose descriptors are noise calibrates the constant prior: every answer is the medoid', () => {
  const ref = reference(120, false);
  const cal = calibratePriorWeight(ref, est)!;
  assert.equal(cal.gamma, Infinity);
  const neighbours = { latitude: [59.3, 59.3, 40.4, 41.9, 41.9, 50.1, 40.4, 59.3, 41.9], longitude: [18.1, 18.1, -3.7, 12.5, 12.5, 8.7, -3.7, 18.1, 12.5], distance: Array(9).fill(1) };
  const p = applyPrior(ref, { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 50 }) }, 'auto', est);
  assert.equal(p.gamma, 'constant');
  assert.equal(p.chose, 'medoid');
  assert.ok(Math.abs(p.latitude - 50.1) < 0.1, `medoid ${p.latitude}, ${p.longitude} is in Frankfurt, where half the photos are`);
});

test('trips are held out whole, and a collection too small to calibrate falls back to the documented γ', () => {
  const day = (j: number) => new Date(Date.UTC(2024, 0, 1 + 3 * Math.floor(j / 4))).toISOString();
  assert.equal(calibratePriorWeight(reference(120, true, day), est)!.holdOut, 'trip');
  const tiny = reference(30, true);
  assert.equal(calibratePriorWeight(tiny, est), null);
  const neighbours = { latitude: [50.1, 40.4], longitude: [8.7, -3.7], distance: [1, 2] };
  const p = applyPrior(tiny, { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 50 }) }, 'auto', est);
  assert.equal(p.chosenBy, 'default');
  assert.equal(p.gamma, FALLBACK_PRIOR_WEIGHT);
  const off = applyPrior(tiny, { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 50 }) }, 0, est);
  assert.deepEqual([off.chose, off.medoid, off.voteWeight], ['mode', null, 1]);
});
