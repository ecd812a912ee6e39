import { DejaError } from '../core/errors.ts';
import type { Image } from '../core/image.ts';
import { displayName } from '../core/displayName.ts';
import { decodeImage } from '../io/decode.ts';
import { collectionImage } from '../actions/shared/photoImage.ts';
import type { ServerContext } from './route.ts';
import type { Upload } from './uploads.ts';

/**
 * The photo a request is about: its upload, or else the collection photo `photoId`, decoded with the
 * shorter side about `minSide`, and the name to report it by (the upload's file name, the photo's
 * display name).
 * @throws DejaError BAD_ARGUMENT when there is neither, NOT_FOUND for an id the collection lacks, and the decode errors
 */
export async function requestPhoto(ctx: ServerContext, upload: Upload | undefined, photoId: number | undefined, minSide: number): Promise<{ image: Image; name: string }> {
  if (upload) return { image: (await decodeImage(upload.bytes, { minSide, name: upload.name, pixelLimit: ctx.settings.maxPixels })).image, name: upload.name };
  if (photoId === undefined) throw new DejaError('BAD_ARGUMENT', 'send a photo file or a photoId', { hint: 'multipart field "photo", or JSON {"photoId": 17}' });
  const photo = ctx.collection.photo(photoId);
  if (!photo) throw new DejaError('NOT_FOUND', `no photo ${photoId} in the collection`);
  return { image: await collectionImage(ctx.collection, photoId, minSide), name: displayName(photo.path) };
}
