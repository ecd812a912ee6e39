import { attackObjective, needGradient, projectLinf, type AttackBatch, type AttackModel } from './attackModel.ts';

/**
 * The fast gradient sign method: one step of size ε along the sign of the loss gradient,
 * x' = clip(x + ε · sign(∇ₓ L(x, y))) untargeted, x' = clip(x − ε · sign(∇ₓ L(x, t))) towards target t.
 * It is the L∞-optimal step of a model that is linear around x (Goodfellow et al. §3).
 * @param batch clean images in [0, 1] (planar, `n * model.values`), their labels, optional targets
 * @param eps L∞ radius in pixel units of [0, 1] (8/255 ≈ 0.031)
 * @returns the adversarial images, same layout; every value within ε of the clean one and in [0, 1]
 * @throws DejaError MODEL_ERROR when the model has no gradient graph
 * @example const adv = await fgsm(model, { images, n: 1, labels: Int32Array.of(3), targets: null }, 8 / 255);
 *
 * References: Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial Examples", ICLR 2015, §4 (eq. 3).
 */
export async function fgsm(model: AttackModel, batch: AttackBatch, eps: number): Promise<Float32Array> {
  const grad = needGradient(model, 'fgsm');
  const { target, direction } = attackObjective(batch, model.classes);
  const { gradient } = await grad(batch.images, batch.n, target);
  const x = new Float32Array(batch.images.length);
  for (let i = 0; i < x.length; i++) x[i] = batch.images[i] + direction * eps * Math.sign(gradient[i]);
  return projectLinf(x, batch.images, eps);
}
