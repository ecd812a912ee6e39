import path from 'node:path';
import { z } from 'zod';
import { DejaError, unknownName } from '../core/errors.ts';
import { createImage, toGray, toRgb, type Image } from '../core/image.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { resizeCropSquare } from '../imgproc/resample.ts';
import { attackPanelPng } from '../io/attackPanel.ts';
import { decodeImage } from '../io/decode.ts';
import { encodeImage } from '../io/encode.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { resolveClassifier, type ClassifierContract } from '../nn/classifierModel.ts';
import { resolveInputGradient } from '../nn/inputGradientModel.ts';
import { pixelClassifier } from '../nn/pixelClassifier.ts';
import { argmaxClasses, onEveryRun, quantise, type AttackBatch, type AttackModel } from '../decoders/attack/attackModel.ts';
import { transformRobustness } from '../decoders/attack/eot.ts';
import { formatEpsilon } from '../decoders/attack/epsilon.ts';
import { ATTACK_METHOD_NAMES, ATTACK_METHODS, DEFAULT_ATTACK_METHOD, describeAttackMethods, type AttackMethodName, type AttackParameters } from '../decoders/attack/methods.ts';
import { perturbationNorms, magnifiedPerturbation } from '../decoders/attack/perturbation.ts';
import type { JpegRoundTrip } from '../decoders/attack/transforms.ts';
import { softmaxRows } from '../decoders/recognize/networkClassifier.ts';
import { ModelRunOptions } from './shared/modelRunOptions.ts';
import { queryPhoto } from './shared/photoImage.ts';

