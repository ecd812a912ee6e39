import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { listSources, type SourceItem } from '../io/sources.ts';
import { resolveClassifier, type ClassifierContract } from '../nn/classifierModel.ts';
import { argmaxClasses, quantise, type AttackBatch, type AttackModel } from '../decoders/attack/attackModel.ts';
import { transformRobustness } from '../decoders/attack/eot.ts';
import { formatEpsilon } from '../decoders/attack/epsilon.ts';
import { ATTACK_METHOD_NAMES, ATTACK_METHODS, type AttackMethodName } from '../decoders/attack/methods.ts';
import { perturbationNorms } from '../decoders/attack/perturbation.ts';
import { softmaxRows } from '../decoders/recognize/networkClassifier.ts';
import { AttackParameterOptions, attackModelFor, attackParameters, jpegRoundTrip, modelCrop } from './attack.ts';
import { decodeOrSkip, testSources } from './shared/testSources.ts';

/** Options of `deja eval attack`. */
export const EvalAttackOptions = AttackParameterOptions.extend({
  test: z.array(z.string()).min(1).optional().describe("Labelled test photos (<split>/<class>/<file>.jpg folders or archives). Default: the set the card's split names in the shared data folder."),
  limit: z.number().int().min(1).default(10).describe('The first N test photos of each class, in source order (attacks run on those the model classifies correctly).'),
  methods: z.array(z.enum(ATTACK_METHOD_NAMES)).min(1).default(['fgsm', 'pgd']).describe('Attacks to evaluate, each at every strength.'),
  eps: z.array(z.number().min(0).max(1)).min(1).default([1, 2, 4, 8, 16].map((k) => k / 255)).describe('L∞ radii of fgsm, pgd and eot, in pixel units of [0, 1].'),
  pixels: z.array(z.number().int().min(1).max(100)).min(1).default([1, 3, 5]).describe('Pixel counts of one-pixel.'),
});
export type EvalAttackOptions = z.input<typeof EvalAttackOptions>;

/** One method at one strength. */
export interface EvalAttackRow {
  method: AttackMethodName;
  /** The L∞ radius (and as written, `8/255`), or the pixel count, whichever the method takes. */
  eps: number | null;
  epsText: string | null;
  pixels: number | null;
  /** Photos attacked (those classified correctly) and the adversarial examples found among them. */
  attacked: number;
  successes: number;
  successRate: number;
  /** Over the successes: the mean probability of the wrong class answered, and the mean L∞, L2 and changed pixels of x' − x. */
  meanWrongConfidence: number | null;
  meanLinf: number | null;
  meanL2: number | null;
  meanPixels: number | null;
  /**
   * The success rate under fresh random transformations (rotation, scale, shift, brightness, JPEG; Athalye
   * et al. 2018 §3): over every attacked photo, the mean fraction of `draws` transformed views of its
   * adversarial image the model misclassifies; null with draws 0.
   */
  robustness: number | null;
  queriesPerPhoto: number;
  seconds: number;
}

/** What `deja eval attack --json` reports. */
export interface EvalAttackReport {
  model: string;
  sha256: string;
  gradientModel: string | null;
  test: string[];
  testFromCard: boolean;
  limitPerClass: number;
  /** Test photos read, and those the model classifies correctly: only these are attacked. */
  photos: number;
  correct: number;
  cleanAccuracy: number;
  skipped: { path: string; reason: string }[];
  draws: number;
  rows: EvalAttackRow[];
  run: { batch: number; threads: number; provider: string; steps: number; samples: number; population: number; iterations: number; seed: number };
  seconds: number;
}

/**
 * Attacks evaluated on labelled photos: the first `limit` test photos of each class are cropped to the
 * model's input, those it classifies correctly are attacked (untargeted, away from their true class) by
 * each method at each strength, and each row reports the success rate, the mean confidence on the wrong
 * class, the mean L∞ and L2 norms (and changed pixels) of the successful perturbations, and how often
 * they stay adversarial under fresh random transformations. Adversarial images are judged as 8-bit images.
 * @throws DejaError for the model (see `resolveClassifier`, and MODEL_ERROR for gradient methods on a model
 *   without an input-gradient graph), for the test set, NO_DATA when no test photo is classified correctly
 */
