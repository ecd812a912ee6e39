import { assert, DejaError } from '../../core/errors.ts';

/**
 * What every attack works on: a classifier in pixel space (nn/pixelClassifier.ts gives one for an ONNX
 * model; tests give analytic ones), and a batch of images with the class each should leave (or reach).
 *
 * Images are `n` crops of `size`×`size` in `channels`, values in [0, 1], planar per image (channel,
 * row, column — the layout of `Image.data`), back to back: `n * values` values.
 */
export interface AttackModel {
  classes: number;
  channels: number;
  size: number;
  /** Values per image: channels · size · size. */
  values: number;
  /** Logits, `n * classes`, row-major. */
  logits(pixels: Float32Array, n: number): Promise<Float32Array>;
  /** Cross-entropy against `target` (n × classes distributions) and its gradient in pixels; null for a black box. */
  lossGradient: ((pixels: Float32Array, n: number, target: Float32Array) => Promise<{ loss: Float32Array; gradient: Float32Array; logits: Float32Array }>) | null;
}

/**
 * The same model, calling `beforeRun` before each of its runs (logits or gradient): where a caller
 * counts progress, or stops work that ran past its time limit by throwing.
 */
export function onEveryRun(model: AttackModel, beforeRun: () => void): AttackModel {
  const g = model.lossGradient;
  return {
    ...model,
    logits: (pixels, n) => {
      beforeRun();
      return model.logits(pixels, n);
    },
    lossGradient: g
      ? (pixels, n, target) => {
          beforeRun();
          return g(pixels, n, target);
        }
      : null,
  };
}

/** The batch an attack is asked to perturb. */
export interface AttackBatch {
  /** `n * values` clean pixels in [0, 1]. */
  images: Float32Array;
  n: number;
  /** Per image, the class to move away from (the true or the predicted class). */
  labels: Int32Array;
  /** Per image, the class to reach (targeted attack), or null for untargeted. */
  targets: Int32Array | null;
}

/** The model's gradient oracle, or a one-line error: gradient attacks need the input-gradient graph. */
export function needGradient(model: AttackModel, method: string): NonNullable<AttackModel['lossGradient']> {
  if (!model.lossGradient) throw new DejaError('MODEL_ERROR', `${method} needs the model's input-gradient graph, and this model has none`, { hint: 'use --method one-pixel (black box)' });
  return model.lossGradient;
}

/** One-hot rows `n × classes` of `classes[i]`. */
export function oneHot(classes: Int32Array, numClasses: number): Float32Array {
  const out = new Float32Array(classes.length * numClasses);
  classes.forEach((c, i) => (out[i * numClasses + c] = 1));
  return out;
}

/**
 * The class whose loss an attack differentiates, and the direction it moves: untargeted attacks ascend
 * the loss of the label (+1), targeted ones descend the loss of the target (−1).
 */
export function attackObjective(batch: AttackBatch, numClasses: number): { target: Float32Array; direction: 1 | -1 } {
  return batch.targets ? { target: oneHot(batch.targets, numClasses), direction: -1 } : { target: oneHot(batch.labels, numClasses), direction: 1 };
}

/** Arg max class per row of `n × classes` logits (ties: the lower class). */
export function argmaxClasses(logits: ArrayLike<number>, n: number, numClasses: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (logits[r * numClasses + c] > logits[r * numClasses + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Whether image `i`'s prediction `predicted` is a success: another class than its label, or its target. */
export function isAdversarial(batch: AttackBatch, i: number, predicted: number): boolean {
  return batch.targets ? predicted === batch.targets[i] : predicted !== batch.labels[i];
}

/**
 * Projects `x` onto the L∞ ball of radius `eps` around `x0`, intersected with [0, 1], in place.
 * @returns x
 */
export function projectLinf(x: Float32Array, x0: Float32Array, eps: number): Float32Array {
  assert(x.length === x0.length, 'projectLinf sizes');
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, Math.min(x0[i] + eps, Math.max(x0[i] - eps, x[i]))));
  return x;
}

/**
 * Rounds an adversarial image to 8 bits (what a PNG holds) without leaving the ε-ball around the clean
 * image: a value rounded out of the ball is rounded towards the clean value instead (with `eps` = ∞, plain
 * rounding). The attack's success is measured on this image, the one that is written.
 * @returns a new array of values k / 255
 */
export function quantise(x: Float32Array, x0: Float32Array, eps = Infinity): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let q = Math.round(x[i] * 255) / 255;
    if (Math.abs(q - x0[i]) > eps + 1e-6) q = (q > x0[i] ? Math.floor(x[i] * 255) : Math.ceil(x[i] * 255)) / 255;
    out[i] = Math.min(1, Math.max(0, q));
  }
  return out;
}
