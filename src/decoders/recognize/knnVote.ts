import { assert } from '../../core/errors.ts';

/**
 * How the k neighbours' votes are weighted by their distance d (ascending, d₁ the nearest):
 * - `uniform`: 1 each (plain majority vote);
 * - `inverse`: 1 / (d + ε), ε a millionth of the mean distance (an exact duplicate dominates);
 * - `kernel`: exp(−(d − d₁) / (d_k − d₁)), from 1 for the nearest down to 1/e for the k-th: scale-free,
 *   so the same setting suits squared L2 on raw pixels and on normalised descriptors, and two
 *   agreeing neighbours can still outvote a slightly nearer single one.
 */
export type VoteWeighting = 'uniform' | 'inverse' | 'kernel';
export const VOTE_WEIGHTINGS: readonly VoteWeighting[] = ['uniform', 'inverse', 'kernel'];

/**
 * Per-class scores of one query by distance-weighted k-NN voting (label transfer as in Torralba,
 * Fergus & Freeman, "80 million tiny images", PAMI 2008, §5: neighbours vote for their labels).
 * @param classes class index (0 ≤ c < numClasses) of each neighbour, nearest first; −1 = no neighbour
 * @param distances distance of each neighbour, ascending (same length)
 * @param k how many of the first neighbours vote (≤ classes.length)
 * @param numClasses number of classes
 * @param out optional destination, length `numClasses`
 * @returns scores summing to 1 (all 0 when no neighbour voted)
 * @example knnScores(Int32Array.of(2, 2, 0), Float32Array.of(0.1, 0.2, 0.3), 3, 3, 'kernel')
 */
export function knnScores(
  classes: ArrayLike<number>,
  distances: ArrayLike<number>,
  k: number,
  numClasses: number,
  weighting: VoteWeighting,
  out: Float64Array = new Float64Array(numClasses),
): Float64Array {
  assert(k <= classes.length && distances.length === classes.length && out.length === numClasses, 'knnScores sizes');
  out.fill(0);
  let m = 0;
  let sum = 0;
  while (m < k && classes[m] >= 0) sum += distances[m++];
  if (m === 0) return out;
  const d0 = distances[0];
  const tau = distances[m - 1] - d0;
  const eps = (sum / m) * 1e-6 + 1e-30;
  let total = 0;
  for (let j = 0; j < m; j++) {
    const d = distances[j];
    const w =
      weighting === 'uniform' ? 1 : weighting === 'inverse' ? 1 / (Math.max(0, d) + eps) : tau > 0 ? Math.exp(-(d - d0) / tau) : 1;
    out[classes[j]] += w;
    total += w;
  }
  for (let c = 0; c < numClasses; c++) out[c] /= total;
  return out;
}

/**
 * The winning class of a score vector; ties go to the class whose first neighbour is nearest.
 * @returns −1 when every score is 0
 */
export function argmaxClass(scores: Float64Array, classes: ArrayLike<number>, k: number): number {
  let best = -1;
  let bestScore = 0;
  for (let j = 0; j < k && classes[j] >= 0; j++) {
    const c = classes[j];
    if (scores[c] > bestScore + 1e-12) {
      best = c;
      bestScore = scores[c];
    }
  }
  return best;
}

/**
 * Batched label transfer: the predicted class of every query from its neighbour table.
 * @param neighbourRows row-major `nq * stride` descriptor rows of the neighbours (−1 = none), nearest first
 * @param distances same layout as `neighbourRows`
 * @param stride neighbours stored per query (≥ k)
 * @param rowClass class index of each collection row (−1 = unlabelled; such rows must not appear)
 * @param k neighbours that vote
 * @returns `nq` predicted class indices (−1 where no neighbour)
 */
export function knnPredict(
  neighbourRows: Int32Array,
  distances: Float32Array,
  nq: number,
  stride: number,
  rowClass: Int32Array,
  numClasses: number,
  k: number,
  weighting: VoteWeighting,
): Int32Array {
  assert(k >= 1 && k <= stride && neighbourRows.length === nq * stride, `knnPredict needs 1 ≤ k ≤ ${stride}, got ${k}`);
  const pred = new Int32Array(nq);
  const cls = new Int32Array(k);
  const scores = new Float64Array(numClasses);
  for (let q = 0; q < nq; q++) {
    const base = q * stride;
    for (let j = 0; j < k; j++) {
      const row = neighbourRows[base + j];
      cls[j] = row < 0 ? -1 : rowClass[row];
    }
    knnScores(cls, distances.subarray(base, base + k), k, numClasses, weighting, scores);
    pred[q] = argmaxClass(scores, cls, k);
  }
  return pred;
}