export async function evalAttack(rawOptions: EvalAttackOptions, progress: Progress = silentProgress): Promise<EvalAttackReport> {
  const t0 = performance.now();
  const o = parseOptions(EvalAttackOptions, rawOptions);
  const c = resolveClassifier(o.model, { manifest: o.manifest });
  const onePixelBatch = o.methods.includes('one-pixel') ? o.population : 0;
  const { model, gradientModel } = attackModelFor(c, o.methods, { batch: Math.max(o.batch, onePixelBatch), threads: o.threads, provider: o.provider });
  const { test, fromCard, members } = testSources(c, o.test);
  const skipped: { path: string; reason: string }[] = [];
  const photos = await readTestCrops(c, test, members, o.limit, skipped);
  if (photos.labels.length === 0) throw new DejaError('NO_DATA', `no test photo is labelled with a class of ${c.name}`, { file: test.join(', '), hint: 'pass --test with one subfolder per class' });
  const V = model.values;
  const clean = await model.logits(photos.pixels, photos.labels.length);
  const predicted = argmaxClasses(clean, photos.labels.length, c.classes.length);
  const keep = photos.labels.flatMap((l, i) => (predicted[i] === l ? [i] : []));
  if (keep.length === 0)
    throw new DejaError('NO_DATA', `${c.name} classifies none of the ${photos.labels.length} test photos correctly, so there is nothing to attack`, { hint: 'pass more photos (--limit) or another model' });
  const images = new Float32Array(keep.length * V);
  keep.forEach((i, j) => images.set(photos.pixels.subarray(i * V, (i + 1) * V), j * V));
  const batch: AttackBatch = { images, n: keep.length, labels: Int32Array.from(keep, (i) => photos.labels[i]), targets: null };
  const plan = o.methods.flatMap((m) => (ATTACK_METHODS[m].strength === 'eps' ? o.eps.map((eps) => ({ m, eps, pixels: 1 })) : o.pixels.map((pixels) => ({ m, eps: 0, pixels }))));
  progress.start(plan.length * keep.length, `attacking ${keep.length} photos of ${c.name}`);
  const rows: EvalAttackRow[] = [];
  for (const step of plan) rows.push(await evaluateRow(model, batch, step.m, step.eps, step.pixels, o, progress));
  progress.stop();
  return {
    model: c.name,
    sha256: c.sha256,
    gradientModel,
    test,
    testFromCard: fromCard,
    limitPerClass: o.limit,
    photos: photos.labels.length,
    correct: keep.length,
    cleanAccuracy: keep.length / photos.labels.length,
    skipped,
    draws: o.draws,
    rows,
    run: { batch: o.batch, threads: o.threads, provider: o.provider, steps: o.steps, samples: o.samples, population: o.population, iterations: o.iterations, seed: o.seed },
    seconds: (performance.now() - t0) / 1000,
  };
}

async function evaluateRow(model: AttackModel, all: AttackBatch, method: AttackMethodName, eps: number, pixels: number, o: z.output<typeof EvalAttackOptions>, progress: Progress): Promise<EvalAttackRow> {
  const t = performance.now();
  const entry = ATTACK_METHODS[method];
  const { values: V, classes: K } = model;
  const chunk = entry.strength === 'pixels' ? 1 : o.batch;
  let successes = 0;
  let queries = 0;
  const sums = { confidence: 0, linf: 0, l2: 0, pixels: 0, robustness: 0 };
  for (let s = 0; s < all.n; s += chunk) {
    const n = Math.min(chunk, all.n - s);
    const batch: AttackBatch = { images: all.images.subarray(s * V, (s + n) * V), n, labels: all.labels.subarray(s, s + n), targets: null };
    const r = await entry.run(model, batch, attackParameters(o, eps, pixels));
    const adversarial = quantise(r.adversarial, batch.images, entry.strength === 'eps' ? eps : Infinity);
    const logits = await model.logits(adversarial, n);
    const p = softmaxRows(logits, n, K);
    const answered = argmaxClasses(logits, n, K);
    const robust = o.draws > 0 ? await transformRobustness(model, batch, adversarial, { draws: o.draws, seed: o.seed, jpeg: jpegRoundTrip }) : null;
    for (let i = 0; i < n; i++) {
      queries += r.queries[i];
      if (robust) sums.robustness += robust[i];
      if (answered[i] === batch.labels[i]) continue;
      successes++;
      const norms = perturbationNorms(batch.images.subarray(i * V, (i + 1) * V), adversarial.subarray(i * V, (i + 1) * V), model.channels, model.size);
      sums.confidence += p[i * K + answered[i]];
      sums.linf += norms.linf;
      sums.l2 += norms.l2;
      sums.pixels += norms.pixels;
    }
    progress.tick(n);
  }
  const mean = (v: number) => (successes ? v / successes : null);
  const byEps = entry.strength === 'eps';
  return {
    method,
    eps: byEps ? eps : null,
    epsText: byEps ? formatEpsilon(eps) : null,
    pixels: byEps ? null : pixels,
    attacked: all.n,
    successes,
    successRate: successes / all.n,
    meanWrongConfidence: mean(sums.confidence),
    meanLinf: mean(sums.linf),
    meanL2: mean(sums.l2),
    meanPixels: mean(sums.pixels),
    robustness: o.draws > 0 ? sums.robustness / all.n : null,
    queriesPerPhoto: queries / all.n,
    seconds: (performance.now() - t) / 1000,
  };
}

/** The first `limit` test photos of each class of the model (among `members` when the split lists them), cropped to its input: pixels back to back and labels. */
async function readTestCrops(c: ClassifierContract, test: string[], members: Set<string> | null, limit: number, skipped: { path: string; reason: string }[]): Promise<{ pixels: Float32Array; labels: number[] }> {
  const classOf = new Map(c.classes.map((name, i) => [name, i]));
  const perClass = new Int32Array(c.classes.length);
  const chosen: { item: SourceItem; label: number }[] = [];
  for await (const item of listSources(test)) {
    if (members && !members.has(item.relPath)) continue;
    const k = item.folder === undefined ? undefined : classOf.get(item.folder);
    if (k === undefined || perClass[k] >= limit) continue;
    perClass[k]++;
    chosen.push({ item, label: k });
    if (perClass.every((n) => n >= limit)) break;
  }
  const V = c.input.channels * c.input.size * c.input.size;
  const crops: Float32Array[] = [];
  const labels: number[] = [];
  for (const { item, label } of chosen) {
    const image = await decodeOrSkip(item, c.input.size, skipped);
    if (!image) continue;
    crops.push(modelCrop(image, c).data);
    labels.push(label);
  }
  const pixels = new Float32Array(crops.length * V);
  crops.forEach((x, i) => pixels.set(x, i * V));
  return { pixels, labels };
}
