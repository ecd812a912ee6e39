import crypto from 'node:crypto';
import type { Collection } from './collection.ts';

/** The collection's record of a query photo that is itself in the collection. */
export interface SelfInCollection {
  id: number;
  /** Its path in the collection (absolute, or `archive#member`). */
  path: string;
}

/**
 * Finds a query photo in the collection by content (the sha256 of its bytes, as ingest records it), so
 * a copy under another name is found too. Search, classify and locate all report it the same way and
 * leave it out of the neighbours with `excludeSelf`.
 * @param bytes the query file's bytes
 * @returns its record, or null when the collection does not hold these bytes
 * @example selfInCollection(collection, fs.readFileSync('a.jpg')) // { id: 12, path: '/photos/a.jpg' } or null
 */
export function selfInCollection(collection: Collection, bytes: Buffer): SelfInCollection | null {
  const id = collection.photoIdByHash(crypto.createHash('sha256').update(bytes).digest('hex'));
  const photo = id === undefined ? undefined : collection.photo(id);
  return photo ? { id: photo.id, path: photo.path } : null;
}
