import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import type { Image } from '../core/image.ts';
import { countSources, listSources, type SourceItem } from '../io/sources.ts';
import { prepareOutputFolder, writeOutputFile } from '../io/outputFile.ts';
import { svgToPng } from '../io/plot.ts';
import { confusionMatrixSvg, reliabilityDiagramSvg } from '../io/classifierPlots.ts';
import { resolveClassifier, runClassifier, type ClassifierContract } from '../nn/classifierModel.ts';
import { argmaxRows, softmaxRows } from '../decoders/recognize/networkClassifier.ts';
import { accuracy, confusionMatrix, confusionMarkdown, perClassAccuracy } from '../decoders/recognize/confusionMatrix.ts';
import { ECE_BINS, expectedCalibration, type CalibrationBin } from '../decoders/recognize/calibration.ts';
import type { ClassifierEvaluation } from './shared/classifierEvaluation.ts';
import { ModelRunOptions } from './shared/modelRunOptions.ts';
import { PathMatcher } from './shared/matchPath.ts';
import { readLabelCsv } from './shared/labelCsv.ts';
import { decodeOrSkip, testSources } from './shared/testSources.ts';

/** Options of `deja eval classify --model`. */
export const EvalClassifyModelOptions = ModelRunOptions.extend({
  model: z.string().min(1).describe('A classification card from `deja models`, or an .onnx file with its card in a manifest.json beside it.'),
  test: z
    .array(z.string())
    .min(1)
    .optional()
    .describe("Labelled test photos: folders or .tar/.tar.gz archives, each photo labelled by the folder holding it (<split>/<class>/<file>.jpg). Default: the set the card's split names in the shared data folder."),
  labels: z.string().optional().describe('CSV of file,label for the test photos, instead of their folder names.'),
  limit: z.number().int().min(1).optional().describe('Evaluate the first N test photos of each class, in source order (a quick, deterministic, class-balanced run).'),
  bins: z.number().int().min(1).max(100).default(ECE_BINS).describe('Equal-width confidence bins of the ECE and the reliability diagram (Guo et al. 2017 §2 use 15).'),
  out: z.string().optional().describe('Folder (created when its parent exists) for reliability.png and confusion.png.'),
  manifest: z.string().optional().describe("The manifest.json a model name is looked up in (default: the package's models/manifest.json)."),
});
export type EvalClassifyModelOptions = z.input<typeof EvalClassifyModelOptions>;

/** What `deja eval classify --model --json` reports. */
export interface EvalClassifyModelReport extends ClassifierEvaluation {
  model: string;
  sha256: string;
  /** The test sources evaluated (absolute), and whether they came from the card's split. */
  test: string[];
  testFromCard: boolean;
  /** What the card claims, for comparison: its split and metrics. */
  card: { split: string | null; metrics: Record<string, number> | null };
  run: { batch: number; threads: number; provider: string };
  /** decode: reading and decoding photos; inference: preprocessing plus the network runs; total: everything. */
  seconds: { decode: number; inference: number; total: number };
  photosPerSecond: number;
}

interface Pending {
  item: SourceItem;
  truth: number;
}

/**
 * A classification network evaluated on labelled photos: each test photo of one of the card's classes is
 * decoded, the photos are run through the model `batch` at a time, and the most probable class is
 * compared with the label. Reports accuracy, per-class accuracy, the confusion matrix and calibration
 * (expected calibration error, Guo, Pleiss, Sun & Weinberger, "On Calibration of Modern Neural
 * Networks", ICML 2017, §2), and draws the reliability diagram and the confusion matrix with `out`.
 * No collection is needed.
 * @throws DejaError for the model (see `resolveClassifier`), BAD_ARGUMENT / NOT_FOUND when no test set is
 *   given and the card's split names none that is here, NO_DATA when no test photo has one of the model's classes
 */
