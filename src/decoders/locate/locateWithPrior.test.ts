import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossFitPrior } from './crossFitPrior.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { geoPrior, priorExpectedErrorKm } from './geoPrior.ts';
import { locateFromNeighbours } from './locateFromNeighbours.ts';
import { chooseWithPrior, formatPriorWeight, priorChoice, voteWeight } from './locateWithPrior.ts';

// A collection mostly in central Europe (20 photos around Frankfurt), with 5 far-away outliers.
const lat = [...Array.from({ length: 20 }, (_, i) => 50 + (i % 5) * 0.3), 35.68, -33.87, 40.71, -23.55, 1.35];
const lon = [...Array.from({ length: 20 }, (_, i) => 8.6 + Math.floor(i / 5) * 0.3), 139.7, 151.2, -74.0, -46.63, 103.8];
const prior = geoPrior(lat, lon);

function estimateOf(nLat: number[], nLon: number[]) {
  const neighbours = { latitude: nLat, longitude: nLon, distance: nLat.map((_, i) => 1 + i * 0.01) };
  return { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 200, weighting: 'uniform' }) };
}

test('weak, spread-out votes move the estimate to the collection medoid', () => {
  // Five neighbours on five continents: every mode has a fifth of the votes.
  const { neighbours, estimate } = estimateOf([35.68, -33.87, 40.71, -23.55, 1.35], [139.7, 151.2, -74.0, -46.63, 103.8]);
  assert.ok(estimate.confidence <= 0.2 + 1e-9);
  const choice = priorChoice(estimate, neighbours, prior);
  const e = chooseWithPrior(choice, 1);
  assert.equal(e.index, 1, 'the medoid');
  assert.ok(haversineKm(e.latitude, e.longitude, 50.6, 9.05) < 100, `estimate ${e.latitude}, ${e.longitude} is in the European cluster`);
  assert.ok(haversineKm(estimate.latitude, estimate.longitude, 50.6, 9.05) > 5000, 'the mode alone was on another continent');
  assert.ok(priorExpectedErrorKm(prior, e.latitude, e.longitude) < priorExpectedErrorKm(prior, estimate.latitude, estimate.longitude));
});

test('concentrated votes keep the mode, even far from the prior', () => {
  const { neighbours, estimate } = estimateOf([35.68, 35.69, 35.67, 35.7, 1.35], [139.7, 139.71, 139.69, 139.72, 103.8]);
  assert.ok(estimate.confidence >= 0.8 - 1e-9);
  const e = chooseWithPrior(priorChoice(estimate, neighbours, prior), 1);
  assert.equal(e.index, 0);
  assert.ok(haversineKm(e.latitude, e.longitude, 35.69, 139.7) < 5);
  assert.equal(chooseWithPrior(priorChoice(estimate, neighbours, prior), Infinity).index, 1, 'γ = ∞ is the constant prior');
  assert.equal(voteWeight(0.3, 0), 1);
  assert.equal(voteWeight(1, Infinity), 0);
});

test('cross-fitting picks the constant prior on both folds when the votes are noise', () => {
  // Truth in the European cluster, votes drawn from the outliers: the mode is always wrong.
  const choices = [];
  const truth = { latitude: [] as number[], longitude: [] as number[] };
  for (let q = 0; q < 12; q++) {
    const o = [20 + (q % 5), 20 + ((q + 1) % 5), 20 + ((q + 2) % 5)];
    const { neighbours, estimate } = estimateOf(o.map((j) => lat[j]), o.map((j) => lon[j]));
    choices.push(priorChoice(estimate, neighbours, prior));
    truth.latitude.push(lat[q]), truth.longitude.push(lon[q]);
  }
  const r = crossFitPrior(choices, truth, Int32Array.from({ length: 12 }, (_, q) => q % 2));
  assert.equal(r.gammaPerFold.length, 2);
  for (let q = 0; q < 12; q++) assert.ok(haversineKm(r.latitude[q], r.longitude[q], truth.latitude[q], truth.longitude[q]) < 200);
});

test('γ = 0 turns the prior off and γ = ∞ is the medoid even where the mode is nearer the collection', () => {
  const { neighbours, estimate } = estimateOf([35.68, -33.87, 40.71, -23.55, 1.35], [139.7, 151.2, -74.0, -46.63, 103.8]);
  const choice = priorChoice(estimate, neighbours, prior);
  const off = chooseWithPrior(choice, 0);
  assert.equal(off.index, 0);
  assert.equal(off.voteWeight, 1);
  assert.deepEqual([off.latitude, off.longitude], [estimate.latitude, estimate.longitude]);
  // A mode with a smaller mean distance to the collection than the medoid: ∞ still answers the medoid.
  const rigged = { ...choice, priorErrorKm: Float64Array.of(0, choice.priorErrorKm[1]) };
  assert.equal(chooseWithPrior(rigged, Infinity).index, 1);
  assert.equal(chooseWithPrior(rigged, 1).index, 0);
  assert.equal(formatPriorWeight(0), 'off');
  assert.equal(formatPriorWeight(Infinity), '∞');
  assert.equal(formatPriorWeight(0.25), '0.25');
});

test('the gate: the medoid wins exactly below the confidence threshold (b / (a + b))^(1/γ)', () => {
  // Candidate 0 (mode): 100 km from the votes, 900 km from the collection; candidate 1 (medoid): 700 and 500.
  const base = { latitude: Float64Array.of(0, 1), longitude: Float64Array.of(0, 1), voteErrorKm: Float64Array.of(100, 700), priorErrorKm: Float64Array.of(900, 500) };
  const tau = Math.pow(400 / (600 + 400), 1 / 2); // a = 600, b = 400, γ = 2
  assert.equal(chooseWithPrior({ ...base, confidence: tau - 0.01 }, 2).index, 1);
  assert.equal(chooseWithPrior({ ...base, confidence: tau + 0.01 }, 2).index, 0);
});
