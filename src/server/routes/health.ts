import { defineRoute } from '../route.ts';
import { Health } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/health',
  summary: 'Liveness: the server is up and its collection open',
  tag: 'collection',
  response: Health,
  returns: 'the server is up, and how many photos it serves',
  handle: ({ ctx }) => ({ ok: true, photos: ctx.collection.count() }),
});
