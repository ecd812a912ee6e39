import { geoErrorsKm, summariseGeoErrors } from './geoEvaluation.ts';
import { estimatesWithPrior, PRIOR_GAMMAS, type PriorChoice } from './locateWithPrior.ts';

/**
 * The γ (see `chooseWithPrior`) with the smallest median error on a validation set (ties: smaller mean
 * error, then the earlier γ of `gammas`).
 * @param choices the validation queries' candidates, length v ≥ 1
 * @param truth their true positions, degrees, length v
 */
export function chooseGamma(choices: PriorChoice[], truth: { latitude: ArrayLike<number>; longitude: ArrayLike<number> }, gammas: readonly number[] = PRIOR_GAMMAS): number {
  let best = gammas[0];
  let bestScore = [Infinity, Infinity];
  for (const g of gammas) {
    const s = summariseGeoErrors(geoErrorsKm(estimatesWithPrior(choices, g), truth), [1]);
    if (s.medianKm < bestScore[0] - 1e-9 || (Math.abs(s.medianKm - bestScore[0]) <= 1e-9 && s.meanKm < bestScore[1] - 1e-9)) (best = g), (bestScore = [s.medianKm, s.meanKm]);
  }
  return best;
}

/**
 * Cross-fitted estimates with the prior: the test photos are split into folds (by trip where there are
 * trips, so a trip never validates itself); each fold is estimated with the γ chosen on the other folds,
 * so no photo's own truth picks the γ applied to it.
 * @param choices candidates per test photo, length m
 * @param truth true positions, degrees, length m
 * @param fold fold of each test photo, 0 … f − 1 (f ≥ 2), length m
 * @returns estimates, degrees, and the γ chosen per fold (−1: no prior, ∞: the constant prior)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (prior); Hastie, Tibshirani & Friedman, "The Elements
 * of Statistical Learning", 2009, §7.10 (cross-validation).
 */
export function crossFitPrior(
  choices: PriorChoice[],
  truth: { latitude: ArrayLike<number>; longitude: ArrayLike<number> },
  fold: Int32Array,
  gammas: readonly number[] = PRIOR_GAMMAS,
): { latitude: Float64Array; longitude: Float64Array; gammaPerFold: number[] } {
  const m = choices.length;
  const folds = Math.max(...fold) + 1;
  const latitude = new Float64Array(m);
  const longitude = new Float64Array(m);
  const gammaPerFold: number[] = [];
  for (let f = 0; f < folds; f++) {
    const val = Array.from({ length: m }, (_, q) => q).filter((q) => fold[q] !== f);
    const own = Array.from({ length: m }, (_, q) => q).filter((q) => fold[q] === f);
    const g = val.length
      ? chooseGamma(val.map((q) => choices[q]), { latitude: val.map((q) => truth.latitude[q]), longitude: val.map((q) => truth.longitude[q]) }, gammas)
      : gammas[0];
    gammaPerFold.push(g);
    const e = estimatesWithPrior(own.map((q) => choices[q]), g);
    own.forEach((q, r) => ((latitude[q] = e.latitude[r]), (longitude[q] = e.longitude[r])));
  }
  return { latitude, longitude, gammaPerFold };
}