/** The attack parameters shared by `deja attack` and `deja eval attack` (each method reads its own). */
export const AttackParameterOptions = ModelRunOptions.extend({
  model: z.string().min(1).describe('A classification card from `deja models` (gradient attacks need its input-gradient graph), or an .onnx file with its card beside it.'),
  manifest: z.string().optional().describe("The manifest.json a model name is looked up in (default: the package's models/manifest.json)."),
  steps: z.number().int().min(1).max(1000).default(10).describe('Gradient steps of pgd and eot (Madry et al. 2018 evaluate CIFAR-10 with 7 and 20).'),
  stepSize: z.number().gt(0).max(1).optional().describe('Step size of pgd and eot in pixel units of [0, 1]; default 2.5 ε / steps.'),
  population: z.number().int().min(4).max(10_000).default(400).describe('one-pixel: candidates per generation (Su et al. 2019: 400).'),
  iterations: z.number().int().min(0).max(1000).default(100).describe('one-pixel: generations at most, stopping early once the photo is misclassified (Su et al.: 100).'),
  samples: z.number().int().min(1).max(256).default(8).describe('eot: random transformations per step whose gradients are averaged.'),
  draws: z.number().int().min(0).max(1000).default(20).describe('Fresh random transformations (rotation, scale, shift, brightness, JPEG) the result is tested under; 0 skips the test.'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('Seed of the random start, the transformations and the evolution.'),
});

/** Options of `deja attack`. */
export const AttackOptions = AttackParameterOptions.extend({
  method: z.enum(ATTACK_METHOD_NAMES).default(DEFAULT_ATTACK_METHOD).describe(describeAttackMethods()),
  eps: z.number().min(0).max(1).default(8 / 255).describe('L∞ radius of fgsm, pgd and eot in pixel units of [0, 1] (8/255 ≈ 0.031).'),
  pixels: z.number().int().min(1).max(100).default(1).describe('one-pixel: pixels changed (Su et al.: 1, 3, 5).'),
  target: z.string().min(1).optional().describe('A class of the model to reach (targeted attack); default: any class but the one the model predicts.'),
  out: z.string().optional().describe('The adversarial image, PNG (lossless); default <photo>-<method>.png in the current folder.'),
  panel: z.string().optional().describe('The panel PNG (original, magnified perturbation, adversarial image, scores before and after); default <out>-panel.png.'),
});
export type AttackOptions = z.input<typeof AttackOptions>;

/** A photo's class scores: the most probable class and every class's probability, in class order. */
export interface ScoreSummary {
  label: string;
  score: number;
  scores: { label: string; score: number }[];
}

/** What `deja attack --json` reports. */
export interface AttackReport {
  photo: string;
  model: string;
  sha256: string;
  /** The input-gradient graph used (gradient methods), else null. */
  gradientModel: string | null;
  method: AttackMethodName;
  /** L∞ radius in pixel units (fgsm, pgd, eot), as a number and as written (`8/255`); null for one-pixel. */
  eps: number | null;
  epsText: string | null;
  steps: number | null;
  pixels: number | null;
  /** The class to reach, or null (untargeted: away from the model's own answer `before.label`). */
  target: string | null;
  /** Side of the crop attacked: the photo resized (shorter side) and centre-cropped to the model's input. */
  size: number;
  before: ScoreSummary;
  /** The scores of the adversarial image as written (8-bit PNG). */
  after: ScoreSummary;
  /** Whether the model now answers another class (or the target). */
  success: boolean;
  /** The probability of the class it now answers, when that is a success; else null. */
  wrongClassConfidence: number | null;
  /** Of x' − x: L∞ and L2 in pixel units of [0, 1], L∞ in 8-bit steps, and the pixels changed. */
  norms: { linf: number; linf255: number; l2: number; pixels: number };
  /** The fraction of `draws` fresh random transformations under which it stays a success; null with draws 0. */
  robustness: { draws: number; stillAdversarial: number } | null;
  /** Images the model scored (a gradient run counts as one). */
  queries: number;
  seconds: number;
  out: string;
  panel: string;
}

/** JPEG encode and decode through sharp (io/): the non-differentiable step of EOT. */
export const jpegRoundTrip: JpegRoundTrip = async (pixels, channels, size, quality) => {
  const bytes = await encodeImage(createImage(size, size, channels, Float32Array.from(pixels)), 'jpeg', quality);
  const back = (await decodeImage(bytes, { gray: channels === 1 })).image;
  return back.data;
};

/** The model as attacks see it, with its input-gradient graph when the method needs one. */
export function attackModelFor(c: ClassifierContract, methods: readonly AttackMethodName[], run: { batch: number; threads: number; provider: 'cpu' | 'cuda' }): { model: AttackModel; gradientModel: string | null } {
  const g = methods.some((m) => ATTACK_METHODS[m].gradient) ? resolveInputGradient(c) : null;
  return { model: pixelClassifier(c, g, run), gradientModel: g?.name ?? null };
}

/** The class index of `--target`, or a one-line error listing the model's classes. */
export function targetClass(c: ClassifierContract, target: string | undefined): number | null {
  if (target === undefined) return null;
  const k = c.classes.indexOf(target);
  if (k < 0) {
    const e = unknownName(`target class of model ${c.name}`, target, c.classes);
    throw new DejaError(e.code, e.message, { hint: '--target takes one of the class names on the model\'s card (`deja models`)' });
  }
  return k;
}

/**
 * The photo as the model sees it: converted to its channels, resized (shorter side) and centre-cropped to
 * its size, and rounded to 8 bits (what a PNG of the crop holds), so that the clean and the adversarial
 * images differ only where the attack changed them.
 */
export function modelCrop(image: Image, c: ClassifierContract): Image {
  const crop = resizeCropSquare(c.input.channels === 3 ? toRgb(image) : toGray(image), c.input.size);
  return { ...crop, data: quantise(crop.data, crop.data) };
}

/** Scores of one row of logits: softmax, the best class and all classes in class order. */
export function scoreSummary(logits: ArrayLike<number>, classes: readonly string[]): ScoreSummary {
  const p = softmaxRows(logits, 1, classes.length);
  const scores = classes.map((label, k) => ({ label, score: p[k] }));
  const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
  return { label: best.label, score: best.score, scores };
}

/** An attack checked before any photo is read: its options, the model (with its input-gradient graph when the method needs one), the target class. */
export interface PreparedAttack {
  options: z.output<typeof AttackOptions>;
  contract: ClassifierContract;
  model: AttackModel;
  gradientModel: string | null;
  /** The class index to reach, or null (untargeted). */
  target: number | null;
}

/**
 * Parses the options and resolves what the attack needs, so every refusal comes before a photo is read.
 * @param contract the classifier when the caller resolved it already (the HTTP API takes only registered names)
 * @throws DejaError for the options (BAD_ARGUMENT), the model (see `resolveClassifier`), MODEL_ERROR naming
 *   the model when a gradient method meets a model without an input-gradient graph, UNKNOWN_NAME for a
 *   target class the model lacks
 * @example const a = prepareAttack({ model: 'cifar-resnet20', method: 'fgsm', eps: 4 / 255 });
 */
export function prepareAttack(rawOptions: AttackOptions, contract?: ClassifierContract): PreparedAttack {
  const o = parseOptions(AttackOptions, rawOptions);
  const c = contract ?? resolveClassifier(o.model, { manifest: o.manifest });
  const batch = ATTACK_METHODS[o.method].strength === 'pixels' ? Math.max(o.batch, o.population) : o.batch;
  const { model, gradientModel } = attackModelFor(c, [o.method], { batch, threads: o.threads, provider: o.provider });
  return { options: o, contract: c, model, gradientModel, target: targetClass(c, o.target) };
}

/** What an attack found, before anything is written: `deja attack --json` but for the files. */
export type AttackResult = Omit<AttackReport, 'photo' | 'out' | 'panel'>;

/** The crop the model saw and the adversarial crop (8-bit values, same size): what the PNG and the panel show. */
export interface AttackImages {
  crop: Image;
  adversarial: Image;
}

/**
 * Makes an adversarial example of one decoded photo: the photo is cropped to the model's input (as `deja
 * classify --model` sees it), the chosen attack perturbs the crop (fgsm, pgd and eot within the L∞ radius
 * ε, through the model's input-gradient graph; one-pixel as a black box through the ordinary logits), and
 * the result is rounded to 8 bits and scored again. Untargeted attacks move away from the class the model
 * predicts for the photo.
 * @param progress counts the model runs (up to the method's `maxRuns`, plus the scoring before and after
 *   and the robustness test); an error thrown from its `tick` (a job's time limit) stops the attack
 * @example const { result } = await attackImage(image, prepareAttack({ model: 'cifar-resnet20', method: 'pgd' }));
 */
export async function attackImage(image: Image, a: PreparedAttack, progress: Progress = silentProgress): Promise<{ result: AttackResult; images: AttackImages }> {
  const t0 = performance.now();
  const { options: o, contract: c, target } = a;
  const method = ATTACK_METHODS[o.method];
  const params = attackParameters(o, o.eps, o.pixels);
  progress.start(method.maxRuns(params) + 2 + (o.draws > 0 ? 1 : 0), `${o.method} on ${c.name}`);
  const model = onEveryRun(a.model, () => progress.tick());
  const crop = modelCrop(image, c);
  const clean = crop.data;
  const before = await model.logits(clean, 1);
  const label = argmaxClasses(before, 1, c.classes.length)[0];
  const batch: AttackBatch = { images: clean, n: 1, labels: Int32Array.of(label), targets: target === null ? null : Int32Array.of(target) };
  const already = target !== null && target === label;
  const attacked = already ? { adversarial: Float32Array.from(clean), queries: Int32Array.of(0) } : await method.run(model, batch, params);
  const adversarial = quantise(attacked.adversarial, clean, method.strength === 'eps' ? o.eps : Infinity);
  const afterLogits = await model.logits(adversarial, 1);
  const reached = argmaxClasses(afterLogits, 1, c.classes.length)[0];
  const success = target !== null ? reached === target : reached !== label;
  const after = scoreSummary(afterLogits, c.classes);
  const norms = perturbationNorms(clean, adversarial, crop.channels, crop.width);
  const robustness = o.draws > 0 ? { draws: o.draws, stillAdversarial: (await transformRobustness(model, batch, adversarial, { draws: o.draws, seed: o.seed, jpeg: jpegRoundTrip }))[0] } : null;
  progress.stop();
  const result: AttackResult = {
    model: c.name,
    sha256: c.sha256,
    gradientModel: a.gradientModel,
    method: o.method,
    eps: method.strength === 'eps' ? o.eps : null,
    epsText: method.strength === 'eps' ? formatEpsilon(o.eps) : null,
    steps: o.method === 'pgd' || o.method === 'eot' ? o.steps : null,
    pixels: method.strength === 'pixels' ? o.pixels : null,
    target: target === null ? null : c.classes[target],
    size: crop.width,
    before: scoreSummary(before, c.classes),
    after,
    success,
    wrongClassConfidence: success ? after.scores[reached].score : null,
    norms: { ...norms, linf255: Math.round(norms.linf * 255 * 1000) / 1000 },
    robustness,
    queries: attacked.queries[0],
    seconds: (performance.now() - t0) / 1000,
  };
  return { result, images: { crop, adversarial: createImage(crop.width, crop.height, crop.channels, adversarial) } };
}

/**
 * Makes an adversarial example of one photo file (`deja attack`): checks the model, the method and the
 * outputs, attacks the photo (see `attackImage`), and writes the adversarial crop (PNG) and its panel.
 * @throws DejaError those of `prepareAttack`, BAD_ARGUMENT for an output that is not .png, and the
 *   photo's decode errors
 * @example const r = await attackFile('cat.jpg', { model: 'cifar-resnet20', method: 'pgd', eps: 8 / 255 });
 */
export async function attackFile(photo: string, rawOptions: AttackOptions): Promise<AttackReport> {
  const t0 = performance.now();
  const a = prepareAttack(rawOptions);
  const { out, panel } = outputFiles(photo, a.options.method, a.options.out, a.options.panel);
  const { result, images } = await attackImage((await queryPhoto(photo, a.contract.input.size)).image, a);
  const pngs = await attackPngs(result, images);
  writeOutputFile(out, pngs.adversarial);
  writeOutputFile(panel, pngs.panel);
  return { photo: path.resolve(photo), ...result, seconds: (performance.now() - t0) / 1000, out, panel };
}

/** The method parameters from parsed options, at one strength. */
export function attackParameters(o: z.output<typeof AttackParameterOptions>, eps: number, pixels: number): AttackParameters {
  return { eps, pixels, steps: o.steps, stepSize: o.stepSize, population: o.population, iterations: o.iterations, samples: o.samples, jpeg: jpegRoundTrip, seed: o.seed };
}

/** `--out` and `--panel`, checked before any work: .png (lossless) in an existing folder. */
function outputFiles(photo: string, method: string, out: string | undefined, panel: string | undefined): { out: string; panel: string } {
  const adv = out ?? `${path.parse(photo).name}-${method}.png`;
  const pan = panel ?? path.join(path.dirname(adv), `${path.parse(adv).name}-panel.png`);
  for (const [file, option] of [[adv, '--out'], [pan, '--panel']] as const) {
    if (path.extname(file).toLowerCase() !== '.png')
      throw new DejaError('BAD_ARGUMENT', `${option} must be a .png file: the adversarial image and its panel are written losslessly`, { file, hint: 'give a file name ending in .png (a JPEG would re-encode the perturbation away)' });
    checkOutputFile(file, option, 'image');
  }
  return { out: path.resolve(adv), panel: path.resolve(pan) };
}

/**
 * The adversarial crop as a PNG (lossless, so the perturbation survives) and the panel: the original,
 * the perturbation magnified (grey is no change), the adversarial image, and the class scores before and after.
 */
export async function attackPngs(r: AttackResult, images: AttackImages): Promise<{ adversarial: Buffer; panel: Buffer }> {
  const { crop, adversarial: adv } = images;
  const { image: delta, magnification } = magnifiedPerturbation(crop.data, adv.data);
  const pct = (s: number) => `${(100 * s).toFixed(1)}%`;
  const strength = r.eps !== null ? `ε ${r.epsText}` : `${r.pixels} pixel${r.pixels === 1 ? '' : 's'}`;
  const panel = await attackPanelPng({
    title: `${r.method} on ${r.model}, ${strength}${r.target ? `, target ${r.target}` : ''}: ${r.success ? 'success' : 'no success'}`,
    tiles: [crop, createImage(crop.width, crop.height, crop.channels, delta), adv],
    captions: [
      `original: ${r.before.label} ${pct(r.before.score)}`,
      `perturbation ×${magnification.toFixed(1)} (grey = 0)\nL∞ ${r.norms.linf255.toFixed(1)}/255, L2 ${r.norms.l2.toFixed(3)}, ${r.norms.pixels} px`,
      `adversarial: ${r.after.label} ${pct(r.after.score)}${r.robustness ? `\nstill so in ${pct(r.robustness.stillAdversarial)} of ${r.robustness.draws} transforms` : ''}`,
    ],
    before: topScores(r.before, r.after),
    after: topScores(r.after, r.before),
    label: r.before.label,
    adversarialLabel: r.after.label,
  });
  return { adversarial: await encodeImage(adv, 'png'), panel };
}

/** Up to 10 classes for a bar chart: the most probable before or after, in class order. */
function topScores(a: ScoreSummary, b: ScoreSummary): { label: string; score: number }[] {
  if (a.scores.length <= 10) return a.scores;
  const keep = new Set([...a.scores].sort((x, y) => y.score - x.score).slice(0, 5).concat([...b.scores].sort((x, y) => y.score - x.score).slice(0, 5)).map((s) => s.label));
  return a.scores.filter((s) => keep.has(s.label));
}
