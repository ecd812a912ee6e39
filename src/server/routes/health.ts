import { defineRoute } from '../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/health',
  summary: 'Liveness: the server is up and its collection open',
  tag: 'collection',
  returns: '{ ok: true, photos }',
  handle: ({ ctx }) => ({ ok: true, photos: ctx.collection.count() }),
});
