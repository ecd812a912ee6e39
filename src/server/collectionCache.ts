import type { Collection } from '../store/collection.ts';

/**
 * Values derived from a whole collection (a geotagged reference set, a labelled set): one promise per
 * key, recomputed when the collection's photo count changes, dropped when the load fails.
 */
export type CollectionCache = <T>(key: string, load: () => Promise<T>) => Promise<T>;

/** Keys come from request fields (encoder weights, PCA sizes): bound them, or memory grows with every new one. */
const MAX_ENTRIES = 8;

export function collectionCache(collection: Collection, maxEntries = MAX_ENTRIES): CollectionCache {
  const entries = new Map<string, { count: number; value: Promise<unknown> }>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const count = collection.count();
    const hit = entries.get(key);
    if (hit && hit.count === count) return hit.value as Promise<T>;
    const value = load();
    entries.delete(key);
    entries.set(key, { count, value });
    // Map keeps insertion order: the first key is the least recently loaded.
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
