import { Rng } from '../../core/rng.ts';
import { argmaxClasses, isAdversarial, needGradient, type AttackBatch, type AttackModel } from './attackModel.ts';
import { projectedSignSteps, type GradientEstimate, type PgdOptions } from './pgd.ts';
import { addWarpAdjoint, applyTransform, drawTransform, EOT_TRANSFORMS, type JpegRoundTrip, type TransformDistribution } from './transforms.ts';

/** Options of EOT: PGD's, plus the transformations averaged over. */
export interface EotOptions extends PgdOptions {
  /** Transformations drawn per image and step, whose gradients are averaged. */
  samples: number;
  transforms?: TransformDistribution;
  /** The JPEG round trip (io/ sharp through the action); null leaves JPEG out. */
  jpeg: JpegRoundTrip | null;
}

/**
 * Expectation over transformation: PGD on the average gradient of the loss over random
 * transformations t of the image, ∇ₓ E_t[L(t(x), y)] ≈ (1/m) Σ_j J_{t_j}ᵀ ∇L(t_j(x), y), so that the
 * result stays adversarial when the photo is rotated, rescaled, shifted, brightened or re-encoded.
 * Each step draws `samples` transformations per image (rotation, scale, translation and brightness
 * differentiated exactly; JPEG with a straight-through gradient), runs them as one batch through the
 * gradient graph, maps each gradient back through its transformation and averages; then the signed,
 * projected step of PGD. Returns the last iterate (the expectation, not any one view, is optimised).
 * @returns the adversarial images, within ε of the clean ones and in [0, 1]
 * @throws DejaError MODEL_ERROR when the model has no gradient graph
 * @example const adv = await eot(model, batch, { eps: 8 / 255, steps: 10, samples: 8, jpeg: null });
 *
 * References: Athalye, Engstrom, Ilyas & Kwok, "Synthesizing Robust Adversarial Examples", ICML 2018,
 * §2 (eq. 1–2) and §3; Athalye, Carlini & Wagner, "Obfuscated Gradients Give a False Sense of
 * Security", ICML 2018, §4.1 (BPDA: the straight-through gradient of a non-differentiable step).
 */
export async function eot(model: AttackModel, batch: AttackBatch, options: EotOptions): Promise<Float32Array> {
  const grad = needGradient(model, 'eot');
  const { channels: C, size: S, values: V } = model;
  const m = options.samples;
  const dist = options.transforms ?? EOT_TRANSFORMS;
  const rng = new Rng((options.seed ?? 1) ^ 0x5eed);
  const estimate: GradientEstimate = async (x, n, target) => {
    const drawn = Array.from({ length: n * m }, () => drawTransform(dist, S, rng));
    const views = await Promise.all(drawn.map((t, k) => applyTransform(t, x.subarray(Math.floor(k / m) * V, (Math.floor(k / m) + 1) * V), C, options.jpeg)));
    const stacked = new Float32Array(n * m * V);
    views.forEach((v, k) => stacked.set(v.image, k * V));
    const targets = new Float32Array(n * m * model.classes);
    for (let k = 0; k < n * m; k++) targets.set(target.subarray(Math.floor(k / m) * model.classes, (Math.floor(k / m) + 1) * model.classes), k * model.classes);
    const r = await grad(stacked, n * m, targets);
    const gradient = new Float32Array(n * V);
    for (let k = 0; k < n * m; k++) {
      const g = r.gradient.subarray(k * V, (k + 1) * V);
      const inside = views[k].inside;
      const masked = new Float32Array(V);
      for (let j = 0; j < V; j++) masked[j] = inside[j] ? g[j] : 0;
      addWarpAdjoint(drawn[k].warp, masked, C, gradient.subarray(Math.floor(k / m) * V, (Math.floor(k / m) + 1) * V), 1 / m);
    }
    return { gradient, logits: r.logits };
  };
  return projectedSignSteps(model, batch, options, estimate, false);
}

/**
 * How robust adversarial images are to fresh random transformations (with real JPEG): per image, the
 * fraction of `draws` transformations under which the model's answer is still a success (another class
 * than the label, or the target).
 * @param adversarial `n * values` images, e.g. from `eot` or `pgd`
 * @returns per image, a fraction in [0, 1]
 */
export async function transformRobustness(
  model: AttackModel,
  batch: AttackBatch,
  adversarial: Float32Array,
  options: { draws: number; seed?: number; transforms?: TransformDistribution; jpeg: JpegRoundTrip | null },
): Promise<Float64Array> {
  const { values: V, classes: K } = model;
  const { n } = batch;
  const rng = new Rng((options.seed ?? 7) ^ 0xf5e5);
  const dist = options.transforms ?? EOT_TRANSFORMS;
  const total = n * options.draws;
  const views = await Promise.all(
    Array.from({ length: total }, (_, k) => applyTransform(drawTransform(dist, model.size, rng), adversarial.subarray(Math.floor(k / options.draws) * V, (Math.floor(k / options.draws) + 1) * V), model.channels, options.jpeg)),
  );
  const stacked = new Float32Array(total * V);
  views.forEach((v, k) => stacked.set(v.image, k * V));
  const predicted = argmaxClasses(await model.logits(stacked, total), total, K);
  const out = new Float64Array(n);
  for (let k = 0; k < total; k++) if (isAdversarial(batch, Math.floor(k / options.draws), predicted[k])) out[Math.floor(k / options.draws)] += 1 / options.draws;
  return out;
}
