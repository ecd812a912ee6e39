import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { checkPhotoSize, MIN_PHOTO_SIDE } from '../core/checkPhotoSize.ts';
import type { Image } from '../core/image.ts';
import { createCombinedEncoder } from '../encoders/combined.ts';
import { concatenateCombined, type CombinedRows } from '../ann/combined.ts';
import { exactKnn } from '../ann/flat.ts';
import { pcaProject, trainPca, type PcaTransform } from '../ann/pca.ts';
import { knnScores } from '../decoders/recognize/knnVote.ts';
import type { Collection } from '../store/collection.ts';
import { combinedDescriptors } from './combinedDescriptors.ts';
import { selfInCollection, type SelfInCollection } from '../store/selfInCollection.ts';
import { queryPhoto } from './photoImage.ts';

/** Options of `deja classify`. */
export const ClassifyOptions = z.object({
  encoder: z.string().default('tiny').describe('Encoder spec or weighted combination (`gist+tiny:w=2,1`); the collection must hold its descriptors.'),
  k: z.number().int().min(1).max(1000).default(10).describe('Neighbours that vote (Torralba et al. 2008 §5 vote among the nearest tiny images).'),
  weighting: z.enum(['uniform', 'inverse', 'kernel']).default('kernel').describe('How votes are weighted by distance (see knnVote.ts).'),
  pca: z.number().int().min(1).optional().describe('Reduce descriptors to this many principal components before the search (Torralba et al. 2008 §5 compare tiny images after PCA); the search stays exact, in the reduced space. Default: off.'),
  excludeIds: z.array(z.number().int()).default([]).describe('Photo ids that never vote (the query\'s own record when it is in the collection).'),
});
export type ClassifyOptions = z.input<typeof ClassifyOptions>;

/**
 * The labelled photos of a collection as one search matrix: for a single encoder its descriptors
 * (L2-normalised for cosine encoders, so L2 ranks as cosine does); for a combination `a+b:w=wa,wb` the
 * concatenation of `concatenateCombined`, whose squared L2 distance is the combined distance
 * Σ w_e d_e / s_e of search and locate (s_e the median pair distance in the collection; no descriptor
 * dominates by scale, as IM2GPS combines gist, tiny images and colour histograms, Hays & Efros 2008 §3).
 * Rows are the labelled photos that have every descriptor, in photo-id order.
 */
export interface LabelledSet {
  spec: string;
  /** Dimension of the search space: of `data` and of `toSearchSpace`'s output. */
  dim: number;
  /** Dimension of the descriptors `encode` returns (`dim` without PCA). */
  descriptorDim: number;
  n: number;
  /** `n * dim` search vectors, row-major (projected when `pca` is set). */
  data: Float32Array;
  /** The PCA the descriptors are projected with, or null for full-dimension search. */
  pca: PcaTransform | null;
  /** Seconds spent training the PCA and projecting the collection (0 without PCA). */
  pcaSeconds: number;
  photoIds: Int32Array;
  /** Class index per row. */
  rowClass: Int32Array;
  classNames: string[];
  /** Encodes a query photo into the descriptor space (`descriptorDim` values). */
  encode(image: Image): Promise<Float32Array>;
  /** Batched projection of `nq` encoded queries (`nq * descriptorDim`) into the search space (`nq * dim`); identity without PCA. */
  toSearchSpace(queries: Float32Array, nq: number): Float32Array;
}

/** Options of `labelledSet`. */
export interface LabelledSetOptions {
  /** Principal components kept (1 … descriptor dimension); undefined: no PCA. */
  pca?: number;
  /** Rows sampled to train the PCA (default 10,000; at most 20,000). */
  pcaSample?: number;
}

/** Default number of collection rows the PCA of `labelledSet` is trained on. */
export const PCA_SAMPLE_DEFAULT = 10_000;

/**
 * Builds the labelled search set of a collection; with `options.pca = d`, a PCA trained on a seeded
 * sample of its rows (`trainPca`) projects the collection to d dimensions (`pcaProject`, blocked SIMD),
 * and queries are projected the same way by `toSearchSpace` before the exact search.
 * @throws DejaError EMPTY_COLLECTION, NO_DATA (no labelled photos, or the encoder was not indexed),
 *   BAD_ARGUMENT (PCA dimension larger than the descriptor dimension)
 */
