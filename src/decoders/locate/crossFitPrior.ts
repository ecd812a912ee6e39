import { choosePriorWeight } from './choosePriorWeight.ts';
import { estimatesWithPrior, PRIOR_GAMMAS, type PriorChoice } from './locateWithPrior.ts';

/**
 * Cross-fitted estimates with the prior: the test photos are split into folds (one per trip where there
 * are trips, so a trip never validates itself); each fold is estimated with the γ that `choosePriorWeight`
 * picks on all the other folds, so no photo's own truth picks the γ applied to it. With many folds each γ
 * rests on nearly the whole test set, so the choice is stable, and the candidates end with the constant
 * prior (∞), which the selection falls back to unless the votes beat it by more than their noise.
 * @param choices candidates per test photo, length m
 * @param truth true positions, degrees, length m
 * @param fold fold of each test photo, 0 … f − 1, length m (a fold with no other fold to learn from gets ∞)
 * @param options `gammas` (default `PRIOR_GAMMAS`) and bootstrap `groups` per test photo (see `choosePriorWeight`)
 * @returns estimates, degrees, and the γ chosen per fold (0: no prior, ∞: the constant prior)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (prior); Hastie, Tibshirani & Friedman, "The Elements
 * of Statistical Learning", 2009, §7.10 (cross-validation; the one-standard-error rule).
 */
export function crossFitPrior(
  choices: PriorChoice[],
  truth: { latitude: ArrayLike<number>; longitude: ArrayLike<number> },
  fold: Int32Array,
  options: { gammas?: readonly number[]; groups?: ArrayLike<number> } = {},
): { latitude: Float64Array; longitude: Float64Array; gammaPerFold: number[] } {
  const m = choices.length;
  const gammas = options.gammas ?? PRIOR_GAMMAS;
  const folds = m ? Math.max(...fold) + 1 : 0;
  const latitude = new Float64Array(m);
  const longitude = new Float64Array(m);
  const gammaPerFold: number[] = [];
  const at = <T>(xs: ArrayLike<T>, idx: number[]) => idx.map((q) => xs[q]);
  for (let f = 0; f < folds; f++) {
    const val: number[] = [];
    const own: number[] = [];
    for (let q = 0; q < m; q++) (fold[q] === f ? own : val).push(q);
    const g = val.length
      ? choosePriorWeight(at(choices, val), { latitude: at(truth.latitude, val), longitude: at(truth.longitude, val) }, { gammas, groups: options.groups && at(options.groups, val) }).gamma
      : Infinity;
    gammaPerFold.push(g);
    const e = estimatesWithPrior(at(choices, own), g);
    own.forEach((q, r) => ((latitude[q] = e.latitude[r]), (longitude[q] = e.longitude[r])));
  }
  return { latitude, longitude, gammaPerFold };
}

/**
 * Folds and bootstrap groups for cross-fitting the prior on a test set: where the photos have capture
 * times and form at least `minTrips` trips, one fold and one group per trip (photos without a time each
 * alone); otherwise `folds` folds by index and one group per photo.
 * @param tripOf trip of each test photo (−1: no capture time), length m
 * @returns `fold` (0 … f − 1) and `groups`, length m each
 * @example priorFolds(Int32Array.of(-1, -1, -1), 2).fold // [0, 1, 0]
 */
export function priorFolds(tripOf: Int32Array, folds = 10, minTrips = 10): { fold: Int32Array; groups: Int32Array } {
  const m = tripOf.length;
  const trips = new Set(Array.from(tripOf).filter((t) => t >= 0)).size;
  if (trips >= minTrips) {
    const ids = new Map<number, number>();
    const fold = Int32Array.from(tripOf, (t, q) => {
      const key = t >= 0 ? t : -1 - q;
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key)!;
    });
    return { fold, groups: fold };
  }
  return { fold: Int32Array.from({ length: m }, (_, q) => q % Math.max(1, Math.min(folds, m))), groups: Int32Array.from({ length: m }, (_, q) => q) };
}
