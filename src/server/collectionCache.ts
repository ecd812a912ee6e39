import type { Collection } from '../store/collection.ts';

/**
 * Values derived from a whole collection (a geotagged reference set, a labelled set): one promise per
 * key, recomputed when the collection's photo count changes, dropped when the load fails.
 */
export type CollectionCache = <T>(key: string, load: () => Promise<T>) => Promise<T>;

export function collectionCache(collection: Collection): CollectionCache {
  const entries = new Map<string, { count: number; value: Promise<unknown> }>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const count = collection.count();
    const hit = entries.get(key);
    if (hit && hit.count === count) return hit.value as Promise<T>;
    const value = load();
    entries.set(key, { count, value });
    value.catch(() => entries.delete(key));
    return value;
  };
}
