import { decodeImage } from '../../io/decode.ts';
import { ClassifyOptions, checkPhotoSize, classifyImage, labelledSet } from '../../actions/classify.ts';
import { classifyImagesByModel, ModelClassifyOptions } from '../../actions/classifyModel.ts';
import { registeredClassifier } from '../../nn/classifierModel.ts';
import { defineRoute } from '../route.ts';
import { ClassifyAnswer } from '../responses.ts';
import { photoRef } from '../present.ts';
import { heldEncoderSpec } from '../encoderCheck.ts';
import { modelNameField } from '../modelName.ts';

/** The k-NN options, plus the network a client may choose instead: a registered model's name, never a path. */
const ClassifyFields = ClassifyOptions.extend({
  model: modelNameField('Classify with this classification model (GET /api/models lists them) instead of the k-NN vote; the k-NN fields are then unused.').optional(),
  top: ModelClassifyOptions.shape.top,
});

export default defineRoute({
  method: 'POST',
  url: '/api/classify',
  summary: 'Labels a photo by a distance-weighted k-NN vote of the labelled collection photos, with per-label scores; or, with `model`, by a registered classification network',
  tag: 'recognition',
  fields: ClassifyFields,
  files: [{ name: 'photo', description: 'the photo to label', required: true }],
  response: ClassifyAnswer,
  returns: 'the winning label, per-label scores and the voting neighbours; with `model`, the most probable classes and their softmax probabilities',
  handle: async ({ ctx, fields: asked, files }) => {
    const started = performance.now();
    const upload = files[0];
    if (asked.model) {
      const contract = registeredClassifier(asked.model, ctx.settings.manifest);
      const [r] = await ctx.compute.run(async () => {
        const { image } = await decodeImage(upload.bytes, { minSide: contract.input.size, name: upload.name, pixelLimit: ctx.settings.maxPixels });
        return classifyImagesByModel([image], [upload.name], { model: contract.name, top: asked.top }, contract);
      });
      return { ...r, seconds: (performance.now() - started) / 1000 };
    }
    const { model: _model, top: _top, ...knn } = asked;
    const fields = { ...knn, encoder: heldEncoderSpec(ctx.collection, knn.encoder) };
    const r = await ctx.compute.run(async () => {
      const { image } = await decodeImage(upload.bytes, { minSide: 256, name: upload.name, pixelLimit: ctx.settings.maxPixels });
      checkPhotoSize(image, upload.name);
      const set = await ctx.cached(`labelled:${fields.encoder}:${fields.pca ?? ''}`, () => labelledSet(ctx.collection, fields.encoder, { pca: fields.pca }));
      return classifyImage(ctx.collection, image, fields, set);
    });
    return { ...r, neighbours: r.neighbours.map((n) => ({ ...n, ...photoRef(n) })), seconds: (performance.now() - started) / 1000 };
  },
});