export async function labelledSet(collection: Collection, spec: string, options: LabelledSetOptions = {}): Promise<LabelledSet> {
  if (collection.count() === 0)
    throw new DejaError('EMPTY_COLLECTION', 'the collection has no photos', { file: collection.dir, hint: 'add labelled photos with `deja index --label-from-folder <folders>`' });
  const labelOf = new Map(collection.photos().flatMap((p) => (p.label !== null ? [[p.id, p.label] as [number, string]] : [])));
  if (labelOf.size === 0)
    throw new DejaError('NO_DATA', 'the collection has no labelled photos to vote with', {
      file: collection.dir,
      hint: 're-index with --label-from-folder (one folder per class) or --labels file.csv (file,label)',
    });
  const encoder = await createCombinedEncoder(spec);
  for (const { encoder: e } of encoder.parts)
    if (!collection.encoders().some((x) => x.spec === e.spec))
      throw new DejaError('NO_DATA', `the collection has no ${e.spec} descriptors`, { file: collection.dir, hint: `index them with: deja index --encoders ${e.spec} <photos>` });
  const set = await combinedDescriptors(collection, encoder, (id) => labelOf.has(id));
  if (set.n === 0)
    throw new DejaError('NO_DATA', `no labelled photo has ${spec} descriptors`, { file: collection.dir, hint: `index them with: deja index --encoders ${spec} <photos>` });
  const labels = Array.from(set.photoIds, (id) => labelOf.get(id)!);
  const classNames = [...new Set(labels)].sort();
  const classOf = new Map(classNames.map((c, i) => [c, i]));
  const dim = set.parts.reduce((s, p) => s + p.dim, 0);
  const searchRows = (parts: readonly CombinedRows[], n: number) => (parts.length === 1 ? singleRows(parts[0], n) : concatenateCombined(parts, n));
  const data = searchRows(set.parts, set.n);
  const reduced = reduceByPca(data, set.n, dim, options);
  return {
    spec,
    dim: reduced.pca?.outDim ?? dim,
    descriptorDim: dim,
    n: set.n,
    data: reduced.data,
    pca: reduced.pca,
    pcaSeconds: reduced.seconds,
    photoIds: set.photoIds,
    rowClass: Int32Array.from(labels, (l) => classOf.get(l)!),
    classNames,
    async encode(image: Image): Promise<Float32Array> {
      const q = await encoder.encode(image);
      return searchRows(set.parts.map((p, i) => ({ ...p, data: q[i] })), 1);
    },
    toSearchSpace(queries: Float32Array, nq: number): Float32Array {
      return reduced.pca ? pcaProject(reduced.pca, queries, nq) : queries;
    },
  };
}

/**
 * One encoder's rows as they are searched: its own descriptors for L2 (a view, no copy), L2-normalised
 * for cosine, so L2 ranks as cosine does. Combinations go through `concatenateCombined` instead.
 */
function singleRows(part: CombinedRows, n: number): Float32Array {
  if (part.metric === 'l2') return part.data.subarray(0, n * part.dim);
  const out = part.data.slice(0, n * part.dim);
  for (let r = 0; r < n; r++) unitNorm(out.subarray(r * part.dim, (r + 1) * part.dim));
  return out;
}

/**
 * PCA of the search matrix (`n * dim`) to `options.pca` components, and the matrix projected; the
 * matrix itself when no PCA is asked for.
 * @throws DejaError BAD_ARGUMENT when `options.pca` exceeds `dim`.
 */
function reduceByPca(data: Float32Array, n: number, dim: number, options: LabelledSetOptions): { data: Float32Array; pca: PcaTransform | null; seconds: number } {
  if (options.pca === undefined) return { data, pca: null, seconds: 0 };
  if (!Number.isInteger(options.pca) || options.pca < 1 || options.pca > dim)
    throw new DejaError('BAD_ARGUMENT', `Expected --pca between 1 and the descriptor dimension ${dim} but received ${options.pca}`, {
      hint: `reduce to at most ${dim} dimensions, or leave --pca out for full-dimension search`,
    });
  if (n < 2) throw new DejaError('NO_DATA', `PCA needs at least 2 labelled photos but the collection has ${n}`, { hint: 'leave --pca out' });
  const t0 = performance.now();
  const pca = trainPca(data, n, dim, options.pca, { maxSample: Math.min(20_000, options.pcaSample ?? PCA_SAMPLE_DEFAULT), seed: 7 });
  const projected = pcaProject(pca, data, n);
  return { data: projected, pca, seconds: (performance.now() - t0) / 1000 };
}

