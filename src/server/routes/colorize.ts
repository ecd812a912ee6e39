import type { z } from 'zod';
import { decodeImage } from '../../io/decode.ts';
import { encodeImage } from '../../io/encode.ts';
import { ColorizeOptions, colorizeImage, colorizeSheet, matchesAverage } from '../../actions/colorize.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { ColorizeResult } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';
import type { Upload } from '../uploads.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/colorize',
  summary: "Colorizes a grayscale photo from its nearest colour photos (Torralba et al. 2008; Welsh et al. 2002 transfer), with the lecture's panels",
  tag: 'colorization',
  fields: ColorizeOptions,
  files: [{ name: 'photo', description: 'the (grayscale) photo; a colour photo keeps only its luminance', required: true }],
  job: {
    kind: 'colorize',
    run: async ({ collection, settings }, { upload, fields }: { upload: Upload; fields: z.output<typeof ColorizeOptions> }, job: JobContext) => {
      job.progress.start(2, 'finding colour matches and transferring colour');
      const { image } = await decodeImage(upload.bytes, { minSide: 1024, name: upload.name, pixelLimit: settings.maxPixels });
      const r = await colorizeImage(collection, image, fields, upload.name);
      job.progress.tick();
      const panels = {
        gray: job.saveFile('gray.png', await encodeImage(r.gray, 'png')),
        average: job.saveFile('average.png', await encodeImage(matchesAverage(r), 'png')),
        result: job.saveFile('result.png', await encodeImage(r.result, 'png')),
        sheet: job.saveFile('sheet.jpg', await colorizeSheet(r, fields.method)),
      };
      job.progress.tick();
      job.progress.stop();
      return {
        method: fields.method,
        encoder: fields.encoder,
        width: r.result.width,
        height: r.result.height,
        note: r.inputHadColour ? 'the input is a colour photo: only its luminance (L*) was used' : null,
        skippedGray: r.skippedGray,
        matches: r.matches.map(({ hit }) => ({ ...photoRef(hit), distance: hit.distance, mirrored: hit.mirrored })),
        panels,
      };
    },
  },
  response: ColorizeResult,
  returns: 'the matches and the panels (job file URLs)',
  handle: ({ ctx, fields, files }) => ({ upload: files[0], fields: { ...fields, encoder: heldEncoderSpec(ctx.collection, fields.encoder) } }),
});
