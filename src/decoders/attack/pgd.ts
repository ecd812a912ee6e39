import { Rng } from '../../core/rng.ts';
import { argmaxClasses, attackObjective, isAdversarial, needGradient, projectLinf, type AttackBatch, type AttackModel } from './attackModel.ts';

/** Options of projected gradient descent. */
export interface PgdOptions {
  /** L∞ radius in pixel units of [0, 1] (8/255 ≈ 0.031). */
  eps: number;
  /** Gradient steps (Madry et al. evaluate CIFAR-10 with 7 and 20). */
  steps: number;
  /** Step size α in pixel units; default 2.5 ε / steps, so the steps can cross the ball and come back. */
  stepSize?: number;
  /** Start from a uniform random point of the ball (Madry et al. §3), else from the clean image. Default true. */
  randomStart?: boolean;
  seed?: number;
}

/** A gradient of the attack's loss at `x` (per image), with the logits there: the model's, or an average over transformations (EOT). */
export type GradientEstimate = (x: Float32Array, n: number, target: Float32Array) => Promise<{ gradient: Float32Array; logits: Float32Array }>;

/**
 * Projected gradient descent on the L∞ ball: from a random point of the ball, `steps` signed gradient
 * steps of size α, each followed by the projection onto the ball and [0, 1],
 * x ← Π(x + α · sign ∇ₓ L(x, y)) (untargeted; towards a target, x ← Π(x − α · sign ∇ₓ L(x, t))).
 * Returns, per image, the best iterate seen: an adversarial one before any other, then the highest
 * loss of the label (or the lowest of the target).
 * @param batch clean images in [0, 1] (planar, `n * model.values`), their labels, optional targets
 * @returns the adversarial images, every value within ε of the clean one and in [0, 1]
 * @throws DejaError MODEL_ERROR when the model has no gradient graph
 * @example const adv = await pgd(model, batch, { eps: 8 / 255, steps: 10 });
 *
 * References: Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks", ICLR 2018, §2 (eq. 2) and §3; Kurakin, Goodfellow & Bengio, "Adversarial
 * Examples in the Physical World", ICLR 2017 workshop (the iterative sign method).
 */
export async function pgd(model: AttackModel, batch: AttackBatch, options: PgdOptions): Promise<Float32Array> {
  const grad = needGradient(model, 'pgd');
  return projectedSignSteps(model, batch, options, grad, true);
}

/**
 * The PGD loop with any gradient estimate (EOT passes its average over transformations).
 * @param trackBest keep the best iterate by the estimate's logits (true for PGD, whose logits are the
 *   iterate's own); else return the last iterate
 */
export async function projectedSignSteps(model: AttackModel, batch: AttackBatch, options: PgdOptions, estimate: GradientEstimate, trackBest: boolean): Promise<Float32Array> {
  const { eps, steps } = options;
  const { n, images } = batch;
  const V = model.values;
  const K = model.classes;
  const alpha = options.stepSize ?? (2.5 * eps) / steps;
  const { target, direction } = attackObjective(batch, K);
  const rng = new Rng(options.seed ?? 1);
  const x = Float32Array.from(images);
  if (options.randomStart ?? true) for (let i = 0; i < x.length; i++) x[i] += eps * (2 * rng.next() - 1);
  projectLinf(x, images, eps);
  const best = Float32Array.from(x);
  const bestScore = new Float64Array(n).fill(-Infinity);
  const keep = (logits: Float32Array) => {
    const predicted = argmaxClasses(logits, n, K);
    for (let i = 0; i < n; i++) {
      const s = attackScore(logits.subarray(i * K, (i + 1) * K), target.subarray(i * K, (i + 1) * K), direction) + (isAdversarial(batch, i, predicted[i]) ? 1e9 : 0);
      if (s > bestScore[i]) {
        bestScore[i] = s;
        best.set(x.subarray(i * V, (i + 1) * V), i * V);
      }
    }
  };
  for (let s = 0; s < steps; s++) {
    const r = await estimate(x, n, target);
    if (trackBest) keep(r.logits);
    for (let i = 0; i < x.length; i++) x[i] += direction * alpha * Math.sign(r.gradient[i]);
    projectLinf(x, images, eps);
  }
  if (!trackBest) return x;
  keep(await model.logits(x, n));
  return best;
}

/** direction · cross-entropy of one row of logits against a target distribution (float64). */
export function attackScore(logits: ArrayLike<number>, target: ArrayLike<number>, direction: number): number {
  let max = -Infinity;
  for (let c = 0; c < logits.length; c++) max = Math.max(max, logits[c]);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += Math.exp(logits[c] - max);
  const logZ = max + Math.log(sum);
  let ce = 0;
  for (let c = 0; c < logits.length; c++) if (target[c]) ce -= target[c] * (logits[c] - logZ);
  return direction * ce;
}
