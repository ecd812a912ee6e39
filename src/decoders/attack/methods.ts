/**
 * The attack methods: the registry that feeds `deja attack --method`, `deja eval attack --method` and
 * their option schemas. A new attack is one file with its algorithm plus one line here.
 *
 * Attacks are here, at the decoders' layer, rather than in a new top-level folder: like the decoders they
 * are pure algorithms over typed arrays with a method registry, run by one action each, and they reuse
 * recognize/'s softmax; the model reaches them as an `AttackModel` (nn/pixelClassifier.ts gives one),
 * JPEG as an injected function, so they import neither nn/ nor io/.
 */
import { describeMethods, methodNames, type MethodEntry } from '../../core/methodRegistry.ts';
import type { AttackBatch, AttackModel } from './attackModel.ts';
import { eot } from './eot.ts';
import { fgsm } from './fgsm.ts';
import { onePixel } from './onePixel.ts';
import { pgd } from './pgd.ts';
import type { JpegRoundTrip, TransformDistribution } from './transforms.ts';

/** Everything any method may read; each reads its own fields. */
export interface AttackParameters {
  /** L∞ radius in pixel units of [0, 1] (fgsm, pgd, eot). */
  eps: number;
  /** Gradient steps (pgd, eot). */
  steps: number;
  /** Step size (pgd, eot); default 2.5 ε / steps. */
  stepSize?: number;
  /** Pixels changed (one-pixel). */
  pixels: number;
  /** Differential-evolution population and generations (one-pixel). */
  population: number;
  iterations: number;
  /** Transformations per step (eot), their distribution, and the JPEG round trip. */
  samples: number;
  transforms?: TransformDistribution;
  jpeg: JpegRoundTrip | null;
  seed: number;
}

/** What a method returns: the adversarial images (before 8-bit rounding) and the model evaluations per image. */
export interface AttackOutput {
  adversarial: Float32Array;
  /** Images scored per attacked image (a gradient run counts as one). */
  queries: Int32Array;
}

export interface AttackMethod extends MethodEntry {
  /** Whether it needs the input-gradient graph (white box) or only the logits (black box). */
  gradient: boolean;
  /** What its strength is measured in: the L∞ radius ε, or the number of pixels changed. */
  strength: 'eps' | 'pixels';
  /** Model runs (one gradient or logits batch each) it makes at most: what a progress bar counts to. */
  maxRuns(p: AttackParameters): number;
  run(model: AttackModel, batch: AttackBatch, p: AttackParameters): Promise<AttackOutput>;
}

const each = (n: number, q: number) => new Int32Array(n).fill(q);

export const ATTACK_METHODS = Object.freeze({
  fgsm: {
    description: 'fast gradient sign method (Goodfellow et al. 2015): one ε step along the sign of the loss gradient',
    gradient: true,
    strength: 'eps',
    maxRuns: () => 1,
    run: async (model, batch, p) => ({ adversarial: await fgsm(model, batch, p.eps), queries: each(batch.n, 1) }),
  },
  pgd: {
    description: 'projected gradient descent on the L∞ ball (Madry et al. 2018): random start, `steps` signed steps, the best iterate',
    gradient: true,
    strength: 'eps',
    maxRuns: (p) => p.steps + 1,
    run: async (model, batch, p) => ({ adversarial: await pgd(model, batch, p), queries: each(batch.n, p.steps + 1) }),
  },
  'one-pixel': {
    description: 'black box: differential evolution over 1, 3 or 5 pixels (Su et al. 2019), scored through the ordinary logits',
    gradient: false,
    strength: 'pixels',
    maxRuns: (p) => p.iterations + 1,
    run: (model, batch, p) => onePixel(model, batch, { pixels: p.pixels, population: p.population, iterations: p.iterations, seed: p.seed }),
  },
  eot: {
    description: 'expectation over transformation (Athalye et al. 2018): PGD on the gradient averaged over random rotations, scales, shifts, brightness and JPEG',
    gradient: true,
    strength: 'eps',
    maxRuns: (p) => p.steps,
    run: async (model, batch, p) => ({ adversarial: await eot(model, batch, p), queries: each(batch.n, p.steps * p.samples) }),
  },
} satisfies Record<string, AttackMethod>);

export type AttackMethodName = keyof typeof ATTACK_METHODS;

/** The method names, registry order: what `z.enum` and commander's `.choices` take. */
export const ATTACK_METHOD_NAMES = methodNames(ATTACK_METHODS);

/** The method used when none is asked for. */
export const DEFAULT_ATTACK_METHOD: AttackMethodName = 'pgd';

/** One line listing the methods, for the option schemas. */
export function describeAttackMethods(): string {
  return describeMethods(ATTACK_METHODS);
}
