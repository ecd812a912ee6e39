import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { createEncoderResolved } from '../encoders/factory.ts';
import { exactKnnParallel } from '../ann/flat.ts';
import type { Collection } from '../store/collection.ts';
import { upToDateIndex } from '../store/vectorIndexCache.ts';

/** Options of `deja duplicates`. */
export const DuplicatesOptions = z.object({
  encoder: z.string().default('tiny').describe('Encoder whose distance decides near-duplicates.'),
  threshold: z.number().positive().default(0.25).describe('Largest L2 distance between two near-duplicates. For `tiny` (per-channel unit norm, 0 … 2√3) the default 0.25 groups re-encodes, resizes and small crops but not burst shots, which differ by more.'),
  k: z.number().int().min(2).max(100).default(8).describe('Neighbours examined per photo.'),
  exact: z.boolean().default(false),
});
export type DuplicatesOptions = z.input<typeof DuplicatesOptions>;

export interface DuplicateGroup {
  kind: 'exact' | 'near';
  photos: { id: number | null; path: string; distance: number }[];
}

/**
 * Exact duplicates (same bytes: the store keeps them as aliases) and near-duplicate groups: photos
 * linked when their descriptor distance is under the threshold, grouped by connected components
 * (union–find), each group listed from its first photo with distances to it.
 */
export async function findDuplicates(collection: Collection, rawOptions: DuplicatesOptions = {}): Promise<DuplicateGroup[]> {
  const options = parseOptions(DuplicatesOptions, rawOptions);
  const groups: DuplicateGroup[] = collection.exactDuplicateGroups().map((g) => ({
    kind: 'exact',
    photos: g.paths.map((p, i) => ({ id: i === 0 ? g.photoId : null, path: p, distance: 0 })),
  }));
  const encoder = await createEncoderResolved(options.encoder);
  const m = collection.descriptorMatrix(encoder.spec);
  if (m.n === 0) throw new DejaError('EMPTY_COLLECTION', 'the collection has no photos', { file: collection.dir });
  const k = Math.min(options.k, m.n);
  const nb =
    options.exact || m.n < 20000
      ? await exactKnnParallel(m.data, m.n, m.dim, m.data, m.n, k, encoder.metric)
      : upToDateIndex(collection, m, 'HNSW32', encoder.metric).search(m.data, m.n, k);
  const parent = Int32Array.from({ length: m.n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const limit = encoder.metric === 'l2' ? options.threshold * options.threshold : options.threshold;
  for (let i = 0; i < m.n; i++)
    for (let j = 0; j < k; j++) {
      const r = nb.labels[i * k + j];
      if (r >= 0 && r !== i && nb.distances[i * k + j] <= limit) parent[find(r)] = find(i);
    }
  const members = new Map<number, number[]>();
  for (let i = 0; i < m.n; i++) {
    const root = find(i);
    if (!members.has(root)) members.set(root, []);
    members.get(root)!.push(i);
  }
  for (const rows of members.values()) {
    if (rows.length < 2) continue;
    const first = rows[0];
    groups.push({
      kind: 'near',
      photos: rows.map((r) => {
        let d = 0;
        for (let t = 0; t < m.dim; t++) {
          const x = m.data[r * m.dim + t] - m.data[first * m.dim + t];
          d += x * x;
        }
        const id = m.photoIds[r];
        return { id, path: collection.photo(id)!.path, distance: Math.sqrt(d) };
      }),
    });
  }
  return groups;
}
