import { z } from 'zod';
import { defineRoute } from '../route.ts';
import { photoRef } from '../present.ts';

const Page = z.object({
  offset: z.number().int().min(0).default(0).describe('First photo of the page (0-based, in id order).'),
  limit: z.number().int().min(1).max(500).default(48).describe('Photos per page.'),
});

export default defineRoute({
  method: 'GET',
  url: '/api/photos',
  summary: 'A page of the collection: photos in id order with size, label, GPS and capture time',
  tag: 'collection',
  query: Page,
  returns: '{ total, offset, limit, photos: [{ id, name, path, thumbnail, width, height, label, latitude, longitude, takenAt }] }',
  handle: ({ ctx, query }) => ({
    total: ctx.collection.count(),
    offset: query.offset,
    limit: query.limit,
    photos: ctx.collection.photoPage(query.offset, query.limit).map((p) => ({
      ...photoRef(p),
      width: p.width,
      height: p.height,
      label: p.label,
      latitude: p.latitude,
      longitude: p.longitude,
      takenAt: p.takenAt,
    })),
  }),
});
