import { assert } from '../../core/errors.ts';
import { meanShiftModes, type GeoMode } from './meanShiftModes.ts';

/** The k nearest geotagged photos of one query, nearest first. */
export interface GeoNeighbours {
  /** Degrees, length k. */
  latitude: ArrayLike<number>;
  /** Degrees, length k. */
  longitude: ArrayLike<number>;
  /** Match (descriptor) distances, ascending, length k; any non-negative scale. */
  distance: ArrayLike<number>;
}

export interface LocateFromNeighboursOptions {
  /** Mean-shift bandwidth, km (see `defaultBandwidthKm`). */
  bandwidthKm: number;
  /**
   * `uniform`: every neighbour casts one vote (im2gps §4). `match` (default): votes decay with the
   * match distance, exp(−(dᵢ − d₁) / (d_median − d₁)), so near-duplicates count more than the tail.
   */
  weighting?: 'uniform' | 'match';
  /** How many modes to return (default 5). */
  maxModes?: number;
}

export interface GeoEstimate {
  /** The estimate: the strongest mean-shift mode, degrees. */
  latitude: number;
  longitude: number;
  /** Weighted share of the neighbours that voted for the estimate, in (0, 1]. */
  confidence: number;
  /** The 1-NN location (im2gps's simplest estimate), degrees. */
  nearest: { latitude: number; longitude: number };
  /** Strongest modes first, at most `maxModes`. */
  modes: GeoMode[];
  /** The vote of each neighbour (sum 1), length k. */
  weights: Float64Array;
}

/**
 * Votes of k neighbours from their match distances: 1 for the best match, 1/e at the median.
 * @param distance ascending match distances, length k
 * @returns weights summing to 1
 */
export function matchWeights(distance: ArrayLike<number>): Float64Array {
  const k = distance.length;
  const w = new Float64Array(k);
  const sorted = Array.from(distance).sort((a, b) => a - b);
  const d0 = sorted[0];
  const scale = sorted[Math.floor((k - 1) / 2)] - d0;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    w[i] = scale > 0 ? Math.exp(-(distance[i] - d0) / scale) : 1;
    sum += w[i];
  }
  for (let i = 0; i < k; i++) w[i] /= sum;
  return w;
}

/**
 * im2gps's estimate from the k nearest geotagged neighbours: mean-shift over their positions on the
 * sphere, the estimate being the mode with the largest (weighted) support; its support is the confidence.
 *
 * @param neighbours the k nearest geotagged photos (k ≥ 1), nearest first
 * @param options bandwidth and vote weighting
 * @returns the estimate, 1-NN location and the top modes
 * @example locateFromNeighbours({ latitude: [48.85, 48.86, 40.7], longitude: [2.35, 2.34, -74], distance: [1, 1.1, 1.2] }, { bandwidthKm: 50 }).modes[0].count // 2
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §4 (1-NN, kNN mean-shift, k = 120).
 */
export function locateFromNeighbours(neighbours: GeoNeighbours, options: LocateFromNeighboursOptions): GeoEstimate {
  const k = neighbours.latitude.length;
  assert(k > 0 && neighbours.longitude.length === k && neighbours.distance.length === k, 'locate needs k ≥ 1 neighbours with matching arrays');
  const weights = options.weighting === 'uniform' ? new Float64Array(k).fill(1 / k) : matchWeights(neighbours.distance);
  const modes = meanShiftModes(neighbours.latitude, neighbours.longitude, weights, { bandwidthKm: options.bandwidthKm });
  const top = modes[0];
  return {
    latitude: top.latitude,
    longitude: top.longitude,
    confidence: top.support,
    nearest: { latitude: neighbours.latitude[0], longitude: neighbours.longitude[0] },
    modes: modes.slice(0, options.maxModes ?? 5),
    weights,
  };
}
