import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { GEO_THRESHOLDS_KM, type GeoSummary } from './geoEvaluation.ts';
import { haversineKm } from '../../math/greatCircle.ts';

/** Test photos' true positions, degrees, length m, and the collection columns each may not guess from. */
export interface GeoTestTruth {
  latitude: ArrayLike<number>;
  longitude: ArrayLike<number>;
  /** Columns held out for test photo q (itself, its trip, an identical file). */
  exclude: (q: number) => ArrayLike<number>;
}

/**
 * The chance row of im2gps for a test set: each test photo is guessed to be where a uniformly random
 * allowed collection photo was taken; the error is to the TEST photo's truth. Exact (every allowed pair,
 * each test photo weighing 1) when the pairs number at most `maxPairs`, else `maxPairs / m` seeded draws
 * per test photo.
 * @param refLatitude collection positions, degrees, length n ≥ 1
 * @param refLongitude length n
 * @param test the test photos' truth and hold-outs, m ≥ 1
 * @param thresholdsKm thresholds, km
 * @param maxPairs pairs beyond which the baseline is sampled (default 2,000,000)
 * @returns the summary over the m test photos (shares are expectations; the median is the weighted median of the pair errors)
 * @example randomGuessAgainstTest([0, 0], [0, 90], { latitude: [0], longitude: [0], exclude: () => [] }, [1]).shares // [0.5]
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 ("chance" row: a random collection position for each test photo).
 */
export function randomGuessAgainstTest(
  refLatitude: ArrayLike<number>,
  refLongitude: ArrayLike<number>,
  test: GeoTestTruth,
  thresholdsKm: readonly number[] = GEO_THRESHOLDS_KM,
  maxPairs = 2_000_000,
): GeoSummary {
  const n = refLatitude.length;
  const m = test.latitude.length;
  assert(n >= 1 && m >= 1, `random guess needs collection and test photos, got ${n} and ${m}`);
  const mask = new Uint8Array(n);
  const errors: number[] = [];
  const weights: number[] = [];
  const exact = n * m <= maxPairs;
  const draws = Math.max(1, Math.floor(maxPairs / m));
  const rng = new Rng(3);
  let counted = 0;
  // Shares from per-photo integer counts (exact fractions); the median from the pooled weighted errors.
  const shares = thresholdsKm.map(() => 0);
  for (let q = 0; q < m; q++) {
    const ex = test.exclude(q);
    for (let e = 0; e < ex.length; e++) mask[ex[e]] = 1;
    const allowed = n - new Set(Array.from(ex)).size;
    const err = (j: number) => haversineKm(refLatitude[j], refLongitude[j], test.latitude[q], test.longitude[q]);
    const mine: number[] = [];
    if (allowed > 0 && exact) for (let j = 0; j < n; j++) if (!mask[j]) mine.push(err(j));
    if (allowed > 0 && !exact)
      for (let d = 0; d < draws; d++) {
        let j = rng.int(n);
        while (mask[j]) j = rng.int(n);
        mine.push(err(j));
      }
    if (mine.length) {
      counted++;
      thresholdsKm.forEach((t, ti) => (shares[ti] += mine.filter((x) => x <= t).length / mine.length));
      for (const x of mine) (errors.push(x), weights.push(1 / mine.length));
    }
    for (let e = 0; e < ex.length; e++) mask[ex[e]] = 0;
  }
  assert(counted > 0, 'every collection photo is held out for every test photo');
  return { ...weightedSummary(errors, weights, thresholdsKm, counted), shares: shares.map((x) => Math.min(1, x / counted)) };
}

/**
 * The constant-prior row: every test photo is guessed at the collection's medoid (recomputed without the
 * photos held out for it), the one position any estimate from the pixels must beat.
 * @param medoidOf the medoid column for test photo q (see `collectionMedoid`), −1 when none
 * @returns estimates, degrees, length m (the North Pole where there is none: a miss)
 */
export function constantPriorEstimates(refLatitude: ArrayLike<number>, refLongitude: ArrayLike<number>, m: number, medoidOf: (q: number) => number) {
  const latitude = new Float64Array(m).fill(90);
  const longitude = new Float64Array(m);
  for (let q = 0; q < m; q++) {
    const j = medoidOf(q);
    if (j >= 0) (latitude[q] = refLatitude[j]), (longitude[q] = refLongitude[j]);
  }
  return { latitude, longitude };
}

/** Shares, weighted median and mean of weighted errors (weights summing to `n`). */
function weightedSummary(errors: number[], weights: number[], thresholdsKm: readonly number[], n: number): GeoSummary {
  const order = Array.from(errors.keys()).sort((a, b) => errors[a] - errors[b]);
  const shares = thresholdsKm.map(() => 0);
  let mean = 0;
  let acc = 0;
  let medianKm = errors[order[order.length - 1]];
  let medianFound = false;
  for (const i of order) {
    mean += errors[i] * weights[i];
    thresholdsKm.forEach((t, ti) => errors[i] <= t && (shares[ti] += weights[i]));
    acc += weights[i];
    if (!medianFound && acc >= n / 2 - 1e-9) (medianKm = errors[i]), (medianFound = true);
  }
  return { n, shares: shares.map((s) => s / n), thresholdsKm: [...thresholdsKm], medianKm, meanKm: mean / n };
}
