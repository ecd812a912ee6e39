import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { readRegularFile } from '../io/readRegularFile.ts';
import { prepareOutputFolder, writeOutputFile } from '../io/outputFile.ts';
import { svgToPng } from '../io/plot.ts';
import { confusionMatrixSvg, reliabilityDiagramSvg } from '../io/classifierPlots.ts';
import { createEncoder } from '../encoders/factory.ts';
import { linearScores, type LinearModel, type LinearProvenance } from '../decoders/recognize/linearModel.ts';
import { parseLinearModel } from '../decoders/recognize/linearModelJson.ts';
import { argmaxRows, softmaxRows } from '../decoders/recognize/networkClassifier.ts';
import { accuracy, confusionMatrix, confusionMarkdown, perClassAccuracy } from '../decoders/recognize/confusionMatrix.ts';
import { ECE_BINS, expectedCalibration, type CalibrationBin } from '../decoders/recognize/calibration.ts';
import type { ClassifierEvaluation } from './shared/classifierEvaluation.ts';
import { encodeLabelledPhotos } from './encode/encodeLabelledPhotos.ts';

/** Largest model file read (a 1000-class model on 5,000 features is about 100 MB of JSON). */
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** Options of `deja eval classify --linear`. */
export const EvalClassifyLinearOptions = z.object({
  linear: z.string().min(1).describe('A linear model written by `deja train-linear --out`.'),
  test: z.array(z.string()).min(1).describe('Labelled test photos: folders or .tar/.tar.gz archives, each photo labelled by the folder holding it.'),
  labels: z.string().optional().describe('CSV of file,label for the test photos, instead of their folder names.'),
  limit: z.number().int().min(1).optional().describe('Evaluate the first N test photos of each class, in source order.'),
  bins: z.number().int().min(1).max(100).default(ECE_BINS).describe('Equal-width confidence bins of the ECE and the reliability diagram.'),
  out: z.string().optional().describe('Folder (created when its parent exists) for reliability.png and confusion.png.'),
  threads: z.number().int().positive().optional().describe('Encoding threads (default: all cores).'),
});
export type EvalClassifyLinearOptions = z.input<typeof EvalClassifyLinearOptions>;

/** What `deja eval classify --linear --json` reports. */
export interface EvalClassifyLinearReport extends ClassifierEvaluation {
  /** The model file (absolute), its loss and how it was trained. */
  model: string;
  loss: string;
  provenance: LinearProvenance;
  test: string[];
  /** encode: reading and encoding the test photos; predict: the scores; total: everything. */
  seconds: { encode: number; predict: number; total: number };
}

/**
 * A linear classifier (`deja train-linear`) evaluated on labelled photos: each test photo of one of the
 * model's classes is encoded with the model's own descriptor spec (its encoder version checked), scored,
 * and the arg-max class compared with its label. Reports accuracy, per-class accuracy, the confusion
 * matrix and the expected calibration error, as `deja eval classify --model` does; with `out` it draws the
 * reliability diagram and the confusion matrix. No collection is needed.
 * @throws DejaError NOT_FOUND / BAD_ARGUMENT (the model file), ENCODER_MISMATCH (descriptor version),
 *   NO_DATA (no test photo of the model's classes)
 */
export async function evalClassifyLinear(rawOptions: EvalClassifyLinearOptions, progress: Progress = silentProgress): Promise<EvalClassifyLinearReport> {
  const o = parseOptions(EvalClassifyLinearOptions, rawOptions);
  const t0 = performance.now();
  const file = path.resolve(o.linear);
  const model = readLinearModel(file);
  const out = o.out === undefined ? undefined : prepareOutputFolder(o.out, '--out');
  const test = o.test.map((t) => path.resolve(t));
  const photos = await encodeLabelledPhotos(test, model.provenance.descriptor.spec, { labels: o.labels, classes: model.classes, limitPerClass: o.limit, threads: o.threads }, progress);
  const t1 = performance.now();
  const C = model.classes.length;
  const classOf = new Map(model.classes.map((c, i) => [c, i]));
  const truth = Int32Array.from(photos.labels, (l) => classOf.get(l)!);
  const scores = linearScores(model, photos.data, photos.n);
  const { predicted, confidence } = argmaxRows(softmaxRows(scores, photos.n, C), photos.n, C);
  const t2 = performance.now();
  const m = confusionMatrix(truth, predicted, model.classes);
  const cal = expectedCalibration(confidence, Array.from(predicted, (p, i) => p === truth[i]), o.bins);
  let files: EvalClassifyLinearReport['files'] = null;
  if (out) {
    const what = `${path.basename(file)} on ${test.map((t) => path.basename(t)).join(', ')}`;
    files = { reliability: path.join(out, 'reliability.png'), confusion: path.join(out, 'confusion.png') };
    writeOutputFile(files.reliability, await svgToPng(reliabilityDiagramSvg(cal.bins, `${what}: ECE ${(100 * cal.ece).toFixed(1)} %`)));
    writeOutputFile(files.confusion, await svgToPng(confusionMatrixSvg(m.counts, model.classes, `${what}: confusion`)));
  }
  return {
    model: file,
    loss: model.loss,
    provenance: model.provenance,
    test,
    classes: model.classes,
    tests: photos.n,
    limitPerClass: o.limit ?? null,
    otherLabels: photos.otherLabels,
    skipped: photos.skipped,
    accuracy: accuracy(m),
    confusion: { counts: Array.from(m.counts), perClassAccuracy: perClassAccuracy(m), markdown: confusionMarkdown(m) },
    calibration: { ece: cal.ece, mce: cal.mce, meanConfidence: cal.meanConfidence, bins: cal.bins },
    files,
    seconds: { encode: (t1 - t0) / 1000, predict: (t2 - t1) / 1000, total: (performance.now() - t0) / 1000 },
  };
}

/**
 * Reads and checks a linear model file, and that this Deja's encoder for its features still computes
 * the descriptors it was trained on (same spec, same version, same dimension).
 * @throws DejaError NOT_FOUND, IO_ERROR, BAD_ARGUMENT (not a model), ENCODER_MISMATCH
 */
export function readLinearModel(file: string): LinearModel {
  const model = parseLinearModel(readRegularFile(file, MAX_MODEL_BYTES).toString('utf8'), file);
  const { spec, version } = model.provenance.descriptor;
  const encoder = createEncoder(spec);
  if (encoder.version !== version || encoder.dim !== model.dim)
    throw new DejaError('ENCODER_MISMATCH', `the model was trained on ${spec} version ${version} (${model.dim}-D); this Deja's ${encoder.spec} is version ${encoder.version} (${encoder.dim}-D)`, {
      file,
      hint: `train it again: deja train-linear --features "${spec}" --loss ${model.loss} …`,
    });
  return model;
}
