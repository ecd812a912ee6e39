import { LocateSequenceOptions, locateSequenceItems } from '../../actions/locate.ts';
import type { z } from 'zod';
import type { JobContext } from '../jobs.ts';
import { probeUploads, type Upload } from '../uploads.ts';
import { defineRoute } from '../route.ts';
import { LocateSequenceResult } from '../responses.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';

const SequenceFields = LocateSequenceOptions.omit({ map: true, mapRegion: true });

interface SequenceInput {
  files: Upload[];
  unreadable: { path: string; reason: string }[];
  fields: z.output<typeof SequenceFields>;
}

export default defineRoute({
  method: 'POST',
  url: '/api/locate/sequence',
  summary: 'Locates a set of photos jointly: per-photo estimates, then trips by capture time decoded with a travel prior (Kalogerakis et al. 2009)',
  tag: 'geolocation',
  fields: SequenceFields,
  files: [{ name: 'photos', description: 'the photos of the sequence (several files in this field; EXIF capture times order them)', required: true, multiple: true }],
  job: {
    kind: 'locate-sequence',
    run: async ({ collection }, { files, unreadable, fields }: SequenceInput, job: JobContext) => {
      const items = files.map((f) => ({ path: f.name, read: () => f.bytes }));
      const report = await locateSequenceItems(collection, items, `${files.length + unreadable.length} uploaded photos`, fields, job.progress);
      return { ...report, skipped: [...unreadable, ...report.skipped] };
    },
  },
  response: LocateSequenceResult,
  returns: 'per-photo and along-the-trip estimates (as `deja locate --sequence --json`)',
  handle: async ({ ctx, fields, files }): Promise<SequenceInput> => {
    const encoder = heldEncoderSpec(ctx.collection, fields.encoder);
    // A batch: an unreadable photo is skipped and reported with the results, the others are located.
    const { ok, skipped } = await probeUploads(files, ctx.settings);
    return { files: ok, unreadable: skipped, fields: { ...fields, encoder } };
  },
});
