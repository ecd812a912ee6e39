import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';

/**
 * The collection's own distribution of positions, the prior of im2gps: where photos of this collection
 * are taken when the pixels say nothing. Holds a seeded sample of at most `maxSample` photos and, for
 * every photo, the summed great-circle distance to that sample, so that the medoid (the photo whose
 * position minimises the summed distance to the others: the best constant guess for great-circle error)
 * and the expected error of any point under the prior are cheap, also with held-out photos removed.
 */
export interface GeoPrior {
  /** Positions of the collection, degrees, length n. */
  latitude: ArrayLike<number>;
  longitude: ArrayLike<number>;
  /** Columns of the sample, ascending. */
  sample: Int32Array;
  /** Per column j: Σ over the sample s of haversine(j, s), km, length n. */
  sumKm: Float64Array;
}

/**
 * Builds the prior of a collection's positions.
 * @param latitude degrees, length n ≥ 1
 * @param longitude degrees, length n
 * @param maxSample sample size beyond which the distance sums are taken over a seeded subset (default 2000: O(n · 2000))
 * @example collectionMedoid(geoPrior([48.85, 48.86, 35.68], [2.35, 2.34, 139.7])) // 0 or 1 (Paris), never 2
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (the collection's distribution of positions as the
 * prior over the globe; chance baselines); Kaufman & Rousseeuw, "Finding Groups in Data", 1990, ch. 2 (medoid).
 */
export function geoPrior(latitude: ArrayLike<number>, longitude: ArrayLike<number>, maxSample = 2000): GeoPrior {
  const n = latitude.length;
  assert(n >= 1 && longitude.length === n, `geo prior needs n ≥ 1 positions with matching arrays, got ${n} and ${longitude.length}`);
  const all = Array.from({ length: n }, (_, i) => i);
  const sample = Int32Array.from(n <= maxSample ? all : new Rng(7).shuffle(all).slice(0, maxSample).sort((a, b) => a - b));
  const sumKm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < sample.length; t++) s += haversineKm(latitude[j], longitude[j], latitude[sample[t]], longitude[sample[t]]);
    sumKm[j] = s;
  }
  return { latitude, longitude, sample, sumKm };
}

/**
 * The medoid column: the photo minimising the summed great-circle distance to the (sampled) others,
 * with the photos of `exclude` neither candidates nor counted (a held-out test photo or trip).
 * @param exclude optional mask, length n, 1 = held out
 * @returns the column, or -1 when every photo is excluded
 */
export function collectionMedoid(prior: GeoPrior, exclude?: Uint8Array): number {
  const { latitude: lat, longitude: lon, sample, sumKm } = prior;
  const held = exclude ? Array.from(sample).filter((s) => exclude[s]) : [];
  let best = -1;
  let bestSum = Infinity;
  for (let j = 0; j < sumKm.length; j++) {
    if (exclude?.[j]) continue;
    let s = sumKm[j];
    for (const h of held) s -= haversineKm(lat[j], lon[j], lat[h], lon[h]);
    if (s < bestSum) (bestSum = s), (best = j);
  }
  return best;
}

/**
 * Expected great-circle error of guessing (latitude, longitude) when the truth is drawn from the prior:
 * the mean distance to the (sampled, not excluded) collection photos, km.
 * @param exclude optional mask, length n, 1 = held out
 * @returns km; NaN when the whole sample is excluded
 */
export function priorExpectedErrorKm(prior: GeoPrior, latitude: number, longitude: number, exclude?: Uint8Array): number {
  let s = 0;
  let c = 0;
  for (const t of prior.sample) {
    if (exclude?.[t]) continue;
    s += haversineKm(latitude, longitude, prior.latitude[t], prior.longitude[t]);
    c++;
  }
  return c > 0 ? s / c : NaN;
}
