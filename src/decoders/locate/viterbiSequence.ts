import { assert } from '../../core/errors.ts';

/** The most probable state path of a hidden Markov model. */
export interface ViterbiPath {
  /** State index per step, length T. */
  states: Int32Array;
  /** log probability of that path (observations and transitions). */
  logProbability: number;
}

/**
 * Viterbi decoding of an HMM whose T steps share S states, with a transition matrix per step
 * (it depends on the time gap between consecutive photos).
 *
 * Algorithm (max-product in log space): δ₀(j) = π(j) + o₀(j); δₜ(j) = maxᵢ δₜ₋₁(i) + Aₜ(i, j) + oₜ(j),
 * with back-pointers; the path is read back from argmaxⱼ δ_{T−1}(j). Ties go to the lower state index.
 *
 * @param steps T ≥ 1
 * @param states S ≥ 1
 * @param logObservation log p(photo t | state j), `T * S` row-major
 * @param logTransition fills `out` (`S * S`, row i = from state i) with log p(state j at t | state i at t−1), for t = 1..T−1
 * @param logInitial log prior of the first state, length S (default uniform)
 * @returns the best path and its log probability
 * @example viterbiSequence(2, 2, Float64Array.of(0, -1, -1, 0), (t, out) => out.set([0, -9, -9, 0])).states // [0, 0]
 *
 * References: Viterbi, "Error bounds for convolutional codes", IEEE Trans. IT 13(2), 1967; Rabiner,
 * "A tutorial on hidden Markov models", Proc. IEEE 1989, §III.B; Kalogerakis et al., ICCV 2009, §3.3.
 */
export function viterbiSequence(
  steps: number,
  states: number,
  logObservation: Float64Array,
  logTransition: (t: number, out: Float64Array) => void,
  logInitial?: Float64Array,
): ViterbiPath {
  assert(steps >= 1 && states >= 1, `Viterbi needs T ≥ 1 and S ≥ 1, got ${steps}, ${states}`);
  assert(logObservation.length === steps * states, `logObservation has ${logObservation.length} entries, expected ${steps * states}`);
  const back = new Int32Array(steps * states);
  let delta = new Float64Array(states);
  let next = new Float64Array(states);
  const trans = new Float64Array(states * states);
  const init = -Math.log(states);
  for (let j = 0; j < states; j++) delta[j] = (logInitial ? logInitial[j] : init) + logObservation[j];
  for (let t = 1; t < steps; t++) {
    logTransition(t, trans);
    for (let j = 0; j < states; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < states; i++) {
        const v = delta[i] + trans[i * states + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + logObservation[t * states + j];
      back[t * states + j] = arg;
    }
    [delta, next] = [next, delta];
  }
  let last = 0;
  for (let j = 1; j < states; j++) if (delta[j] > delta[last]) last = j;
  const path = new Int32Array(steps);
  path[steps - 1] = last;
  for (let t = steps - 1; t > 0; t--) path[t - 1] = back[t * states + path[t]];
  return { states: path, logProbability: delta[last] };
}
