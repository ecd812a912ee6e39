import { defineRoute } from '../route.ts';
import { IngestProgress } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/ingest',
  summary: "Progress of the collection's distributed ingest (`deja index --queue`) on the Redis that `deja serve --queue` names: jobs waiting, running, not yet committed, failed; workers; photos now",
  tag: 'collection',
  response: IngestProgress,
  returns: 'the ingest progress (state off when the server was started without --queue); read from Redis at most every 2 s',
  handle: ({ ctx }) => ctx.ingest.get(),
});
