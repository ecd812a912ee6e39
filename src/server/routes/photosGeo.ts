import { defineRoute } from '../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/photos/geo',
  summary: 'Every geotagged photo of the collection, for a map',
  tag: 'collection',
  returns: '{ photos: [{ id, latitude, longitude }] }',
  handle: ({ ctx }) => ({
    photos: ctx.collection
      .photos()
      .filter((p) => p.latitude !== null && p.longitude !== null)
      .map((p) => ({ id: p.id, latitude: p.latitude, longitude: p.longitude })),
  }),
});