function unitNorm(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= f;
  }
}

/** `deja classify --json` result. */
export interface ClassifyResult {
  /** The winning label. */
  label: string;
  /** Every label that got a vote, best first, with its share of the weighted vote and its neighbour count. */
  scores: { label: string; score: number; votes: number }[];
  neighbours: { id: number; path: string; label: string; distance: number }[];
  encoder: string;
  k: number;
  weighting: string;
  /** Labelled photos that voted from. */
  collectionSize: number;
  /** Principal components searched in (distances are in that space), or null for full-dimension search. */
  pca: number | null;
}

/**
 * Labels a photo by k-NN vote among the collection's labelled photos (Torralba, Fergus & Freeman,
 * "80 million tiny images", PAMI 2008, §5), distance-weighted, with per-label scores.
 * @throws DejaError EMPTY_COLLECTION, NO_DATA, TOO_SMALL
 */
export async function classifyImage(collection: Collection, image: Image, rawOptions: ClassifyOptions = {}, set?: LabelledSet): Promise<ClassifyResult> {
  const options = parseOptions(ClassifyOptions, rawOptions);
  const s = set ?? (await labelledSet(collection, options.encoder, { pca: options.pca }));
  const q = s.toSearchSpace(await s.encode(image), 1);
  const exclude = new Set(options.excludeIds);
  const raw = exactKnn(s.data, s.n, s.dim, q, 1, Math.min(options.k + exclude.size, s.n), 'l2');
  const keep = Array.from(raw.labels.keys()).filter((j) => raw.labels[j] >= 0 && !exclude.has(s.photoIds[raw.labels[j]])).slice(0, options.k);
  if (keep.length === 0) throw new DejaError('NO_DATA', 'no labelled photo is left to vote once the photo itself is left out', { hint: 'label more photos with `deja index --label-from-folder`' });
  const nb = { labels: Int32Array.from(keep, (j) => raw.labels[j]), distances: Float32Array.from(keep, (j) => raw.distances[j]) };
  const k = keep.length;
  const classes = Int32Array.from(nb.labels, (r) => (r < 0 ? -1 : s.rowClass[r]));
  const scores = knnScores(classes, nb.distances, k, s.classNames.length, options.weighting);
  const votes = new Int32Array(s.classNames.length);
  for (const c of classes) if (c >= 0) votes[c]++;
  const ranked = s.classNames
    .map((label, c) => ({ label, score: scores[c], votes: votes[c], first: classes.indexOf(c) }))
    .filter((x) => x.votes > 0)
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map(({ label, score, votes: v }) => ({ label, score, votes: v }));
  const neighbours = Array.from(nb.labels, (r, j) => {
    const id = s.photoIds[r];
    return { id, path: collection.photo(id)!.path, label: s.classNames[s.rowClass[r]], distance: Math.sqrt(Math.max(0, nb.distances[j])) };
  });
  return { label: ranked[0].label, scores: ranked, neighbours, encoder: s.spec, k, weighting: options.weighting, collectionSize: s.n, pca: s.pca?.outDim ?? null };
}

export { checkPhotoSize, MIN_PHOTO_SIDE } from '../core/checkPhotoSize.ts';

/**
 * Reads a photo file and classifies it.
 * @param set the labelled set of `options.encoder` and `options.pca`, when classifying several photos (built once)
 * @throws DejaError NOT_FOUND, NOT_AN_IMAGE, TOO_SMALL and those of `classifyImage`
 */
export async function classifyFile(
  collection: Collection,
  file: string,
  options: ClassifyOptions & { excludeSelf?: boolean } = {},
  set?: LabelledSet,
): Promise<ClassifyResult & { query: string; selfInCollection: SelfInCollection | null; excludedSelf: boolean }> {
  const { image, bytes } = await queryPhoto(file);
  checkPhotoSize(image, file);
  const self = selfInCollection(collection, bytes);
  const excludedSelf = !!options.excludeSelf && self !== null;
  const { excludeSelf: _, ...rest } = options;
  const result = await classifyImage(collection, image, { ...rest, excludeIds: [...(rest.excludeIds ?? []), ...(excludedSelf ? [self.id] : [])] }, set);
  return { query: path.resolve(file), ...result, selfInCollection: self, excludedSelf };
}

