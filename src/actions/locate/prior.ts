import { z } from 'zod';
import { Rng } from '../../core/rng.ts';
import { combinedDistanceMatrix } from '../../ann/combined.ts';
import { choosePriorWeight } from '../../decoders/locate/choosePriorWeight.ts';
import { priorFolds } from '../../decoders/locate/crossFitPrior.ts';
import { geoPrior, type GeoPrior } from '../../decoders/locate/geoPrior.ts';
import { locateFromNeighbours, type GeoEstimate, type GeoNeighbours } from '../../decoders/locate/locateFromNeighbours.ts';
import { chooseWithPrior, priorChoice, PRIOR_GAMMAS, type PriorChoice } from '../../decoders/locate/locateWithPrior.ts';
import { nearestColumns } from '../../decoders/locate/nearestColumns.ts';
import { splitTrips } from '../../decoders/locate/splitTrips.ts';
import type { GeoReference } from './geoReference.ts';
import { takenAtMs } from '../shared/takenAtMs.ts';

/**
 * The prior weight γ used when the collection cannot calibrate its own: fewer than
 * `MIN_CALIBRATION_PHOTOS` photos to learn from, or more than `CALIBRATION_PAIRS` / `MIN_CALIBRATION_PHOTOS`
 * (20,000) photos, where calibrating would cost more than `CALIBRATION_PAIRS` comparisons. On the benchmark sets a fixed γ = 0.5 keeps most of the gain where the
 * pixels say something (world-streetview: 6,884 km median against 7,102 km for the plain mode and 7,339 km
 * for the constant prior) and stays within 1 km of the constant prior where they say nothing
 * (geotagged-europe-trips: 643.6 km against 643.0 km), see bench/locate.md.
 */
export const FALLBACK_PRIOR_WEIGHT = 0.5;
/** At most this many of the collection's photos are located to calibrate γ (seeded sample). */
export const CALIBRATION_PHOTOS = 200;
/** Calibration compares at most this many query–photo pairs: above 5,000 photos it locates 10⁶ / n of them. */
export const CALIBRATION_PAIRS = 1_000_000;
/** Calibration needs at least this many located photos (fewer say too little against the bootstrap noise). */
export const MIN_CALIBRATION_PHOTOS = 50;

const numeric = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

/**
 * The prior weight option of `deja locate`: `auto` (default) calibrates γ on the collection's own photos,
 * a number γ ≥ 0 is used as is (0: no prior, the kNN mode of im2gps), `constant` always answers the
 * collection's medoid. Numbers may come as strings (multipart fields).
 */
export const PriorWeightOption = z
  .preprocess(numeric, z.union([z.enum(['auto', 'constant']), z.number().min(0).max(64)]).default('auto'))
  .describe(
    'Weight γ of the collection prior (λ = confidence^γ, IM2GPS §4): `auto` chooses γ by leave-one-out on up to 200 of the collection\'s own photos (leave-trip-out where they have capture times), keeping the constant prior unless the votes beat it by more than one standard error; a number ≥ 0 sets γ (0 turns the prior off); `constant` always answers the collection medoid.',
  );
export type PriorWeightOption = z.input<typeof PriorWeightOption>;

/** How the prior weight was found on a collection (`deja locate --json`'s `prior.calibration`). */
export interface PriorCalibration {
  /** γ chosen (∞: the constant prior). */
  gamma: number;
  /** Collection photos located to choose it. */
  photos: number;
  /** Each was located without itself, or without its whole trip. */
  holdOut: 'photo' | 'trip';
  /** Median error at the chosen γ and with the constant prior, over those photos, km. */
  medianKm: number;
  constantMedianKm: number;
}

/** The `prior` block of `deja locate --json`. */
export interface AppliedPrior {
  /** γ applied: 0 = off, `constant` = always the medoid. */
  gamma: number | 'constant';
  /** `calibration` (auto, on this collection), `option` (given), or `default` (auto, but the collection could not calibrate: `FALLBACK_PRIOR_WEIGHT`). */
  chosenBy: 'calibration' | 'option' | 'default';
  calibration: (Omit<PriorCalibration, 'gamma'> & { gamma: number | 'constant' }) | null;
  /** λ = confidence^γ, the weight of the votes against the collection (1: votes only). */
  voteWeight: number;
  /** Which candidate became the estimate: the strongest mode of the votes, or the collection's medoid. */
  chose: 'mode' | 'medoid';
  /** The strongest mode of the votes (the estimate without the prior). */
  mode: { latitude: number; longitude: number };
  /** The collection's medoid (without the query itself when it is in the collection); null when the prior is off. */
  medoid: { latitude: number; longitude: number } | null;
}

type Est = { k: number; bandwidthKm: number; weighting: 'uniform' | 'match' };
const priors = new WeakMap<GeoReference, GeoPrior>();
const calibrations = new WeakMap<GeoReference, Map<string, PriorCalibration | null>>();

/** The collection prior of a reference, computed once per reference (a server keeps its references). */
export function referencePrior(ref: GeoReference): GeoPrior {
  let p = priors.get(ref);
  if (!p) priors.set(ref, (p = geoPrior(ref.latitude, ref.longitude)));
  return p;
}

/**
 * The estimate of one photo with the collection prior (`chooseWithPrior`), γ resolved from the option.
 * @param found the kNN mean-shift estimate and its neighbours
 * @param exclude collection columns held out for this query (itself, when it is in the collection)
 */
