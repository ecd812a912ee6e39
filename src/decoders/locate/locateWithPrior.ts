import { haversineKm } from '../../math/greatCircle.ts';
import { collectionMedoid, priorExpectedErrorKm, type GeoPrior } from './geoPrior.ts';
import type { GeoEstimate, GeoNeighbours } from './locateFromNeighbours.ts';

/**
 * What the estimate with the prior needs of one query: the two candidates (the neighbours' strongest
 * mode and the collection's medoid) with their expected errors under the votes and under the prior.
 */
export interface PriorChoice {
  /** Weighted share of the votes behind the strongest mode, in (0, 1]. */
  confidence: number;
  /** Candidate 0: the strongest mode; candidate 1: the medoid (absent when every photo is held out). */
  latitude: Float64Array;
  longitude: Float64Array;
  /** Σ wᵢ · haversine(candidate, neighbour i), km, per candidate. */
  voteErrorKm: Float64Array;
  /** Mean haversine(candidate, collection photo), km, per candidate. */
  priorErrorKm: Float64Array;
}

/**
 * The candidates and their expected errors for one query (see `chooseWithPrior`).
 * @param estimate the kNN mean-shift estimate (`locateFromNeighbours`), whose `weights` are the votes
 * @param neighbours the neighbours it was computed from, length k
 * @param prior the collection's prior (`geoPrior`)
 * @param exclude optional mask of held-out collection photos, length n
 */
export function priorChoice(estimate: GeoEstimate, neighbours: GeoNeighbours, prior: GeoPrior, exclude?: Uint8Array): PriorChoice {
  const medoid = collectionMedoid(prior, exclude);
  const lat = medoid >= 0 ? [estimate.latitude, prior.latitude[medoid]] : [estimate.latitude];
  const lon = medoid >= 0 ? [estimate.longitude, prior.longitude[medoid]] : [estimate.longitude];
  const voteErrorKm = new Float64Array(lat.length);
  const priorErrorKm = new Float64Array(lat.length);
  for (let c = 0; c < lat.length; c++) {
    let v = 0;
    for (let i = 0; i < neighbours.latitude.length; i++) v += estimate.weights[i] * haversineKm(lat[c], lon[c], neighbours.latitude[i], neighbours.longitude[i]);
    voteErrorKm[c] = v;
    priorErrorKm[c] = priorExpectedErrorKm(prior, lat[c], lon[c], exclude);
  }
  return { confidence: estimate.confidence, latitude: Float64Array.from(lat), longitude: Float64Array.from(lon), voteErrorKm, priorErrorKm };
}

/** Weight of the votes in the mixture, λ = confidence^γ: γ = 0 trusts the votes fully (the prior is off), γ = ∞ never (the constant prior). */
export function voteWeight(confidence: number, gamma: number): number {
  if (gamma <= 0) return 1;
  if (!Number.isFinite(gamma)) return 0;
  return Math.pow(Math.min(1, Math.max(0, confidence)), gamma);
}

/**
 * The estimate with the collection's prior. im2gps reads the k nearest neighbours' votes as a
 * probability map over the globe and notes that, with uninformative matches, that map is just the
 * distribution of the collection's photos (its chance baseline guesses from it). We make that
 * explicit: the belief about the position is the mixture
 *
 *   q(x) = λ · p_votes(x) + (1 − λ) · p_prior(x),   λ = confidence^γ,
 *
 * where p_votes puts weight wᵢ on each neighbour, p_prior is uniform over the collection's photos and the
 * confidence is the vote concentration (the weighted share of the strongest mean-shift mode). The
 * estimate is the candidate — the strongest mode or the collection's medoid — with the smaller expected
 * great-circle error under q: λ·Σ wᵢ d(x, nᵢ) + (1 − λ)·mean_j d(x, c_j) (the Bayes decision under q
 * for great-circle loss, restricted to the two candidates).
 *
 * This is a confidence gate: with a = V(medoid) − V(mode) (how much farther the medoid is from the
 * votes) and b = P(mode) − P(medoid) (how much farther the mode is from the collection), the medoid wins
 * exactly when λ < b / (a + b), i.e. when confidence < τ = (b / (a + b))^{1/γ}. Concentrated votes keep
 * the mode; weak or spread-out votes fall back to the medoid, the point that minimises the expected error
 * when the likelihood is flat (the posterior under a flat likelihood is the prior itself). γ is chosen on
 * held-out photos (`choosePriorWeight`).
 *
 * @param choice the candidates of one query (`priorChoice`)
 * @param gamma the prior weight γ ≥ 0: 0 turns the prior off (the strongest mode, im2gps as is); small γ
 *   keeps the votes (the medoid only where it is nearer the votes themselves); ∞ is always the medoid
 *   (the constant prior), when there is one
 * @returns the candidate index (0 = mode, 1 = medoid), its position, and the vote weight λ used
 * @example chooseWithPrior(priorChoice(estimate, neighbours, geoPrior(lat, lon)), 1).index // 1 when votes are weak
 *
 * References: Hays & Efros, "IM2GPS: estimating geographic information from a single image", CVPR 2008,
 * §4 (kNN votes as a probability map; the collection's distribution as chance / prior) and Fig. 6.
 */
export function chooseWithPrior(choice: PriorChoice, gamma: number): { index: number; latitude: number; longitude: number; voteWeight: number } {
  const lambda = voteWeight(choice.confidence, gamma);
  const pick = (c: number) => ({ index: c, latitude: choice.latitude[c], longitude: choice.longitude[c], voteWeight: lambda });
  if (gamma <= 0 || choice.latitude.length < 2) return pick(0);
  if (!Number.isFinite(gamma)) return pick(1);
  let best = 0;
  let bestCost = Infinity;
  for (let c = 0; c < choice.latitude.length; c++) {
    const p = Number.isNaN(choice.priorErrorKm[c]) ? 0 : choice.priorErrorKm[c];
    const cost = lambda * choice.voteErrorKm[c] + (1 - lambda) * p;
    if (cost < bestCost) (bestCost = cost), (best = c);
  }
  return pick(best);
}

/**
 * The prior weights γ tried on held-out photos, most prior-like last: off (0), the mixture at several
 * sharpnesses, and the constant prior (∞), so the selection can always fall back to the constant prior.
 */
export const PRIOR_GAMMAS: readonly number[] = Object.freeze([0, 0.25, 0.5, 1, 2, 4, Infinity]);

/** γ for people and tables: `off`, `∞`, or the number. */
export function formatPriorWeight(gamma: number): string {
  return gamma <= 0 ? 'off' : Number.isFinite(gamma) ? String(gamma) : '∞';
}

/**
 * Positions for a set of queries at one γ (`chooseWithPrior`; γ = 0 keeps the strongest mode).
 * @returns degrees, length m each
 */
export function estimatesWithPrior(choices: PriorChoice[], gamma: number): { latitude: Float64Array; longitude: Float64Array } {
  const latitude = new Float64Array(choices.length);
  const longitude = new Float64Array(choices.length);
  choices.forEach((ch, q) => {
    const e = chooseWithPrior(ch, gamma);
    (latitude[q] = e.latitude), (longitude[q] = e.longitude);
  });
  return { latitude, longitude };
}
