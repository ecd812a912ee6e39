import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { flipHorizontal, type Image } from '../core/image.ts';
import { Rng } from '../core/rng.ts';
import { createEncoderResolved, parseCombinedSpec } from '../encoders/factory.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { exactKnn } from '../index/flat.ts';
import { combinedKnn, estimateDistanceScale } from '../index/combined.ts';
import type { Collection, DescriptorMatrix } from '../store/collection.ts';
import { upToDateIndex } from '../store/vectorIndexCache.ts';

/** Options of `deja search`. */
export const SearchOptions = z.object({
  encoder: z.string().default('gist').describe('Encoder spec, or a weighted combination such as `gist+tiny+lab-hist:w=2,1,1`.'),
  k: z.number().int().min(1).max(10000).default(10).describe('Number of neighbours.'),
  exact: z.boolean().default(false).describe('Brute-force exact search instead of the approximate index.'),
  mirror: z.boolean().default(true).describe('Also match the mirrored query and keep the better distance (Hays & Efros 2007 §3 search mirrored scenes too).'),
  index: z.string().default('HNSW32').describe('Approximate index spec (see index/factory.ts).'),
});
export type SearchOptions = z.input<typeof SearchOptions>;

export interface SearchHit {
  id: number;
  path: string;
  /** L2 distance for one encoder; the weighted normalised sum for a combination. */
  distance: number;
  mirrored: boolean;
}

/** Below this many photos, exact search is as fast as any index. */
export const EXACT_BELOW = 5000;

/**
 * The k photos of the collection most similar to `image`.
 * @throws DejaError EMPTY_COLLECTION, NO_DATA (encoder not indexed), UNKNOWN_NAME
 */
export async function searchPhotos(collection: Collection, image: Image, rawOptions: SearchOptions = {}): Promise<SearchHit[]> {
  const options = parseOptions(SearchOptions, rawOptions);
  if (collection.count() === 0)
    throw new DejaError('EMPTY_COLLECTION', 'the collection has no photos', { file: collection.dir, hint: 'add some with `deja index <photos>`' });
  const parts = parseCombinedSpec(options.encoder);
  const encoders = await Promise.all(parts.map((p) => createEncoderResolved(p.spec)));
  const queries = options.mirror ? [image, flipHorizontal(image)] : [image];
  const hits = new Map<number, SearchHit>();
  for (let qi = 0; qi < queries.length; qi++) {
    const found =
      encoders.length === 1
        ? await singleEncoderSearch(collection, encoders[0], queries[qi], options)
        : await combinedSearch(collection, encoders, parts.map((p) => p.weight), queries[qi], options.k);
    for (const h of found) {
      const prev = hits.get(h.id);
      if (!prev || h.distance < prev.distance) hits.set(h.id, { ...h, mirrored: qi === 1 });
    }
  }
  return [...hits.values()].sort((a, b) => a.distance - b.distance).slice(0, options.k);
}

function matrixFor(collection: Collection, encoder: Encoder): DescriptorMatrix {
  const m = collection.descriptorMatrix(encoder.spec);
  if (m.dim !== encoder.dim)
    throw new DejaError('ENCODER_MISMATCH', `stored ${encoder.spec} descriptors have dim ${m.dim}, the encoder gives ${encoder.dim}`, {
      file: collection.dir,
      hint: `rebuild with: deja index --rebuild "${encoder.spec}"`,
    });
  return m;
}

async function singleEncoderSearch(
  collection: Collection,
  encoder: Encoder,
  image: Image,
  options: z.output<typeof SearchOptions>,
): Promise<SearchHit[]> {
  const m = matrixFor(collection, encoder);
  const q = await encoder.encode(image);
  const k = Math.min(options.k, m.n);
  const nb =
    options.exact || m.n < EXACT_BELOW
      ? exactKnn(m.data, m.n, m.dim, q, 1, k, encoder.metric)
      : upToDateIndex(collection, m, options.index, encoder.metric).search(q, 1, k);
  return toHits(collection, m, nb.labels, nb.distances, k, encoder.metric === 'l2');
}

