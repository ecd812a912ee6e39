import { assert } from '../../core/errors.ts';
import { EARTH_RADIUS_KM, chordAngleKm, toUnitVectors } from '../../math/greatCircle.ts';
import { kernelDensity } from './kernelDensity.ts';
import type { GeoEstimate, GeoNeighbours } from './locateFromNeighbours.ts';
import { travelLogPrior, type TravelPriorOptions } from './travelPrior.ts';
import { viterbiSequence } from './viterbiSequence.ts';

/** One photo of a sequence: its neighbours, its single-photo estimate and its capture time. */
export interface SequencePhoto {
  neighbours: GeoNeighbours;
  /** From `locateFromNeighbours` (its modes become candidate states, its weights the observation). */
  estimate: GeoEstimate;
  /** Capture time, milliseconds since the epoch (UTC); the photos must be in time order. */
  timeMs: number;
}

export interface SequenceOptions {
  /** Kernel bandwidth of the observation likelihood, km (the same as the single-photo mean-shift). */
  bandwidthKm: number;
  /** Modes of each photo offered as candidate states (default 5). */
  modesPerPhoto?: number;
  /** Share of each observation spread uniformly over the globe, so no state is impossible (default 0.05). */
  observationFloor?: number;
  travel?: TravelPriorOptions;
}

export interface SequenceEstimate {
  /** Per photo, in input order: the decoded location, degrees. */
  latitude: Float64Array;
  longitude: Float64Array;
  /** Candidate states (degrees) and the state decoded per photo. */
  candidates: { latitude: Float64Array; longitude: Float64Array };
  states: Int32Array;
  logProbability: number;
}

/**
 * Joint geolocation of a time-ordered photo sequence (Kalogerakis et al.): an HMM whose hidden states are
 * candidate locations (the mean-shift modes of every photo, merged within half a bandwidth), whose
 * observation likelihood is each photo's kernel density of its neighbours' positions, and whose
 * transitions are the human travel prior for the time gap; decoded with Viterbi.
 *
 * Algorithm:
 * 1. States: the top `modesPerPhoto` modes of each photo, merged greedily within bandwidth / 2.
 * 2. oₜ(s) = log((1 − ε) KDEₜ(s) + ε / (4πR²)), KDE with the photo's vote weights (per km²).
 * 3. Aₜ(i, j) = log prior(d(sᵢ, sⱼ) | tₜ − tₜ₋₁), normalised over j.
 * 4. Viterbi; each photo takes its state's position.
 *
 * @param photos the sequence in time order (≥ 1 photo)
 * @param options bandwidth, candidates and travel prior
 * @returns per-photo locations
 * @example locateSequenceFromNeighbours(photos, { bandwidthKm: 50 }).latitude
 *
 * References: Kalogerakis, Vesselova, Hays, Efros & Hertzmann, "Image Sequence Geolocation with Human
 * Travel Priors", ICCV 2009, §3 (HMM over locations, travel prior, Viterbi); Hays & Efros, CVPR 2008, §4.
 */
export function locateSequenceFromNeighbours(photos: SequencePhoto[], options: SequenceOptions): SequenceEstimate {
  const T = photos.length;
  assert(T >= 1, 'a sequence needs at least one photo');
  for (let t = 1; t < T; t++) assert(photos[t].timeMs >= photos[t - 1].timeMs, 'sequence photos must be in time order');
  const cand = candidateStates(photos, options.bandwidthKm, options.modesPerPhoto ?? 5);
  const S = cand.latitude.length;
  const units = toUnitVectors(cand.latitude, cand.longitude);
  const eps = options.observationFloor ?? 0.05;
  const uniform = eps / (4 * Math.PI * EARTH_RADIUS_KM * EARTH_RADIUS_KM);
  const logObs = new Float64Array(T * S);
  for (let t = 0; t < T; t++) {
    const nb = photos[t].neighbours;
    const kde = kernelDensity(toUnitVectors(nb.latitude, nb.longitude), photos[t].estimate.weights, options.bandwidthKm, units);
    for (let s = 0; s < S; s++) logObs[t * S + s] = Math.log((1 - eps) * kde[s] + uniform);
  }
  const dist = new Float64Array(S * S);
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) dist[i * S + j] = chordAngleKm(units, i, units, j);
  const path = viterbiSequence(T, S, logObs, (t, out) => {
    const gapHours = (photos[t].timeMs - photos[t - 1].timeMs) / 3.6e6;
    for (let i = 0; i < S; i++) {
      let max = -Infinity;
      for (let j = 0; j < S; j++) {
        const v = travelLogPrior(dist[i * S + j], gapHours, options.travel);
        out[i * S + j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < S; j++) sum += Math.exp(out[i * S + j] - max);
      const norm = max + Math.log(sum);
      for (let j = 0; j < S; j++) out[i * S + j] -= norm;
    }
  });
  const latitude = new Float64Array(T);
  const longitude = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    latitude[t] = cand.latitude[path.states[t]];
    longitude[t] = cand.longitude[path.states[t]];
  }
  return { latitude, longitude, candidates: cand, states: path.states, logProbability: path.logProbability };
}

/** Step 1: the photos' modes, strongest first per photo, merged within bandwidth / 2. */
function candidateStates(photos: SequencePhoto[], bandwidthKm: number, perPhoto: number): { latitude: Float64Array; longitude: Float64Array } {
  const lat: number[] = [];
  const lon: number[] = [];
  for (const p of photos) {
    for (const m of p.estimate.modes.slice(0, perPhoto)) {
      const u = toUnitVectors([m.latitude], [m.longitude]);
      let dup = false;
      for (let s = 0; s < lat.length && !dup; s++) dup = chordAngleKm(u, 0, toUnitVectors([lat[s]], [lon[s]]), 0) <= bandwidthKm / 2;
      if (!dup) {
        lat.push(m.latitude);
        lon.push(m.longitude);
      }
    }
  }
  return { latitude: Float64Array.from(lat), longitude: Float64Array.from(lon) };
}
