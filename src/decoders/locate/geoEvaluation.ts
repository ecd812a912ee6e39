import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';

/**
 * The thresholds of im2gps-style tables, km: street 1, city 25, region 200, country 750, continent 2500,
 * plus 50 m and 100 m for campus-sized collections.
 */
export const GEO_THRESHOLDS_KM: readonly number[] = Object.freeze([0.05, 0.1, 1, 25, 200, 750, 2500]);

/** Accuracy of a set of location estimates. */
export interface GeoSummary {
  /** Number of evaluated photos. */
  n: number;
  /** Share of photos with error ≤ each threshold, in [0, 1], in the order of `thresholdsKm`. */
  shares: number[];
  thresholdsKm: number[];
  /** Median great-circle error, km. */
  medianKm: number;
  /** Mean great-circle error, km. */
  meanKm: number;
}

/**
 * Great-circle errors of estimates against ground truth, km.
 * @param estimate estimated positions, degrees, `{latitude, longitude}` arrays of length n
 * @param truth true positions, degrees, length n
 * @returns errors in km, length n
 */
export function geoErrorsKm(
  estimate: { latitude: ArrayLike<number>; longitude: ArrayLike<number> },
  truth: { latitude: ArrayLike<number>; longitude: ArrayLike<number> },
): Float64Array {
  const n = truth.latitude.length;
  assert(estimate.latitude.length === n, `${estimate.latitude.length} estimates for ${n} photos`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = haversineKm(estimate.latitude[i], estimate.longitude[i], truth.latitude[i], truth.longitude[i]);
  return out;
}

/**
 * Share within each threshold, median and mean of a list of errors (the im2gps table's row).
 * @param errorsKm great-circle errors, km, length n ≥ 1
 * @param thresholdsKm thresholds, km (default `GEO_THRESHOLDS_KM`)
 * @example summariseGeoErrors(Float64Array.of(0.5, 30, 3000)).shares // [0, 0, 1/3, 1/3, 2/3, 2/3, 2/3]
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (share within 200 km; 1-NN vs chance); Weyand et al.,
 * "PlaNet", ECCV 2016, Table 1 (street / city / region / country / continent at 1 / 25 / 200 / 750 / 2500 km).
 */
export function summariseGeoErrors(errorsKm: ArrayLike<number>, thresholdsKm: readonly number[] = GEO_THRESHOLDS_KM): GeoSummary {
  const n = errorsKm.length;
  assert(n > 0, 'no errors to summarise');
  const sorted = Float64Array.from(errorsKm).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const shares = thresholdsKm.map((t) => upperBound(sorted, t) / n);
  return { n, shares, thresholdsKm: [...thresholdsKm], medianKm: median(sorted), meanKm: sum / n };
}

/**
 * The chance baseline of im2gps: guess the position of a uniformly random other photo of the collection.
 * Computed exactly rather than sampled up to `maxPairs` pairs: the share within t is the mean over photos of
 * the share of other photos within t, and the error distribution is that of all pairs (i ≠ j); larger
 * collections use `maxPairs` seeded random pairs.
 * @param latitude degrees, length n ≥ 2
 * @param longitude degrees, length n
 * @param thresholdsKm thresholds, km
 * @param maxPairs pairs beyond which the baseline is sampled (default 2,000,000)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 ("chance" row).
 */
export function randomGuessBaseline(
  latitude: ArrayLike<number>,
  longitude: ArrayLike<number>,
  thresholdsKm: readonly number[] = GEO_THRESHOLDS_KM,
  maxPairs = 2_000_000,
): GeoSummary {
  const n = latitude.length;
  assert(n >= 2, 'random guess needs at least two geotagged photos');
  const exact = (n * (n - 1)) / 2 <= maxPairs;
  const pairs = new Float64Array(exact ? (n * (n - 1)) / 2 : maxPairs);
  if (exact) {
    // Each unordered pair counts once per direction, so shares over pairs equal the mean per-photo shares.
    let p = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[p++] = haversineKm(latitude[i], longitude[i], latitude[j], longitude[j]);
  } else {
    const rng = new Rng(3);
    for (let p = 0; p < maxPairs; p++) {
      const i = rng.int(n);
      let j = rng.int(n - 1);
      if (j >= i) j++;
      pairs[p] = haversineKm(latitude[i], longitude[i], latitude[j], longitude[j]);
    }
  }
  return { ...summariseGeoErrors(pairs, thresholdsKm), n };
}

function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
