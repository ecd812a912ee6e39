import { assert } from '../../core/errors.ts';

/**
 * Decoding a classification network's logits: class probabilities by softmax, and the top classes.
 * The "learned decoder" beside k-NN label transfer (knnVote.ts): the network's last layer replaces the
 * neighbours' vote.
 */

/**
 * Row-wise softmax, p_c = exp(z_c − max z) / Σ exp(z_j − max z) (max subtracted for stability; sums in float64).
 * @param logits `n * numClasses` values, row-major (photo, class)
 * @returns probabilities of the same layout; each row sums to 1
 * @example softmaxRows(Float32Array.of(0, Math.log(3)), 1, 2) // [0.25, 0.75]
 */
export function softmaxRows(logits: ArrayLike<number>, n: number, numClasses: number): Float64Array {
  assert(logits.length === n * numClasses && numClasses > 0, 'softmaxRows sizes');
  const out = new Float64Array(n * numClasses);
  for (let r = 0; r < n; r++) {
    const o = r * numClasses;
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[o + c]);
    assert(Number.isFinite(max), `logits of row ${r} are not finite`);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += out[o + c] = Math.exp(logits[o + c] - max);
    for (let c = 0; c < numClasses; c++) out[o + c] /= sum;
  }
  return out;
}

/**
 * Indices of the `k` largest values of a row, largest first (ties: the lower index first).
 * @example topK(Float64Array.of(0.1, 0.6, 0.3), 2) // [1, 2]
 */
export function topK(row: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: row.length }, (_, i) => i);
  idx.sort((a, b) => row[b] - row[a] || a - b);
  return idx.slice(0, Math.max(0, Math.min(k, row.length)));
}

/** One photo's answer: the most probable class and the top classes with their probabilities. */
export interface NetworkPrediction {
  label: string;
  /** Best first; `score` is the softmax probability, 0 … 1. */
  scores: { label: string; score: number }[];
}

/**
 * Per photo, the most probable class and the `top` most probable with their softmax probabilities.
 * @param logits `n * classes.length` values, row-major
 * @param classes class names in output order
 * @param top classes reported per photo (1 … classes.length)
 */
export function decodeLogits(logits: ArrayLike<number>, n: number, classes: readonly string[], top: number): NetworkPrediction[] {
  const C = classes.length;
  const p = softmaxRows(logits, n, C);
  return Array.from({ length: n }, (_, r) => {
    const row = p.subarray(r * C, (r + 1) * C);
    const scores = topK(row, top).map((c) => ({ label: classes[c], score: row[c] }));
    return { label: scores[0].label, scores };
  });
}

/**
 * Predicted class (arg max) and its probability (the confidence calibration is measured on), per photo.
 * @param probabilities `n * numClasses` softmax outputs, row-major
 */
export function argmaxRows(probabilities: ArrayLike<number>, n: number, numClasses: number): { predicted: Int32Array; confidence: Float64Array } {
  const predicted = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probabilities[r * numClasses + c] > probabilities[r * numClasses + best]) best = c;
    predicted[r] = best;
    confidence[r] = probabilities[r * numClasses + best];
  }
  return { predicted, confidence };
}
