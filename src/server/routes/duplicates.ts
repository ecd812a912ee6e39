import { DuplicatesOptions, findDuplicates } from '../../actions/duplicates.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { checkEncoderSpec } from '../encoderCheck.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/duplicates',
  summary: 'Exact and near-duplicate groups of the collection (as `deja duplicates --json`)',
  tag: 'collection',
  fields: DuplicatesOptions,
  files: [],
  job: 'duplicates',
  returns: 'job; result: { groups: [{ kind: "exact"|"near", photos: [{ id, path, distance, thumbnail }] }] }',
  handle: async ({ ctx, fields }) => {
    await checkEncoderSpec(fields.encoder);
    return async (job: JobContext) => {
      job.progress.start(1, 'finding duplicates');
      const groups = await findDuplicates(ctx.collection, fields);
      job.progress.tick();
      job.progress.stop();
      return { groups: groups.map((g) => ({ ...g, photos: g.photos.map((p) => ({ ...p, thumbnail: p.id === null ? null : `/api/photos/${p.id}/thumbnail` })) })) };
    };
  },
});
