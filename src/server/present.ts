import type { PhotoRecord } from '../store/collection.ts';
import { displayName } from '../core/displayName.ts';

/** How the API refers to a collection photo: id, a short name, its source path and its thumbnail URL. */
export function photoRef(photo: Pick<PhotoRecord, 'id' | 'path'>): { id: number; name: string; path: string; thumbnail: string } {
  return { id: photo.id, name: displayName(photo.path), path: photo.path, thumbnail: `/api/photos/${photo.id}/thumbnail` };
}

/** The `:id` of the photo routes: a collection photo id, never a path. */
export const photoIdParam = { id: { pattern: /^[1-9][0-9]{0,9}$/, description: 'photo id' } };
