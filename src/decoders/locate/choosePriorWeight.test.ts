import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { choosePriorWeight } from './choosePriorWeight.ts';
import { crossFitPrior, priorFolds } from './crossFitPrior.ts';
import { geoErrorsKm, summariseGeoErrors } from './geoEvaluation.ts';
import { estimatesWithPrior, PRIOR_GAMMAS, type PriorChoice } from './locateWithPrior.ts';

// Synthetic validation photos on the equator: the medoid is at longitude 0 and the truth is spread
// around it; the mode is `modeOffset(q)` degrees from the truth, with the given vote confidence.
function photos(m: number, seed: number, modeOffset: (q: number, rng: Rng) => number, confidence: (q: number, rng: Rng) => number) {
  const rng = new Rng(seed);
  const choices: PriorChoice[] = [];
  const truth = { latitude: [] as number[], longitude: [] as number[] };
  for (let q = 0; q < m; q++) {
    const lon = (rng.next() - 0.5) * 20;
    const mode = lon + modeOffset(q, rng);
    const c = confidence(q, rng);
    // Votes spread as the confidence says: the medoid is nearer them than the mode for weak votes.
    const d = (a: number, b: number) => haversineKm(0, a, 0, b);
    choices.push({
      confidence: c,
      latitude: Float64Array.of(0, 0),
      longitude: Float64Array.of(mode, 0),
      voteErrorKm: Float64Array.of((1 - c) * 2000, c * d(mode, 0) + (1 - c) * 1000),
      priorErrorKm: Float64Array.of(d(mode, 0) / 2 + 550, 550),
    });
    truth.latitude.push(0), truth.longitude.push(lon);
  }
  return { choices, truth };
}
const medianOf = (choices: PriorChoice[], truth: { latitude: number[]; longitude: number[] }, g: number) => summariseGeoErrors(geoErrorsKm(estimatesWithPrior(choices, g), truth), [1]).medianKm;

test('votes that are noise get the constant prior, and its median is kept exactly', () => {
  const { choices, truth } = photos(120, 1, (_, r) => (r.next() - 0.5) * 40, (_, r) => 0.2 + 0.4 * r.next());
  const sel = choosePriorWeight(choices, truth);
  assert.equal(sel.gamma, Infinity);
  assert.equal(sel.photos, 120);
  assert.equal(medianOf(choices, truth, sel.gamma), medianOf(choices, truth, Infinity));
});

test('informative votes leave the prior, and beat it by more than the bootstrap standard error', () => {
  const { choices, truth } = photos(200, 2, (_, r) => (r.next() - 0.5) * 1, () => 0.8);
  const sel = choosePriorWeight(choices, truth);
  assert.ok(Number.isFinite(sel.gamma), `γ ${sel.gamma}`);
  const constant = sel.medianKm[PRIOR_GAMMAS.indexOf(Infinity)];
  const chosen = sel.medianKm[PRIOR_GAMMAS.indexOf(sel.gamma)];
  assert.ok(chosen + sel.standardErrorKm < constant, `${chosen} + ${sel.standardErrorKm} vs ${constant}`);
  assert.ok(sel.standardErrorKm > 0 && sel.standardErrorKm < constant, `SE ${sel.standardErrorKm}`);
});

/** Truth at (0, 0); every finite γ answers the mode (at `modeKm[q]` km east), ∞ the medoid (500 km west). */
function fixedErrors(modeKm: number[]) {
  const deg = (km: number) => km / 111.195;
  const choices: PriorChoice[] = modeKm.map((e) => ({
    confidence: 0.5,
    latitude: Float64Array.of(0, 0),
    longitude: Float64Array.of(deg(e), -deg(500)),
    voteErrorKm: Float64Array.of(0, 1000),
    priorErrorKm: Float64Array.of(600, 600),
  }));
  return { choices, truth: { latitude: modeKm.map(() => 0), longitude: modeKm.map(() => 0) } };
}

test('a median gain inside the noise keeps the constant prior; a clear one leaves it', () => {
  // 16 of 30 modes at 490 km, 14 at 5000 km: the median gains 10 km on the medoid's 500, but a resample
  // with one more far photo flips it to 5000 km.
  const thin = fixedErrors([...Array(16).fill(490), ...Array(14).fill(5000)]);
  const s1 = choosePriorWeight(thin.choices, thin.truth);
  assert.notEqual(s1.best, Infinity, 'the best γ alone would leave the prior');
  assert.ok(Math.abs(s1.medianKm[0] - s1.medianKm[1]) < 1, 'off and 0.25 agree: both the mode');
  assert.ok(s1.standardErrorKm > 10, `SE ${s1.standardErrorKm}`);
  assert.equal(s1.gamma, Infinity);
  const clear = fixedErrors([...Array(25).fill(100), ...Array(5).fill(5000)]);
  const s2 = choosePriorWeight(clear.choices, clear.truth);
  assert.equal(s2.gamma, 0, 'the earliest of the tied finite γ: off');
  assert.ok(s2.standardErrorKm < 400, `SE ${s2.standardErrorKm}`);
});

test('one bootstrap group is no evidence: the constant prior', () => {
  const { choices, truth } = photos(40, 4, () => 0.1, () => 0.9);
  assert.notEqual(choosePriorWeight(choices, truth).gamma, Infinity);
  assert.equal(choosePriorWeight(choices, truth, { groups: new Int32Array(40) }).gamma, Infinity);
});

test('cross-fitting one fold per trip never loses to the constant prior on noise votes', () => {
  const { choices, truth } = photos(150, 5, (_, r) => (r.next() - 0.5) * 40, (_, r) => 0.1 + 0.6 * r.next());
  const tripOf = Int32Array.from({ length: 150 }, (_, q) => Math.floor(q / 3));
  const { fold, groups } = priorFolds(tripOf);
  assert.equal(Math.max(...fold) + 1, 50, 'one fold per trip');
  const r = crossFitPrior(choices, truth, fold, { groups });
  const after = summariseGeoErrors(geoErrorsKm(r, truth), [1]).medianKm;
  assert.ok(after <= medianOf(choices, truth, Infinity) + 1e-9, `after ${after} vs constant ${medianOf(choices, truth, Infinity)}`);
});

test('without trips the folds are ten by index and the groups single photos', () => {
  const { fold, groups } = priorFolds(new Int32Array(25).fill(-1));
  assert.deepEqual(Array.from(fold.slice(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  assert.equal(new Set(groups).size, 25);
  assert.deepEqual(Array.from(priorFolds(new Int32Array(3).fill(-1), 2).fold), [0, 1, 0]);
  // Too few trips (a campus walk): folds by index, as without times.
  assert.equal(Math.max(...priorFolds(new Int32Array(30).fill(0)).fold) + 1, 10);
});
