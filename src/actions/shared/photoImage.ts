/**
 * Shared helper of the actions (not an action: `actions/shared/` holds the orchestration several
 * actions use, and never imports an action): a collection photo's or a query file's pixels, decoded
 * at the size the caller works at.
 */
import { decodeFile, decodeImage, readFileOrThrow } from '../../io/decode.ts';
import type { Image } from '../../core/image.ts';
import type { Collection } from '../../store/collection.ts';

/** A collection photo's pixels, shrunk so the shorter side is about `minSide` (full size when omitted). */
export async function collectionImage(collection: Collection, id: number, minSide?: number): Promise<Image> {
  const photo = collection.photo(id);
  return (await decodeImage(collection.readPhotoBytes(id), { minSide, name: photo?.path })).image;
}

/** A query photo from a file, shrunk for encoding, with the file's bytes (to find it in the collection by content). */
export async function queryPhoto(file: string, minSide = 256): Promise<{ image: Image; bytes: Buffer }> {
  const bytes = readFileOrThrow(file);
  return { image: (await decodeImage(bytes, { minSide, name: file })).image, bytes };
}

/** A query photo from a file, shrunk for encoding. */
export async function queryImage(file: string, minSide = 256): Promise<Image> {
  return (await decodeFile(file, { minSide })).image;
}
