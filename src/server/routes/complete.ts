import type { z } from 'zod';
import { CompleteUploadOptions, completeDecoded, completionGrid, decodePhotoAndMask, showHole, type PhotoAndMask } from '../../actions/complete.ts';
import { encodeImage } from '../../io/encode.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { CompleteResult } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';

/** The upload's fields; when scene matching turns approximate is the operator's choice, not the client's. */
const CompleteFields = CompleteUploadOptions.omit({ approximateAbove: true });

interface CompleteInput {
  decoded: PhotoAndMask;
  photoName: string;
  fields: z.output<typeof CompleteFields>;
}

export default defineRoute({
  method: 'POST',
  url: '/api/complete',
  summary: 'Fills the masked hole of a photo: scene completion from the collection (Hays & Efros 2007) or the diffusion / texture baselines',
  tag: 'completion',
  fields: CompleteFields,
  files: [
    { name: 'photo', description: 'the photo', required: true },
    { name: 'mask', description: 'the hole, white = missing: an image of the same pixel size, or any size with maskFit=stretch', required: true },
  ],
  job: {
    kind: 'complete',
    run: async ({ collection }, { decoded, photoName, fields }: CompleteInput, job: JobContext) => {
      const c = await completeDecoded(collection, decoded, fields, job.progress);
      const original = job.saveFile('photo.png', await encodeImage(c.image, 'png'));
      const query = job.saveFile('query.png', await encodeImage(showHole(c.image, c.mask), 'png'));
      const grid = job.saveFile('grid.jpg', await completionGrid(c.image, c.mask, c.completions, photoName, fields.method));
      const results = [];
      for (let i = 0; i < c.completions.length; i++) {
        const { file: _file, ...r } = c.report.results[i];
        const image = job.saveFile(`completion-${String(i + 1).padStart(2, '0')}.png`, await encodeImage(c.completions[i].image, 'png'));
        results.push({ ...r, source: r.source ? photoRef(r.source) : null, image });
      }
      return { ...c.report, photo: photoName, mask: decoded.maskName, original, query, grid, results };
    },
  },
  response: CompleteResult,
  returns: 'the ranked completions with their sources and costs (images are job file URLs)',
  handle: async ({ ctx, fields, files }): Promise<CompleteInput> => {
    const encoder = fields.method === 'scene' ? heldEncoderSpec(ctx.collection, fields.encoder) : fields.encoder;
    const photo = files.find((f) => f.field === 'photo')!;
    const mask = files.find((f) => f.field === 'mask')!;
    // Decoded and fitted now, so a refused mask is a 400 rather than a failed job.
    return { decoded: await decodePhotoAndMask(photo, mask, ctx.settings.maxPixels, fields.maskFit), photoName: photo.name, fields: { ...fields, encoder } };
  },
});
