import path from 'node:path';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { decodeImage } from '../io/decode.ts';

import { listSources, sourceKind, type SourceItem } from '../io/sources.ts';
import { exactKnnParallel } from '../ann/flat.ts';
import { knnPredict } from '../decoders/recognize/knnVote.ts';
import { accuracy, confusionMatrix, confusionMarkdown, perClassAccuracy } from '../decoders/recognize/confusionMatrix.ts';
import type { Collection } from '../store/collection.ts';
import { PathMatcher } from './shared/matchPath.ts';
import { labelledSet, PCA_SAMPLE_DEFAULT } from './shared/labelledSet.ts';
import { readLabelCsv } from './shared/labelCsv.ts';
import { MIN_PHOTO_SIDE } from '../core/checkPhotoSize.ts';

/** Options of `deja eval classify`. */
export const EvalClassifyOptions = z.object({
  /** Test photos: folders or .tar/.tar.gz archives (label = the folder holding each photo), or one CSV of file,label. */
  test: z.array(z.string()).min(1),
  /** CSV of file,label for the test photos (instead of their folder names). */
  labels: z.string().optional(),
  /** Encoder spec or weighted combination; the collection must hold its descriptors. */
  encoder: z.string().default('tiny'),
  /** Numbers of voting neighbours to evaluate (one search with the largest). */
  k: z.array(z.number().int().min(1).max(1000)).min(1).default([1, 3, 5, 10, 20, 50]),
  /** Vote weighting (see knnVote.ts). */
  weighting: z.enum(['uniform', 'inverse', 'kernel']).default('kernel'),
  /** Evaluate a seeded random subset of this many test photos. */
  limit: z.number().int().positive().optional(),
  /** Seed of the subset. */
  seed: z.number().int().default(1),
  /** Search threads (default: all cores). */
  threads: z.number().int().positive().optional(),
  /**
   * Reduce descriptors to this many principal components (PCA trained on a seeded sample of the
   * collection) before the batched search, which stays exact in the reduced space (Torralba, Fergus &
   * Freeman, PAMI 2008, §5). Default: off (full-dimension search).
   */
  pca: z.number().int().min(1).optional(),
  /** Collection rows the PCA is trained on (at most 20,000). */
  pcaSample: z.number().int().min(2).max(20_000).default(PCA_SAMPLE_DEFAULT),
});
export type EvalClassifyOptions = z.input<typeof EvalClassifyOptions>;

export interface EvalClassifyReport {
  encoder: string;
  weighting: string;
  /** Labelled photos voted from. */
  collectionSize: number;
  classes: string[];
  /** Test photos evaluated. */
  tests: number;
  /** Test photos whose label is not a class of the collection (always wrong; counted in `tests`). */
  unknownLabels: number;
  skipped: { path: string; reason: string }[];
  accuracyByK: { k: number; accuracy: number }[];
  bestK: number;
  /** At the best k: counts[true * classes + predicted]. */
  confusion: { k: number; counts: number[]; perClassAccuracy: number[]; markdown: string };
  /** Principal components searched in, or null for full-dimension search. */
  pca: number | null;
  /**
   * encode: test photos; pca: training the PCA and projecting the collection; search: projecting the
   * queries plus the batched exact search; total: everything, from opening the descriptors.
   */
  seconds: { encode: number; pca: number; search: number; total: number };
  /** Queries searched per second (all k at once). */
  queriesPerSecond: number;
}

interface TestPhoto {
  item: SourceItem;
  label: string;
}

/**
 * Recognition by label transfer, evaluated (Torralba, Fergus & Freeman, "80 million tiny images",
 * PAMI 2008, §5): every test photo is encoded, its nearest labelled photos of the collection are found
 * by one batched exact search (after an optional PCA, exact in the reduced space), and the distance-weighted vote of the first k is compared with its
 * true label, for each k; with the confusion matrix at the best k.
 * @throws DejaError NO_DATA (no labelled photos / no test photos), NOT_FOUND
 */
