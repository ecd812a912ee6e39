import { assert } from '../../core/errors.ts';

/**
 * The two losses of a linear classifier s = W x + b (CS231n, "Linear classification: Support Vector
 * Machine, Softmax"): the multiclass SVM hinge loss of Weston & Watkins and the softmax cross-entropy.
 * Both are written on the score rows, so the exact float64 objective ({@link linearObjective}) and the
 * SIMD training step (sgdTrainer.ts) share one implementation of each loss and its gradient.
 */

/** `softmax`: cross-entropy of the softmax of the scores; `svm`: multiclass hinge with margin Δ = 1. */
export type LinearLoss = 'softmax' | 'svm';

/** The losses, in the order `--help` lists them. */
export const LINEAR_LOSSES = ['softmax', 'svm'] as const satisfies readonly LinearLoss[];

/** The SVM's margin Δ (CS231n: with L2 regularisation, Δ = 1 loses nothing, since λ sets the scale of W). */
export const SVM_MARGIN = 1;

/**
 * Data loss of `n` score rows and its gradient with respect to the scores.
 *
 * - softmax: L_i = −log p_{y_i}, p = exp(s − max s) / Σ exp(s − max s); ∂L_i/∂s_j = p_j − [j = y_i].
 * - svm (Weston & Watkins 1999): L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + Δ); ∂L_i/∂s_j = [margin_j > 0]
 *   for j ≠ y_i and −#{j : margin_j > 0} for j = y_i (the subgradient 0 at a kink).
 *
 * @param loss which loss
 * @param scores `n * numClasses` scores, row-major (sample, class)
 * @param labels `n` class indices in [0, numClasses)
 * @param dScores `n * numClasses` values, overwritten with ∂(Σ_i L_i)/∂s (not divided by n)
 * @returns Σ_i L_i (float64)
 * @example scoreLoss('svm', Float64Array.of(3, 1), Int32Array.of(1), 1, 2, new Float64Array(2)) // 3 = max(0, 3 − 1 + 1)
 *
 * References: Weston & Watkins, "Support vector machines for multi-class pattern recognition", ESANN 1999;
 * CS231n notes, "Linear classification", §"Multiclass SVM loss" and §"Softmax classifier".
 */
export function scoreLoss(loss: LinearLoss, scores: Float64Array, labels: ArrayLike<number>, n: number, numClasses: number, dScores: Float64Array): number {
  assert(scores.length >= n * numClasses && dScores.length >= n * numClasses && labels.length >= n, 'scoreLoss sizes');
  return loss === 'softmax' ? softmaxLoss(scores, labels, n, numClasses, dScores) : hingeLoss(scores, labels, n, numClasses, dScores);
}

function softmaxLoss(scores: Float64Array, labels: ArrayLike<number>, n: number, C: number, d: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * C;
    const y = labels[i];
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (scores[o + c] > max) max = scores[o + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += d[o + c] = Math.exp(scores[o + c] - max);
    const inv = 1 / sum;
    for (let c = 0; c < C; c++) d[o + c] *= inv;
    total += Math.log(sum) + max - scores[o + y];
    d[o + y] -= 1;
  }
  return total;
}

function hingeLoss(scores: Float64Array, labels: ArrayLike<number>, n: number, C: number, d: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * C;
    const y = labels[i];
    const sy = scores[o + y];
    let active = 0;
    for (let c = 0; c < C; c++) {
      const margin = scores[o + c] - sy + SVM_MARGIN;
      if (c !== y && margin > 0) {
        total += margin;
        d[o + c] = 1;
        active++;
      } else d[o + c] = 0;
    }
    d[o + y] = 0 - active; // +0, not −0, when no margin is active
  }
  return total;
}

/**
 * The full objective on `n` samples, in float64 throughout (the reference the gradient checks and the
 * SIMD training step are tested against):
 * J(W, b) = (1/n) Σ_i L_i(W x_i + b) + λ ‖W‖², with ∂J/∂W = (1/n) Σ_i (∂L_i/∂s) x_iᵀ + 2λW and
 * ∂J/∂b = (1/n) Σ_i ∂L_i/∂s (the bias is not regularised).
 * @param weights W, `numClasses * dim`, row-major (class, feature)
 * @param bias b, `numClasses`
 * @param x `n * dim` features, row-major
 * @param labels `n` class indices
 * @param lambda λ ≥ 0, the L2 penalty on W
 * @param grad where to write ∂J/∂W (`numClasses * dim`) and ∂J/∂b (`numClasses`), or omitted for the value alone
 * @returns J
 */
export function linearObjective(
  loss: LinearLoss,
  weights: Float64Array,
  bias: Float64Array,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
  dim: number,
  numClasses: number,
  lambda: number,
  grad?: { weights: Float64Array; bias: Float64Array },
): number {
  const C = numClasses;
  assert(weights.length === C * dim && bias.length === C && x.length >= n * dim && n > 0, 'linearObjective sizes');
  const scores = new Float64Array(n * C);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < C; c++) {
      let s = bias[c];
      for (let k = 0; k < dim; k++) s += weights[c * dim + k] * x[i * dim + k];
      scores[i * C + c] = s;
    }
  const dScores = new Float64Array(n * C);
  let value = scoreLoss(loss, scores, labels, n, C, dScores) / n;
  let sq = 0;
  for (let k = 0; k < weights.length; k++) sq += weights[k] * weights[k];
  value += lambda * sq;
  if (grad) {
    for (let k = 0; k < weights.length; k++) grad.weights[k] = 2 * lambda * weights[k];
    grad.bias.fill(0);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < C; c++) {
        const g = dScores[i * C + c] / n;
        if (g === 0) continue;
        grad.bias[c] += g;
        for (let k = 0; k < dim; k++) grad.weights[c * dim + k] += g * x[i * dim + k];
      }
  }
  return value;
}
