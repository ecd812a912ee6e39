import { assert } from '../../core/errors.ts';

/**
 * Splits photos into trips: sorted by capture time, a new trip starts wherever consecutive photos are
 * more than `maxGapHours` apart.
 * @param timesMs capture times, ms since the epoch (UTC), length n, any order; all finite
 * @param maxGapHours gap that ends a trip, hours (> 0)
 * @returns trips in time order, each the photos' indices in time order (ties keep input order)
 * @example splitTrips([0, 3.6e6, 200 * 3.6e6], 24) // [[0, 1], [2]]
 *
 * References: Kalogerakis et al., ICCV 2009, §4 (test sequences are a user's photos split by time gaps).
 */
export function splitTrips(timesMs: ArrayLike<number>, maxGapHours: number): Int32Array[] {
  assert(maxGapHours > 0, `maxGapHours must be positive, got ${maxGapHours}`);
  const n = timesMs.length;
  for (let i = 0; i < n; i++) assert(Number.isFinite(timesMs[i]), `capture time ${i} is not finite`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => timesMs[a] - timesMs[b] || a - b);
  const trips: Int32Array[] = [];
  let current: number[] = [];
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (current.length > 0 && timesMs[i] - timesMs[current[current.length - 1]] > maxGapHours * 3.6e6) {
      trips.push(Int32Array.from(current));
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) trips.push(Int32Array.from(current));
  return trips;
}
