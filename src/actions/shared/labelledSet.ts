import { DejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { createCombinedEncoder } from '../../encoders/combined.ts';
import { concatenateCombined, type CombinedRows } from '../../ann/combined.ts';
import { pcaProject, trainPca, type PcaTransform } from '../../ann/pca.ts';
import type { Collection } from '../../store/collection.ts';
import { combinedDescriptors } from './combinedDescriptors.ts';

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