function toHits(collection: Collection, m: DescriptorMatrix, labels: Int32Array, distances: Float32Array, k: number, sqrt: boolean): SearchHit[] {
  const out: SearchHit[] = [];
  for (let j = 0; j < k; j++) {
    const row = labels[j];
    if (row < 0) continue;
    const id = m.photoIds[row];
    const d = distances[j];
    out.push({ id, path: collection.photo(id)!.path, distance: sqrt ? Math.sqrt(Math.max(0, d)) : d, mirrored: false });
  }
  return out;
}

/**
 * Weighted sum of per-encoder distances, each divided by its typical value in this collection
 * (the median distance between random pairs, cached in the collection), so no descriptor dominates
 * by scale alone (IM2GPS, Hays & Efros 2008 §3 combine gist, tiny images and colour histograms this way).
 * Exact over the photos that have every descriptor.
 */
async function combinedSearch(collection: Collection, encoders: Encoder[], weights: number[], image: Image, k: number): Promise<SearchHit[]> {
  const matrices = encoders.map((e) => matrixFor(collection, e));
  const common = commonRows(matrices);
  const parts = await Promise.all(
    encoders.map(async (e, i) => {
      const m = matrices[i];
      return {
        data: gatherRows(m, common[i]),
        dim: m.dim,
        query: await e.encode(image),
        weight: weights[i],
        scale: distanceScale(collection, m, e),
        metric: e.metric,
      };
    }),
  );
  const n = common[0].length;
  const nb = combinedKnn(parts, n, Math.min(k, n));
  const first = matrices[0];
  const out: SearchHit[] = [];
  for (let j = 0; j < nb.k; j++) {
    const r = nb.labels[j];
    if (r < 0) continue;
    const id = first.photoIds[common[0][r]];
    out.push({ id, path: collection.photo(id)!.path, distance: nb.distances[j], mirrored: false });
  }
  return out;
}

/** For each matrix, the rows (in the first matrix's photo order) of the photos present in all of them. */
export function commonRows(matrices: DescriptorMatrix[]): Int32Array[] {
  const rowMaps = matrices.map((m) => {
    const map = new Map<number, number>();
    for (let r = 0; r < m.n; r++) map.set(m.photoIds[r], r);
    return map;
  });
  const keep: number[][] = matrices.map(() => []);
  const first = matrices[0];
  for (let r = 0; r < first.n; r++) {
    const id = first.photoIds[r];
    const rows = rowMaps.map((map) => map.get(id));
    if (rows.every((x) => x !== undefined)) rows.forEach((x, i) => keep[i].push(x!));
  }
  return keep.map((k) => Int32Array.from(k));
}

/** The rows of a matrix, in the given order (a view when they are all rows in order). */
export function gatherRows(m: DescriptorMatrix, rows: Int32Array): Float32Array {
  if (rows.length === m.n && rows.every((r, i) => r === i)) return m.data;
  const out = new Float32Array(rows.length * m.dim);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * m.dim, (rows[i] + 1) * m.dim), i * m.dim);
  return out;
}

/**
 * The typical distance of an encoder in this collection, computed once and cached in the store. The
 * sampled pairs are drawn in photo-id order, so the scale depends on the photos and their descriptors,
 * not on the order of the rows (a rebuild reorders them); a rebuilt encoder (new descriptor file) is
 * estimated again.
 */
export function distanceScale(collection: Collection, m: DescriptorMatrix, encoder: Encoder): number {
  const key = `scale:${m.spec}`;
  const source = collection.descriptorSource(m.spec);
  const cached = collection.getMeta(key);
  if (cached) {
    const [rows, value, from] = cached.split(':');
    // Recompute when the collection has grown by half since, or the descriptors were rebuilt.
    if (m.n <= Number(rows) * 1.5 && from === source) return Number(value);
  }
  const byPhoto = Int32Array.from({ length: m.n }, (_, r) => r).sort((a, b) => m.photoIds[a] - m.photoIds[b]);
  const scale = estimateDistanceScale(m.data, m.n, m.dim, encoder.metric, 2000, new Rng(7), byPhoto) || 1;
  collection.setMeta(key, `${m.n}:${scale}:${source}`);
  return scale;
}
