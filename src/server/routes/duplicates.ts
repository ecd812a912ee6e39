import type { z } from 'zod';
import { DuplicatesOptions, findDuplicates } from '../../actions/duplicates.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { DuplicatesResult } from '../responses.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/duplicates',
  summary: 'Exact and near-duplicate groups of the collection (as `deja duplicates --json`)',
  tag: 'collection',
  fields: DuplicatesOptions,
  files: [],
  job: {
    kind: 'duplicates',
    run: async ({ collection }, fields: z.output<typeof DuplicatesOptions>, job: JobContext) => {
      job.progress.start(1, 'finding duplicates');
      const groups = await findDuplicates(collection, fields);
      job.progress.tick();
      job.progress.stop();
      return { groups: groups.map((g) => ({ ...g, photos: g.photos.map((p) => ({ ...p, thumbnail: p.id === null ? null : `/api/photos/${p.id}/thumbnail` })) })) };
    },
  },
  response: DuplicatesResult,
  returns: 'exact and near-duplicate groups',
  handle: ({ ctx, fields }) => ({ ...fields, encoder: heldEncoderSpec(ctx.collection, fields.encoder) }),
});
