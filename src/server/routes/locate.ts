import { LocateOptions, loadGeoReference, locateBytes } from '../../actions/locate.ts';
import type { z } from 'zod';
import type { JobContext } from '../jobs.ts';
import type { Upload } from '../uploads.ts';
import { defineRoute } from '../route.ts';
import { LocateResult } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';

const LocateFields = LocateOptions.omit({ map: true });

export default defineRoute({
  method: 'POST',
  url: '/api/locate',
  summary: 'Where was this photo taken? Scene matching against the geotagged photos, mean-shift estimate, confidence, modes and a map (IM2GPS)',
  tag: 'geolocation',
  fields: LocateFields,
  files: [{ name: 'photo', description: 'the photo to locate', required: true }],
  job: {
    kind: 'locate',
    run: async ({ collection, cached }, { upload, fields }: { upload: Upload; fields: z.output<typeof LocateFields> }, job: JobContext) => {
      job.progress.start(1, 'loading the geotagged photos');
      const ref = await cached(`geo:${fields.encoder}`, () => loadGeoReference(collection, fields.encoder));
      job.progress.tick();
      job.progress.start(1, 'matching scenes');
      const located = await locateBytes(collection, upload.bytes, upload.name, fields, ref);
      job.progress.tick();
      job.progress.start(1, 'drawing the map');
      const map = job.saveFile('map.png', await located.mapPng());
      job.progress.tick();
      job.progress.stop();
      const r = located.report;
      return { ...r, query: upload.name, map, neighbours: r.neighbours.map((n) => ({ ...n, ...photoRef(n) })) };
    },
  },
  response: LocateResult,
  returns: 'the estimate, its modes, the neighbours and a map (as `deja locate --json`)',
  handle: ({ ctx, fields, files }) => ({ upload: files[0], fields: { ...fields, encoder: heldEncoderSpec(ctx.collection, fields.encoder) } }),
});
