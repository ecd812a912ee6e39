import { decodeImage } from '../../io/decode.ts';
import { ClassifyOptions, checkPhotoSize, classifyImage, labelledSet } from '../../actions/classify.ts';
import { defineRoute } from '../route.ts';
import { ClassifyResult } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/classify',
  summary: 'Labels a photo by a distance-weighted k-NN vote of the labelled collection photos, with per-label scores',
  tag: 'recognition',
  fields: ClassifyOptions,
  files: [{ name: 'photo', description: 'the photo to label', required: true }],
  response: ClassifyResult,
  returns: 'the winning label, per-label scores and the voting neighbours',
  handle: async ({ ctx, fields: asked, files }) => {
    const started = performance.now();
    const fields = { ...asked, encoder: heldEncoderSpec(ctx.collection, asked.encoder) };
    const upload = files[0];
    const r = await ctx.compute.run(async () => {
      const { image } = await decodeImage(upload.bytes, { minSide: 256, name: upload.name, pixelLimit: ctx.settings.maxPixels });
      checkPhotoSize(image, upload.name);
      const set = await ctx.cached(`labelled:${fields.encoder}:${fields.pca ?? ''}`, () => labelledSet(ctx.collection, fields.encoder, { pca: fields.pca }));
      return classifyImage(ctx.collection, image, fields, set);
    });
    return { ...r, neighbours: r.neighbours.map((n) => ({ ...n, ...photoRef(n) })), seconds: (performance.now() - started) / 1000 };
  },
});
