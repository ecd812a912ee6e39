import { LocateSequenceOptions, locateSequenceItems } from '../../actions/locate.ts';
import type { z } from 'zod';
import type { JobContext } from '../jobs.ts';
import type { Upload } from '../uploads.ts';
import { defineRoute } from '../route.ts';
import { checkEncoderSpec } from '../encoderCheck.ts';

const SequenceFields = LocateSequenceOptions.omit({ map: true, mapRegion: true });

export default defineRoute({
  method: 'POST',
  url: '/api/locate/sequence',
  summary: 'Locates a set of photos jointly: per-photo estimates, then trips by capture time decoded with a travel prior (Kalogerakis et al. 2009)',
  tag: 'geolocation',
  fields: SequenceFields,
  files: [{ name: 'photos', description: 'the photos of the sequence (several files in this field; EXIF capture times order them)', required: true, multiple: true }],
  job: {
    kind: 'locate-sequence',
    run: async ({ collection }, { files, fields }: { files: Upload[]; fields: z.output<typeof SequenceFields> }, job: JobContext) =>
      locateSequenceItems(collection, files.map((f) => ({ path: f.name, read: () => f.bytes })), `${files.length} uploaded photos`, fields, job.progress),
  },
  returns: 'job; result: LocateSequenceReport (as `deja locate --sequence --json`)',
  handle: async ({ fields, files }) => {
    await checkEncoderSpec(fields.encoder);
    return { files, fields };
  },
});
