import type { Collection } from '../store/collection.ts';

/**
 * Values derived from a whole collection (a geotagged reference set, a labelled set): one promise per
 * key, recomputed when anything was committed to the collection since (by any process: `deja index`
 * may run while the server is up), dropped when the load fails.
 */
export type CollectionCache = <T>(key: string, load: () => Promise<T>) => Promise<T>;

/** Keys come from request fields (encoder weights, PCA sizes): bound them, or memory grows with every new one. */
const MAX_ENTRIES = 8;

export function collectionCache(collection: Collection, maxEntries = MAX_ENTRIES): CollectionCache {
  const entries = new Map<string, { generation: number; value: Promise<unknown> }>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const generation = collection.generation();
    const hit = entries.get(key);
    if (hit && hit.generation === generation) return hit.value as Promise<T>;
    const value = load();
    entries.delete(key);
    entries.set(key, { generation, value });
    // Map keeps insertion order: the first key is the least recently loaded.
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
