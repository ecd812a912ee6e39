import { SearchOptions, searchPhotos } from '../../actions/shared/searchPhotos.ts';
import { z } from 'zod';
import { defineRoute } from '../route.ts';
import { SearchResult } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';
import { chooseSearchIndex } from '../indexChoice.ts';
import { requestPhoto } from '../requestPhoto.ts';

const SearchFields = SearchOptions.extend({
  photoId: z.number().int().min(1).optional().describe('Search with this collection photo instead of an upload.'),
  index: z.string().optional().describe('`Flat` (exact), or an approximate index the server offers (deja serve --index, default HNSW32; or one built in the collection). Default: the first of deja serve --index.'),
});

export default defineRoute({
  method: 'POST',
  url: '/api/search',
  summary: 'The k most similar photos of the collection to an uploaded photo (or to a collection photo by id)',
  tag: 'search',
  fields: SearchFields,
  files: [{ name: 'photo', description: 'the query photo (omit when sending photoId)', required: false }],
  response: SearchResult,
  returns: 'the nearest photos, nearest first, with the index searched and a note when an asked-for index was not used',
  handle: async ({ ctx, fields, files }) => {
    const started = performance.now();
    const { photoId, index: requested, ...options } = fields;
    const encoder = heldEncoderSpec(ctx.collection, options.encoder);
    const choice = chooseSearchIndex(ctx.collection, encoder, requested ?? ctx.settings.indexes[0], options.exact, ctx.settings.indexes);
    const hits = await ctx.compute.run(async () => {
      const { image } = await requestPhoto(ctx, files[0], photoId, 256);
      return searchPhotos(ctx.collection, image, { ...options, encoder, exact: choice.exact, index: choice.index });
    });
    return {
      encoder,
      k: options.k,
      index: choice.index,
      note: choice.note,
      seconds: (performance.now() - started) / 1000,
      results: hits.map((h) => ({ ...photoRef(h), distance: h.distance, mirrored: h.mirrored })),
    };
  },
});
