import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';

/**
 * A mean-shift bandwidth suited to a collection's spread: one fifteenth of the median great-circle
 * distance between its geotagged photos, clamped to [25 m, 500 km]. A world-wide collection gets a
 * few hundred km (city-region scale, as im2gps's clusters), a country trip tens of km, a campus tens of metres.
 *
 * @param latitude degrees, length n
 * @param longitude degrees, length n
 * @param maxPairs pairs sampled (seeded) when n(n−1)/2 exceeds it (default 200 000)
 * @returns bandwidth in km; 1 km when fewer than two photos
 * @example defaultBandwidthKm([39.95, 39.951, 39.952], [-75.19, -75.191, -75.192]) // ≈ 0.025 (campus)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (mean-shift over neighbour locations; bandwidth is a
 * spatial scale of the data); Silverman, "Density Estimation", 1986, §3.4 (bandwidth from the spread).
 */
export function defaultBandwidthKm(latitude: ArrayLike<number>, longitude: ArrayLike<number>, maxPairs = 200_000): number {
  const n = latitude.length;
  if (n < 2) return 1;
  const d: number[] = [];
  if ((n * (n - 1)) / 2 <= maxPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d.push(haversineKm(latitude[i], longitude[i], latitude[j], longitude[j]));
  } else {
    const rng = new Rng(1);
    for (let s = 0; s < maxPairs; s++) {
      const i = Math.floor(rng.next() * n);
      let j = Math.floor(rng.next() * (n - 1));
      if (j >= i) j++;
      d.push(haversineKm(latitude[i], longitude[i], latitude[j], longitude[j]));
    }
  }
  d.sort((a, b) => a - b);
  const median = d[Math.floor(d.length / 2)];
  return Math.min(500, Math.max(0.025, median / 15));
}
