import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { geoErrorsKm } from './geoEvaluation.ts';
import { estimatesWithPrior, PRIOR_GAMMAS, type PriorChoice } from './locateWithPrior.ts';

/** What `choosePriorWeight` decided, and on what evidence. */
export interface PriorWeightSelection {
  /** The γ to apply (0: off, ∞: the constant prior). */
  gamma: number;
  /** The γ with the smallest median error on the validation photos, before the guard. */
  best: number;
  /** Median error per candidate of `gammas`, km. */
  medianKm: Float64Array;
  /** Bootstrap standard error of median(best) − median(∞), km (0 when best is ∞; ∞ with fewer than two groups). */
  standardErrorKm: number;
  /** Validation photos used. */
  photos: number;
}

export interface ChoosePriorWeightOptions {
  /** Candidates, in order of preference on ties (default `PRIOR_GAMMAS`, which ends with ∞). */
  gammas?: readonly number[];
  /**
   * Resampling unit of the bootstrap, per validation photo (e.g. its trip, so that photos of one outing,
   * whose errors go together, count as one draw); default: every photo on its own.
   */
  groups?: ArrayLike<number>;
  /** Bootstrap resamples (default 200). */
  resamples?: number;
}

/**
 * The prior weight γ (see `chooseWithPrior`) for a set of validation photos, chosen so that the
 * estimate does not lose to the constant prior (γ = ∞, the collection's medoid):
 *
 * 1. For every candidate γ, the median (then mean) great-circle error on the validation photos; `best`
 *    is the smallest (ties: the earlier candidate).
 * 2. Unless `best` is ∞, a paired bootstrap over the groups (seeded) gives the standard error SE of
 *    median(best) − median(∞).
 * 3. γ = best only when it beats the constant prior by more than one SE; otherwise ∞. This is the
 *    one-standard-error rule of cross-validation with the constant prior as the simplest model: the
 *    estimate leaves the prior only where the evidence for the votes outweighs its noise, so a split
 *    where the pixels say nothing (one person's trips) gets the constant prior, not a coin flip around it.
 *
 * @param choices the validation photos' candidates (`priorChoice`), length v ≥ 1
 * @param truth their true positions, degrees, length v
 * @param options candidates, bootstrap groups and resamples
 * @example choosePriorWeight(choices, truth).gamma // Infinity where the votes are noise
 *
 * References: Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning", 2nd ed. 2009,
 * §7.10 (cross-validation, the one-standard-error rule); Efron & Tibshirani, "An Introduction to the
 * Bootstrap", 1993, ch. 6 (bootstrap standard errors); Davison & Hinkley, "Bootstrap Methods and their
 * Application", 1997, ch. 3 (resampling whole groups when observations within a group are dependent);
 * Hays & Efros, IM2GPS, CVPR 2008, §4 (the collection's distribution as the prior).
 */
export function choosePriorWeight(
  choices: PriorChoice[],
  truth: { latitude: ArrayLike<number>; longitude: ArrayLike<number> },
  options: ChoosePriorWeightOptions = {},
): PriorWeightSelection {
  const gammas = options.gammas ?? PRIOR_GAMMAS;
  const v = choices.length;
  assert(v >= 1 && truth.latitude.length === v, `choosing γ needs v ≥ 1 validation photos with truth, got ${v} and ${truth.latitude.length}`);
  const errors = gammas.map((g) => geoErrorsKm(estimatesWithPrior(choices, g), truth));
  const medianKm = Float64Array.from(errors, (e) => medianOf(e));
  const meanKm = errors.map((e) => e.reduce((a, b) => a + b, 0) / v);
  let b = 0;
  for (let i = 1; i < gammas.length; i++)
    if (medianKm[i] < medianKm[b] - 1e-9 || (Math.abs(medianKm[i] - medianKm[b]) <= 1e-9 && meanKm[i] < meanKm[b] - 1e-9)) b = i;
  const constant = gammas.indexOf(Infinity);
  const result = { best: gammas[b], medianKm, photos: v };
  if (constant < 0 || b === constant) return { ...result, gamma: gammas[b], standardErrorKm: 0 };
  const se = bootstrapStandardError(errors[b], errors[constant], options.groups, options.resamples ?? 200);
  const keep = medianKm[b] + se < medianKm[constant];
  return { ...result, gamma: keep ? gammas[b] : Infinity, standardErrorKm: se };
}

/** Paired bootstrap SE of median(a) − median(b) over resampled groups; ∞ with fewer than two groups. */
function bootstrapStandardError(a: Float64Array, b: Float64Array, groups: ArrayLike<number> | undefined, resamples: number): number {
  const byGroup = new Map<number, number[]>();
  for (let i = 0; i < a.length; i++) {
    const key = groups ? groups[i] : i;
    const members = byGroup.get(key);
    if (members) members.push(i);
    else byGroup.set(key, [i]);
  }
  const units = [...byGroup.values()];
  if (units.length < 2) return Infinity;
  const rng = new Rng(11);
  const diffs = new Float64Array(resamples);
  const sa: number[] = [];
  const sb: number[] = [];
  for (let r = 0; r < resamples; r++) {
    sa.length = 0;
    sb.length = 0;
    for (let u = 0; u < units.length; u++) for (const i of units[rng.int(units.length)]) (sa.push(a[i]), sb.push(b[i]));
    diffs[r] = medianOf(sa) - medianOf(sb);
  }
  const mean = diffs.reduce((s, x) => s + x, 0) / resamples;
  return Math.sqrt(diffs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, resamples - 1));
}

function medianOf(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
