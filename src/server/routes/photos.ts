import { z } from 'zod';
import type { PhotoRecord } from '../../store/collection.ts';
import { defineRoute } from '../route.ts';
import { PhotoPage } from '../responses.ts';
import { photoRef } from '../present.ts';

const Page = z.object({
  offset: z.number().int().min(0).default(0).describe('First photo of the page (0-based, in the chosen order).'),
  limit: z.number().int().min(1).max(500).default(48).describe('Photos per page.'),
  order: z.enum(['name', 'id']).default('name').describe('`name`: natural order of the source paths, as a person sorts them (IMG_2 before IMG_10); `id`: indexing order.'),
});

/** Natural order: digit runs compare as numbers, so `2.jpg` < `10.jpg` < `100.jpg`; ties broken by id. */
const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const byName = (a: PhotoRecord, b: PhotoRecord) => natural.compare(a.path, b.path) || a.id - b.id;

export default defineRoute({
  method: 'GET',
  url: '/api/photos',
  summary: 'A page of the collection: photos in natural name order (or id order) with size, label, GPS and capture time',
  tag: 'collection',
  query: Page,
  response: PhotoPage,
  returns: 'a page of photos, with the total',
  handle: async ({ ctx, query }) => {
    const page =
      query.order === 'id'
        ? ctx.collection.photoPage(query.offset, query.limit)
        : (await ctx.cached('photos-by-name', async () => ctx.collection.photos().sort(byName))).slice(query.offset, query.offset + query.limit);
    return {
      total: ctx.collection.count(),
      offset: query.offset,
      limit: query.limit,
      order: query.order,
      photos: page.map((p) => ({
        ...photoRef(p),
        width: p.width,
        height: p.height,
        label: p.label,
        latitude: p.latitude,
        longitude: p.longitude,
        takenAt: p.takenAt,
      })),
    };
  },
});