export function applyPrior(ref: GeoReference, found: { estimate: GeoEstimate; neighbours: GeoNeighbours }, option: z.output<typeof PriorWeightOption>, est: Est, exclude?: Uint8Array): AppliedPrior & { latitude: number; longitude: number } {
  const cal = option === 'auto' ? calibratePriorWeight(ref, est) : null;
  const gamma = option === 'auto' ? (cal?.gamma ?? FALLBACK_PRIOR_WEIGHT) : option === 'constant' ? Infinity : option;
  const mode = { latitude: found.estimate.latitude, longitude: found.estimate.longitude };
  const show = (g: number) => (Number.isFinite(g) ? g : 'constant' as const);
  const base = {
    gamma: show(gamma),
    chosenBy: option === 'auto' ? (cal ? 'calibration' : 'default') : 'option',
    calibration: cal && { ...cal, gamma: show(cal.gamma) },
    mode,
  } as const;
  if (gamma === 0) return { ...base, voteWeight: 1, chose: 'mode', medoid: null, ...mode };
  const choice = priorChoice(found.estimate, found.neighbours, referencePrior(ref), exclude);
  const e = chooseWithPrior(choice, gamma);
  const medoid = choice.latitude.length > 1 ? { latitude: choice.latitude[1], longitude: choice.longitude[1] } : null;
  return { ...base, voteWeight: e.voteWeight, chose: e.index === 1 ? 'medoid' : 'mode', medoid, latitude: e.latitude, longitude: e.longitude };
}

/**
 * The prior weight γ for a collection, learnt from its own photos: a seeded sample of at most
 * `CALIBRATION_PHOTOS` geotagged photos is located from the others — each without its whole trip (24 h
 * gaps) when the collection holds several trips, none of them more than half of it, else without itself —
 * and `choosePriorWeight` picks γ on their errors (bootstrap by trip). A query from outside the collection
 * is not among them, so nothing is fitted on it. Cached per reference and estimation settings.
 * @returns the calibration, or null when the collection is too small or too large to calibrate
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4; Hastie, Tibshirani & Friedman, ESL, 2009, §7.10.
 */
export function calibratePriorWeight(ref: GeoReference, est: Est): PriorCalibration | null {
  const key = `${est.k}|${est.bandwidthKm}|${est.weighting}`;
  let byKey = calibrations.get(ref);
  if (!byKey) calibrations.set(ref, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, calibrate(ref, est));
  return byKey.get(key)!;
}

function calibrate(ref: GeoReference, est: Est): PriorCalibration | null {
  const n = ref.photos.length;
  const m = Math.min(n, CALIBRATION_PHOTOS, Math.floor(CALIBRATION_PAIRS / n));
  if (m < MIN_CALIBRATION_PHOTOS) return null;
  const all = Array.from({ length: n }, (_, j) => j);
  const cols = m >= n ? all : new Rng(5).shuffle(all).slice(0, m).sort((a, b) => a - b);
  const { trips, tripOf } = collectionTrips(ref);
  const holdOut = trips.length >= 2 && Math.max(...trips.map((t) => t.length)) <= n / 2 ? 'trip' : 'photo';
  const parts = ref.parts.map((p) => {
    const queries = new Float32Array(cols.length * p.dim);
    cols.forEach((c, r) => queries.set(p.data.subarray(c * p.dim, (c + 1) * p.dim), r * p.dim));
    return { ...p, queries };
  });
  const d = combinedDistanceMatrix(parts, n, cols.length);
  const prior = referencePrior(ref);
  const mask = new Uint8Array(n);
  const choices: PriorChoice[] = [];
  const truth = { latitude: [] as number[], longitude: [] as number[] };
  const tripOfQuery: number[] = [];
  cols.forEach((c, r) => {
    const ex = holdOut === 'trip' && tripOf[c] >= 0 ? trips[tripOf[c]] : [c];
    for (const e of ex) mask[e] = 1;
    const nb = nearestColumns(d, r, n, est.k, mask);
    if (nb.columns.length > 0) {
      const neighbours = { latitude: Float64Array.from(nb.columns, (j) => ref.latitude[j]), longitude: Float64Array.from(nb.columns, (j) => ref.longitude[j]), distance: nb.distances };
      const estimate = locateFromNeighbours(neighbours, { bandwidthKm: est.bandwidthKm, weighting: est.weighting, maxModes: 1 });
      choices.push(priorChoice(estimate, neighbours, prior, mask));
      truth.latitude.push(ref.latitude[c]), truth.longitude.push(ref.longitude[c]);
      tripOfQuery.push(tripOf[c]);
    }
    for (const e of ex) mask[e] = 0;
  });
  if (choices.length < MIN_CALIBRATION_PHOTOS) return null;
  const sel = choosePriorWeight(choices, truth, { groups: priorFolds(Int32Array.from(tripOfQuery)).groups });
  const at = (g: number) => sel.medianKm[PRIOR_GAMMAS.indexOf(g)];
  return { gamma: sel.gamma, photos: choices.length, holdOut, medianKm: at(sel.gamma), constantMedianKm: at(Infinity) };
}

/** The collection's trips at 24 h gaps, as columns, and the trip of each column (−1 without a capture time). */
function collectionTrips(ref: GeoReference): { trips: number[][]; tripOf: Int32Array } {
  const times = ref.photos.map((p) => takenAtMs(p.takenAt));
  const timed = times.flatMap((t, j) => (Number.isFinite(t) ? [j] : []));
  const trips = timed.length ? splitTrips(timed.map((j) => times[j]), 24).map((t) => Array.from(t, (r) => timed[r])) : [];
  const tripOf = new Int32Array(ref.photos.length).fill(-1);
  trips.forEach((t, ti) => t.forEach((j) => (tripOf[j] = ti)));
  return { trips, tripOf };
}
