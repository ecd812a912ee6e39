import crypto from 'node:crypto';
import type { Collection } from '../../store/collection.ts';

const ID_KEY = 'collectionId';

/**
 * The BullMQ queue of a collection's distributed ingest: `deja-` and the collection's random id (made
 * on first use and kept in its meta table), so two collections on one Redis never share jobs, and a
 * collection moved to another folder keeps its queue.
 * @returns undefined when the collection has no id yet and `create` is false (it never used a queue)
 */
export function collectionQueueName(collection: Collection, create = true): string | undefined {
  let id = collection.getMeta(ID_KEY);
  if (!id && create) {
    id = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
    collection.setMeta(ID_KEY, id);
  }
  return id ? `deja-${id}` : undefined;
}
