import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { LINEAR_LOSSES } from '../decoders/recognize/linearLoss.ts';
import type { LinearModel } from '../decoders/recognize/linearModel.ts';
import { linearModelToJson } from '../decoders/recognize/linearModelJson.ts';
import { pixelLayoutOf } from '../decoders/recognize/linearTemplates.ts';
import { fitLinearClassifier, type SearchCell } from '../decoders/recognize/fitLinearClassifier.ts';
import { parseEncoderSpec } from '../encoders/factory.ts';
import { encodeLabelledPhotos } from './encode/encodeLabelledPhotos.ts';
import { linearTemplateSheet, notPixels } from './trainLinear/linearTemplateSheet.ts';

/** `--features` names: `pixels` is the 32×32 RGB thumbnail's raw values in [0, 1] (3072-D), `gist` LMgist's colour gist (1536-D). */
export const FEATURE_ALIASES: Readonly<Record<string, string>> = Object.freeze({ pixels: 'tiny(norm=0)', gist: 'gist' });

/** λ candidates of the validation search (the penalty λ‖W‖² on standardised features). */
export const DEFAULT_LAMBDAS = [1e-3, 1e-2, 1e-1] as const;
/**
 * η₀ candidates of the validation search, per loss (momentum 0.9, minibatches of 200, standardised
 * features): the SVM's score gradients reach C − 1 per photo where softmax's stay below 1, so its step
 * sizes are ten times smaller.
 */
export const DEFAULT_LEARNING_RATES = { softmax: [3e-4, 1e-3, 3e-3, 1e-2], svm: [3e-5, 1e-4, 3e-4, 1e-3] } as const;

/** Options of `deja train-linear`. */
export const TrainLinearOptions = z.object({
  source: z.array(z.string()).min(1).describe('Labelled training photos: folders or .tar/.tar.gz archives, each photo labelled by the folder holding it (<split>/<class>/<file>.jpg).'),
  labels: z.string().optional().describe('CSV of file,label for the photos, instead of their folder names.'),
  features: z.string().min(1).default('pixels').describe('pixels (the raw 32×32 RGB thumbnail, tiny(norm=0)), gist, or any encoder spec (gist(size=32), lab-hist, …).'),
  loss: z.enum(LINEAR_LOSSES).default('softmax').describe('softmax cross-entropy, or the multiclass SVM hinge loss (Weston–Watkins, margin 1).'),
  lambda: z.number().min(0).optional().describe('L2 penalty λ of λ‖W‖²; default: chosen on the validation photos among --lambdas.'),
  learningRate: z.number().positive().optional().describe('First-epoch step size η₀; default: chosen on the validation photos among --learning-rates.'),
  lambdas: z.array(z.number().min(0)).min(1).default([...DEFAULT_LAMBDAS]).describe('λ candidates of the validation search.'),
  learningRates: z.array(z.number().positive()).min(1).optional().describe('η₀ candidates of the validation search (default: 3e-4,1e-3,3e-3,1e-2 for softmax, 3e-5,1e-4,3e-4,1e-3 for svm).'),
  epochs: z.number().int().min(1).max(1000).default(10).describe('Passes over the training photos of the final model.'),
  searchEpochs: z.number().int().min(1).max(1000).default(3).describe('Passes of each validation-search run.'),
  batch: z.number().int().min(1).max(100_000).default(200).describe('Photos per SGD minibatch (CS231n: 200).'),
  momentum: z.number().min(0).lt(1).default(0.9).describe('SGD momentum μ.'),
  lrDecay: z.number().gt(0).max(1).default(0.9).describe('The step size is multiplied by this after every epoch.'),
  validation: z.number().gt(0).lt(1).default(0.1).describe('Share of each class carved out of the training photos to choose λ and η₀ on (then trained on too).'),
  limit: z.number().int().min(1).optional().describe('The first N photos of each class, in source order.'),
  seed: z.number().int().min(0).default(1).describe('Seed of the validation split, the initial weights and the shuffles.'),
  threads: z.number().int().positive().optional().describe('Encoding threads (default: all cores).'),
  out: z.string().min(1).describe('The model file to write (.json).'),
  templates: z.string().optional().describe('For pixel features: a PNG of the learned templates, one per class.'),
});
export type TrainLinearOptions = z.input<typeof TrainLinearOptions>;

/** What `deja train-linear --json` reports. */
export interface TrainLinearReport {
  /** The model file written (absolute). */
  model: string;
  loss: string;
  features: { spec: string; version: number; dim: number };
  classes: string[];
  /** Training photos per class (validation photos included). */
  photos: { total: number; perClass: { label: string; count: number }[] };
  skipped: { path: string; reason: string }[];
  lambda: number;
  learningRate: number;
  chosenOnValidation: { lambda: boolean; learningRate: boolean };
  /** The search: validation photos, the photos each run trained on, the chosen cell's accuracy and every cell; null when λ and η₀ were given. */
  validation: { photos: number; trainPhotos: number; accuracy: number; grid: SearchCell[] } | null;
  /** Accuracy of the final model on its own training photos. */
  trainAccuracy: number;
  epochs: number;
  history: { epoch: number; loss: number; learningRate: number }[];
  /** The templates PNG written, or null. */
  templates: string | null;
  /** encode: reading and encoding the photos; search: the validation runs; train: the final model; total: everything. */
  seconds: { encode: number; search: number; train: number; total: number };
}

