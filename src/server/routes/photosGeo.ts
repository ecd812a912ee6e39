import { defineRoute } from '../route.ts';
import { GeoPhotos } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/photos/geo',
  summary: 'Every geotagged photo of the collection, for a map',
  tag: 'collection',
  response: GeoPhotos,
  returns: 'every geotagged photo: id and coordinates',
  handle: ({ ctx }) => ({
    photos: ctx.collection.photos().flatMap((p) => (p.latitude !== null && p.longitude !== null ? [{ id: p.id, latitude: p.latitude, longitude: p.longitude }] : [])),
  }),
});
