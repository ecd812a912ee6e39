import { z } from 'zod';
import { DejaError } from '../../core/errors.ts';
import { thumbnailJpeg } from '../../io/thumbnail.ts';
import { defineRoute } from '../route.ts';
import { photoIdParam } from '../present.ts';

const Size = z.object({
  size: z.number().int().min(16).max(1024).default(256).describe('Shorter side of the thumbnail, pixels (never enlarged).'),
});

export default defineRoute({
  method: 'GET',
  url: '/api/photos/:id/thumbnail',
  summary: 'A collection photo as a JPEG thumbnail (photos are addressed by id only: no paths)',
  tag: 'collection',
  params: photoIdParam,
  query: Size,
  produces: 'image/jpeg',
  returns: 'image/jpeg',
  handle: async ({ ctx, params, query, reply }) => {
    const photo = ctx.collection.photo(Number(params.id));
    if (!photo) throw new DejaError('NOT_FOUND', `no photo ${params.id} in the collection`, { hint: 'list photos with GET /api/photos' });
    const jpeg = await thumbnailJpeg(ctx.collection.readPhotoBytes(photo.id), query.size, `photo ${photo.id}`);
    // Photos never change under an id (content-addressed store): cache freely, validate by hash.
    reply.header('cache-control', 'public, max-age=86400').header('etag', `"${photo.hash.slice(0, 16)}-${query.size}"`);
    return reply.type('image/jpeg').send(jpeg);
  },
});
