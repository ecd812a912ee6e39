import { DejaError } from '../../core/errors.ts';
import { IMAGE_MEDIA_TYPES, imageMediaType } from '../../io/imageMediaType.ts';
import { defineRoute } from '../route.ts';
import { photoIdParam } from '../present.ts';
import { PhotoFile } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/photos/:id/original',
  summary: "A collection photo's own file, full size and in its own format, checked against the content hash it was indexed with (photos are addressed by id only: no paths)",
  tag: 'collection',
  params: photoIdParam,
  produces: Object.values(IMAGE_MEDIA_TYPES),
  producesSchema: PhotoFile,
  returns: 'the photo file (image/jpeg, image/png, …); 404 when its file is gone, 409 when its bytes changed since it was indexed',
  handle: async ({ ctx, params, reply }) => {
    const photo = ctx.collection.photo(Number(params.id));
    if (!photo) throw new DejaError('NOT_FOUND', `no photo ${params.id} in the collection`, { hint: 'list photos with GET /api/photos' });
    const bytes = ctx.collection.readPhotoBytes(photo.id); // NOT_FOUND (moved) or CHANGED (other bytes): never other bytes than the indexed ones
    const type = imageMediaType(photo.format, bytes);
    // The bytes are the user's file: never let a browser run it as a page (sniffed HTML, SVG script).
    reply.header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'; sandbox");
    if (!type) reply.header('content-disposition', 'attachment');
    // Photos never change under an id (content-addressed store): cache freely, validate by hash.
    reply.header('cache-control', 'public, max-age=86400').header('etag', `"${photo.hash.slice(0, 16)}"`);
    return reply.type(type ?? 'application/octet-stream').send(bytes);
  },
});