export async function evalClassify(collection: Collection, rawOptions: EvalClassifyOptions, progress: Progress = silentProgress): Promise<EvalClassifyReport> {
  const options = parseOptions(EvalClassifyOptions, rawOptions);
  const t0 = performance.now();
  const set = await labelledSet(collection, options.encoder, { pca: options.pca, pcaSample: options.pcaSample });
  let tests = await listTestPhotos(options.test, options.labels);
  if (tests.length === 0)
    throw new DejaError('NO_DATA', 'no labelled test photos found', { file: options.test.join(', '), hint: 'pass folders with one subfolder per class, or a CSV of file,label' });
  if (options.limit && options.limit < tests.length) tests = new Rng(options.seed).shuffle(tests).slice(0, options.limit);
  const classOf = new Map(set.classNames.map((c, i) => [c, i]));
  const queries = new Float32Array(tests.length * set.descriptorDim);
  const truth: number[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let unknownLabels = 0;
  progress.start(tests.length, 'encoding test photos');
  let nq = 0;
  for (const t of tests) {
    progress.tick();
    try {
      const { image } = await decodeImage(t.item.read(), { minSide: 256, name: t.item.path });
      if (Math.min(image.width, image.height) < MIN_PHOTO_SIDE) {
        skipped.push({ path: t.item.path, reason: `smaller than ${MIN_PHOTO_SIDE}×${MIN_PHOTO_SIDE}` });
        continue;
      }
      queries.set(await set.encode(image), nq * set.descriptorDim);
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: t.item.path, reason: e.message });
      continue;
    }
    const c = classOf.get(t.label);
    if (c === undefined) unknownLabels++;
    truth.push(c ?? -1);
    nq++;
  }
  progress.stop();
  const t1 = performance.now();
  const kMax = Math.min(set.n, Math.max(...options.k));
  const searched = set.toSearchSpace(queries, nq);
  const nb = await exactKnnParallel(set.data, set.n, set.dim, searched, nq, kMax, 'l2', { threads: options.threads });
  const t2 = performance.now();
  const ks = [...new Set(options.k.map((k) => Math.min(k, kMax)))].sort((a, b) => a - b);
  const names = unknownLabels > 0 ? [...set.classNames, '(unknown label)'] : set.classNames;
  const truthIdx = truth.map((c) => (c < 0 ? set.classNames.length : c));
  const results = ks.map((k) => {
    const pred = knnPredict(nb.labels, nb.distances, nq, kMax, set.rowClass, set.classNames.length, k, options.weighting);
    const m = confusionMatrix(truthIdx, pred, names);
    return { k, accuracy: accuracy(m), m };
  });
  const best = results.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const m = best.m;
  const t3 = performance.now();
  return {
    encoder: set.spec,
    weighting: options.weighting,
    collectionSize: set.n,
    classes: set.classNames,
    tests: nq,
    unknownLabels,
    skipped,
    accuracyByK: results.map(({ k, accuracy: a }) => ({ k, accuracy: a })),
    bestK: best.k,
    confusion: { k: best.k, counts: Array.from(m.counts), perClassAccuracy: perClassAccuracy(m), markdown: confusionMarkdown(m) },
    pca: set.pca?.outDim ?? null,
    seconds: { encode: (t1 - t0) / 1000 - set.pcaSeconds, pca: set.pcaSeconds, search: (t2 - t1) / 1000, total: (t3 - t0) / 1000 },
    queriesPerSecond: nq / Math.max(1e-9, (t2 - t1) / 1000),
  };
}

/** Test photos with their labels: from a CSV (file,label), or from sources labelled by folder or by `labelsCsv`. */
async function listTestPhotos(test: string[], labelsCsv: string | undefined): Promise<TestPhoto[]> {
  const out: TestPhoto[] = [];
  if (test.length === 1 && test[0].toLowerCase().endsWith('.csv') && sourceKind(test[0]) === 'file') {
    const { entries, base } = readLabelCsv(test[0]);
    const files = entries.map(([file]) => path.resolve(base, file));
    const byFile = new Map(entries.map(([file, label]) => [path.resolve(base, file), label]));
    for await (const item of listSources(files)) out.push({ item, label: byFile.get(item.path)! });
    return out;
  }
  const matcher = labelsCsv ? (({ entries, base }) => new PathMatcher(entries, base))(readLabelCsv(labelsCsv)) : undefined;
  for await (const item of listSources(test)) {
    const label = matcher ? matcher.lookup(item.path) : item.folder;
    if (label) out.push({ item, label });
  }
  return out;
}

