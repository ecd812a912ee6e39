import { LocateOptions, loadGeoReference, locateBytes } from '../../actions/locate.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { photoRef } from '../present.ts';
import { checkEncoderSpec } from '../encoderCheck.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/locate',
  summary: 'Where was this photo taken? Scene matching against the geotagged photos, mean-shift estimate, confidence, modes and a map (IM2GPS)',
  tag: 'geolocation',
  fields: LocateOptions.omit({ map: true }),
  files: [{ name: 'photo', description: 'the photo to locate', required: true }],
  job: 'locate',
  returns: 'job; result: LocateReport (as `deja locate --json`) with neighbours[].thumbnail and map: URL of the map PNG',
  handle: async ({ ctx, fields, files }) => {
    await checkEncoderSpec(fields.encoder);
    const upload = files[0];
    return async (job: JobContext) => {
      job.progress.start(3, 'loading the geotagged photos');
      const ref = await ctx.cached(`geo:${fields.encoder}`, () => loadGeoReference(ctx.collection, fields.encoder));
      job.progress.tick();
      job.progress.start(3, 'matching scenes');
      const located = await locateBytes(ctx.collection, upload.bytes, upload.name, fields, ref);
      job.progress.start(3, 'drawing the map');
      const map = job.saveFile('map.png', await located.mapPng());
      job.progress.tick();
      job.progress.stop();
      const r = located.report;
      return { ...r, query: upload.name, map, neighbours: r.neighbours.map((n) => ({ ...n, ...photoRef(n) })) };
    };
  },
});
