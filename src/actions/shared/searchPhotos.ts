/**
 * Shared helper of the actions (not an action: `actions/shared/` holds the orchestration several
 * actions use, and never imports an action): the k nearest photos of the collection to an image, the
 * encoder → index step every capability starts with (search, colorize, quickstart, the HTTP search).
 * `deja search` itself is `actions/searchFile.ts`.
 */
import { z } from 'zod';
import { DejaError } from '../../core/errors.ts';
import { parseOptions } from '../../core/parseOptions.ts';
import { flipHorizontal, type Image } from '../../core/image.ts';
import { createCombinedEncoder } from '../../encoders/combined.ts';
import type { Encoder } from '../../encoders/encoder.ts';
import { exactKnn } from '../../ann/flat.ts';
import { combinedKnn } from '../../ann/combined.ts';
import type { Collection, DescriptorMatrix } from '../../store/collection.ts';
import { combinedDescriptors, type CombinedDescriptors } from './combinedDescriptors.ts';
import { upToDateIndex } from '../../store/vectorIndexCache.ts';

/** Options of `deja search`. */
export const SearchOptions = z.object({
  encoder: z.string().default('gist').describe('Encoder spec, or a weighted combination such as `gist+tiny+lab-hist:w=2,1,1`.'),
  k: z.number().int().min(1).max(10000).default(10).describe('Number of neighbours.'),
  exact: z.boolean().default(false).describe('Brute-force exact search instead of the approximate index.'),
  mirror: z.boolean().default(true).describe('Also match the mirrored query and keep the better distance (Hays & Efros 2007 §3 search mirrored scenes too).'),
  index: z.string().default('HNSW32').describe('Approximate index spec (see ann/factory.ts).'),
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
  const encoder = await createCombinedEncoder(options.encoder);
  const queries = options.mirror ? [image, flipHorizontal(image)] : [image];
  const set = encoder.parts.length > 1 ? await combinedDescriptors(collection, encoder) : undefined;
  const hits = new Map<number, SearchHit>();
  for (let qi = 0; qi < queries.length; qi++) {
    const found =
      set === undefined
        ? await singleEncoderSearch(collection, encoder.parts[0].encoder, queries[qi], options)
        : await combinedSearch(collection, set, queries[qi], options.k);
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
 * The combined distance (encoders/combined.ts): the weighted sum of per-encoder distances, each divided
 * by its median pair distance in this collection (cached in the collection), so no descriptor dominates
 * by scale alone (IM2GPS, Hays & Efros 2008 §3 combine gist, tiny images and colour histograms this way).
 * Exact over the photos that have every descriptor.
 */
async function combinedSearch(collection: Collection, set: CombinedDescriptors, image: Image, k: number): Promise<SearchHit[]> {
  if (set.n === 0) return [];
  const queries = await set.encoder.encode(image);
  const nb = combinedKnn(set.parts.map((p, i) => ({ ...p, query: queries[i] })), set.n, Math.min(k, set.n));
  const out: SearchHit[] = [];
  for (let j = 0; j < nb.k; j++) {
    const r = nb.labels[j];
    if (r < 0) continue;
    const id = set.photoIds[r];
    out.push({ id, path: collection.photo(id)!.path, distance: nb.distances[j], mirrored: false });
  }
  return out;
}
