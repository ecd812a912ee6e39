import { EARTH_RADIUS_KM } from '../../math/greatCircle.ts';

/** Parameters of the human travel prior p(displacement | time gap). */
export interface TravelPriorOptions {
  /** Displacement scale at zero time gap, km: GPS noise and the photographer turning around (default 0.02). */
  baseKm?: number;
  /** Effective speed for short gaps, km/h: walking (default 5). */
  walkKmh?: number;
  /** Effective speed reached for long gaps, km/h: flights averaged over a day (default 500). */
  flyKmh?: number;
  /** Time constant of the change from walking to flying, hours (default 6). */
  switchHours?: number;
  /** Share of the prior spread uniformly over the globe: unexplained jumps (default 1e-3). */
  uniformShare?: number;
}

/** The prior's displacement scale, km, for a time gap. */
export function travelScaleKm(gapHours: number, options: TravelPriorOptions = {}): number {
  const base = options.baseKm ?? 0.02;
  const walk = options.walkKmh ?? 5;
  const fly = options.flyKmh ?? 500;
  const tau = options.switchHours ?? 6;
  const t = Math.max(0, gapHours);
  const speed = walk + (fly - walk) * (1 - Math.exp(-t / tau));
  return base + speed * t;
}

/**
 * log of the human travel prior, a density per km² of the next photo's position given the previous one:
 * a mixture of a 2-D exponential in the great-circle displacement d with a scale s(Δt) that grows with
 * the time gap (walking speed for minutes, flight speed averaged over days) and a small uniform share
 * over the globe, (1 − u) · exp(−d / s) / (2π s²) + u / (4π R²).
 *
 * Kalogerakis et al. learn this distribution from the time-stamped displacements of Flickr users; this is
 * a parametric stand-in with the same shape (heavy mass at small d for small Δt, broadening with Δt).
 *
 * @param distanceKm displacement between consecutive photos, km (≥ 0)
 * @param gapHours time between them, hours (≥ 0; negative gaps are treated as 0)
 * @param options prior parameters
 * @returns log density per km²
 * @example travelLogPrior(1, 0.1) > travelLogPrior(100, 0.1) // true: 100 km in 6 minutes is unlikely
 *
 * References: Kalogerakis, Vesselova, Hays, Efros & Hertzmann, "Image Sequence Geolocation with Human
 * Travel Priors", ICCV 2009, §3.2 (travel prior as a function of elapsed time).
 */
export function travelLogPrior(distanceKm: number, gapHours: number, options: TravelPriorOptions = {}): number {
  const s = travelScaleKm(gapHours, options);
  const u = options.uniformShare ?? 1e-3;
  const local = ((1 - u) * Math.exp(-distanceKm / s)) / (2 * Math.PI * s * s);
  const uniform = u / (4 * Math.PI * EARTH_RADIUS_KM * EARTH_RADIUS_KM);
  return Math.log(local + uniform);
}