/**
 * Trains a linear classifier on labelled photos, without a collection: every photo is encoded with the
 * features' encoder (as ingest would), λ and η₀ are chosen on a seeded stratified validation share of the
 * training photos unless given, and the final model is trained by minibatch SGD with momentum on all of
 * them (`fitLinearClassifier`) and saved as JSON with its provenance; with `templates`, the learned
 * raw-pixel templates are drawn too. The output files are checked before any photo is read.
 * @throws DejaError BAD_ARGUMENT (an output file, templates for non-pixel features, fewer than two classes,
 *   a diverged run), UNKNOWN_NAME (features), NOT_FOUND / NO_DATA (the photos)
 */
export async function trainLinear(rawOptions: TrainLinearOptions, progress: Progress = silentProgress): Promise<TrainLinearReport> {
  const o = parseOptions(TrainLinearOptions, rawOptions);
  const t0 = performance.now();
  const spec = FEATURE_ALIASES[o.features] ?? o.features;
  parseEncoderSpec(spec);
  checkOutputFile(o.out, '--out', 'model');
  if (o.templates !== undefined) {
    checkOutputFile(o.templates, '--templates', 'sheet');
    if (!pixelLayoutOf(spec)) throw notPixels(spec);
  }
  const photos = await encodeLabelledPhotos(o.source, spec, { labels: o.labels, limitPerClass: o.limit, threads: o.threads }, progress);
  const classes = [...new Set(photos.labels)].sort();
  const search = o.lambda === undefined || o.learningRate === undefined;
  const perClass = classes.map((label) => ({ label, count: photos.labels.filter((l) => l === label).length }));
  if (classes.length < 2)
    throw new DejaError('BAD_ARGUMENT', `a classifier needs photos of two or more classes; found only ${classes.map((c) => `"${c}"`).join('') || 'none'}`, {
      file: o.source.join(', '),
      hint: 'pass photos in one subfolder per class (<class>/<photo>.jpg), or --labels file.csv',
    });
  if (search && perClass.every((p) => p.count < 2))
    throw new DejaError('BAD_ARGUMENT', 'too few photos to carve validation photos from (one per class)', { file: o.source.join(', '), hint: 'pass more photos, or give both --lambda and --learning-rate' });
  const t1 = performance.now();
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const set = { data: photos.data, n: photos.n, dim: photos.dim, labels: Int32Array.from(photos.labels, (l) => classOf.get(l)!), numClasses: classes.length };
  const fit = fitLinearClassifier(
    set,
    {
      loss: o.loss,
      lambda: o.lambda,
      learningRate: o.learningRate,
      lambdas: o.lambdas,
      learningRates: o.learningRates ?? DEFAULT_LEARNING_RATES[o.loss],
      searchEpochs: o.searchEpochs,
      validationFraction: o.validation,
      momentum: o.momentum,
      epochs: o.epochs,
      batchSize: o.batch,
      lrDecay: o.lrDecay,
      seed: o.seed,
    },
    (line) => progress.note?.(line),
  );
  if (fit.diverged)
    throw new DejaError('BAD_ARGUMENT', `training diverged at epoch ${fit.history.length} with η₀ = ${fit.learningRate} (the objective became ${fit.history.at(-1)?.loss})`, {
      hint: 'give a smaller --learning-rate (or leave it out to choose one on the validation photos)',
    });
  const model: LinearModel = {
    loss: o.loss,
    classes,
    dim: photos.dim,
    weights: fit.weights,
    bias: fit.bias,
    standardization: fit.standardization,
    provenance: {
      descriptor: { spec: photos.spec, version: photos.version },
      lambda: fit.lambda,
      learningRate: fit.learningRate,
      chosenOnValidation: fit.chosenOnValidation,
      momentum: o.momentum,
      lrDecay: o.lrDecay,
      batchSize: o.batch,
      epochs: o.epochs,
      seed: o.seed,
      trainPhotos: photos.n,
      source: o.source.map((s) => path.resolve(s)),
      validation: fit.validation ? { photos: fit.validation.rows, accuracy: fit.validation.accuracy } : null,
      trainedAt: new Date().toISOString(),
    },
  };
  const out = path.resolve(o.out);
  writeOutputFile(out, linearModelToJson(model));
  let templates: string | null = null;
  if (o.templates !== undefined) {
    templates = path.resolve(o.templates);
    const title = `${o.loss} templates: ${photos.spec} on ${o.source.map((s) => path.basename(s)).join(', ')} (λ=${fit.lambda}, ${photos.n} photos)`;
    writeOutputFile(templates, await linearTemplateSheet([{ name: o.loss, model }], title));
  }
  return {
    model: out,
    loss: o.loss,
    features: { spec: photos.spec, version: photos.version, dim: photos.dim },
    classes,
    photos: { total: photos.n, perClass },
    skipped: photos.skipped,
    lambda: fit.lambda,
    learningRate: fit.learningRate,
    chosenOnValidation: fit.chosenOnValidation,
    validation: fit.validation ? { photos: fit.validation.rows, trainPhotos: fit.validation.trainRows, accuracy: fit.validation.accuracy, grid: fit.validation.grid } : null,
    trainAccuracy: fit.trainAccuracy,
    epochs: o.epochs,
    history: fit.history,
    templates,
    seconds: { encode: (t1 - t0) / 1000, search: fit.seconds.search, train: fit.seconds.train, total: (performance.now() - t0) / 1000 },
  };
}
