import type { Collection } from '../store/collection.ts';

/**
 * Values derived from a whole collection (a geotagged reference set, a labelled set): one promise per
 * key, recomputed when anything was committed to the collection since (by any process: `deja index`
 * may run while the server is up), dropped when the load fails.
 */
export type CollectionCache = <T>(key: string, load: () => Promise<T>) => Promise<T>;

export function collectionCache(collection: Collection): CollectionCache {
  const entries = new Map<string, { generation: number; value: Promise<unknown> }>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const generation = collection.generation();
    const hit = entries.get(key);
    if (hit && hit.generation === generation) return hit.value as Promise<T>;
    const value = load();
    entries.set(key, { generation, value });
    value.catch(() => entries.delete(key));
    return value;
  };
}