export async function evalClassifyModel(rawOptions: EvalClassifyModelOptions, progress: Progress = silentProgress): Promise<EvalClassifyModelReport> {
  const options = parseOptions(EvalClassifyModelOptions, rawOptions);
  const t0 = performance.now();
  const c = resolveClassifier(options.model, { manifest: options.manifest });
  const { test, fromCard, members } = testSources(c, options.test);
  const out = options.out === undefined ? undefined : prepareOutputFolder(options.out, '--out');
  const matcher = options.labels ? (({ entries, base }) => new PathMatcher(entries, base))(readLabelCsv(options.labels)) : undefined;
  const C = c.classes.length;
  const classOf = new Map(c.classes.map((name, i) => [name, i]));
  const perClass = new Int32Array(C);
  const other = new Map<string, number>();
  const skipped: { path: string; reason: string }[] = [];
  const truth: number[] = [];
  const logitChunks: Float32Array[] = [];
  const limit = options.limit;
  const time = { decode: 0, inference: 0 };
  progress.start(limit ? limit * C : (members?.size ?? (await countSources(test))), `evaluating ${c.name}`);
  let pending: Pending[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    const t = performance.now();
    const decoded = await Promise.all(batch.map((p) => decodeOrSkip(p.item, c.input.size, skipped)));
    const t1 = performance.now();
    const images: Image[] = [];
    batch.forEach((p, i) => {
      const image = decoded[i];
      if (!image) return;
      images.push(image);
      truth.push(p.truth);
    });
    if (images.length) logitChunks.push((await runClassifier(c, images, options)).logits);
    time.decode += t1 - t;
    time.inference += performance.now() - t1;
    if (limit) progress.tick(batch.length);
  };
  for await (const item of listSources(test)) {
    if (members && !members.has(item.relPath)) continue;
    const label = matcher ? matcher.lookup(item.path) : item.folder;
    const k = label === undefined ? undefined : classOf.get(label);
    if (!limit) progress.tick();
    if (label === undefined) continue;
    if (k === undefined) {
      other.set(label, (other.get(label) ?? 0) + 1);
      continue;
    }
    if (limit && perClass[k] >= limit) continue;
    perClass[k]++;
    pending.push({ item, truth: k });
    if (pending.length >= options.batch) await flush();
    if (limit && perClass.every((n) => n >= limit)) break;
  }
  if (pending.length) await flush();
  progress.stop();
  const n = truth.length;
  if (n === 0) throw noTestPhotos(c, test, other, skipped);
  const logits = concat(logitChunks, n * C);
  const { predicted, confidence } = argmaxRows(softmaxRows(logits, n, C), n, C);
  const m = confusionMatrix(truth, predicted, c.classes);
  const cal = expectedCalibration(confidence, Array.from(predicted, (p, i) => p === truth[i]), options.bins);
  const files = out ? await writeFigures(out, c, test, m.counts, cal) : null;
  const total = (performance.now() - t0) / 1000;
  return {
    model: c.name,
    sha256: c.sha256,
    test,
    testFromCard: fromCard,
    classes: c.classes,
    tests: n,
    limitPerClass: limit ?? null,
    otherLabels: [...other].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    skipped,
    accuracy: accuracy(m),
    confusion: { counts: Array.from(m.counts), perClassAccuracy: perClassAccuracy(m), markdown: confusionMarkdown(m) },
    calibration: { ece: cal.ece, mce: cal.mce, meanConfidence: cal.meanConfidence, bins: cal.bins },
    card: { split: c.card.split ?? null, metrics: c.card.metrics ?? null },
    files,
    run: { batch: options.batch, threads: options.threads, provider: options.provider },
    seconds: { decode: time.decode / 1000, inference: time.inference / 1000, total },
    photosPerSecond: n / Math.max(1e-9, (time.decode + time.inference) / 1000),
  };
}

function noTestPhotos(c: ClassifierContract, test: string[], other: Map<string, number>, skipped: { path: string }[]): DejaError {
  const found = [...other.keys()];
  if (skipped.length)
    return new DejaError('NO_DATA', `none of the ${skipped.length} test photos of ${c.name}'s classes could be read`, { file: skipped[0].path, hint: 'check the test photos' });
  return new DejaError('NO_DATA', `no test photo is labelled with a class of ${c.name}${found.length ? `: found labels [${found.slice(0, 8).join(', ')}${found.length > 8 ? ', …' : ''}]` : ''}`, {
    file: test.join(', '),
    hint: `its classes are [${c.classes.slice(0, 10).join(', ')}${c.classes.length > 10 ? ', …' : ''}]; pass --test with one subfolder per class (or --labels file.csv)`,
  });
}

function concat(chunks: readonly Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let o = 0;
  for (const ch of chunks) {
    out.set(ch, o);
    o += ch.length;
  }
  return out;
}

async function writeFigures(
  dir: string,
  c: ClassifierContract,
  test: string[],
  counts: Int32Array,
  cal: { ece: number; bins: CalibrationBin[] },
): Promise<{ reliability: string; confusion: string }> {
  const what = `${c.name} on ${test.map((t) => path.basename(t)).join(', ')}`;
  const reliability = path.join(dir, 'reliability.png');
  const confusion = path.join(dir, 'confusion.png');
  writeOutputFile(reliability, await svgToPng(reliabilityDiagramSvg(cal.bins, `${what}: ECE ${(100 * cal.ece).toFixed(1)} %`)));
  writeOutputFile(confusion, await svgToPng(confusionMatrixSvg(counts, c.classes, `${what}: confusion`)));
  return { reliability, confusion };
}
