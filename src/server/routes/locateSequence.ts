import { LocateSequenceOptions, locateSequenceItems } from '../../actions/locate.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { checkEncoderSpec } from '../encoderCheck.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/locate/sequence',
  summary: 'Locates a set of photos jointly: per-photo estimates, then trips by capture time decoded with a travel prior (Kalogerakis et al. 2009)',
  tag: 'geolocation',
  fields: LocateSequenceOptions.omit({ map: true, mapRegion: true }),
  files: [{ name: 'photos', description: 'the photos of the sequence (several files in this field; EXIF capture times order them)', required: true, multiple: true }],
  job: 'locate-sequence',
  returns: 'job; result: LocateSequenceReport (as `deja locate --sequence --json`)',
  handle: async ({ fields, files, ctx }) => {
    await checkEncoderSpec(fields.encoder);
    const items = files.map((f) => ({ path: f.name, read: () => f.bytes }));
    return async (job: JobContext) => locateSequenceItems(ctx.collection, items, `${items.length} uploaded photos`, fields, job.progress);
  },
});
