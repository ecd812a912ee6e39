import { assert } from '../../core/errors.ts';
import { createImage, type Image } from '../../core/image.ts';
import { parseEncoderSpec } from '../../encoders/factory.ts';
import type { LinearModel } from './linearModel.ts';
import { foldStandardization } from './standardization.ts';

/** Where the features of a raw-pixel descriptor sit: a `width × height` thumbnail, channel-major planes. */
export interface PixelLayout {
  width: number;
  height: number;
  channels: number;
}

/**
 * The pixel layout of a descriptor spec whose features are a thumbnail's pixels (`tiny`, `tiny-gray`, with
 * any `size` or `norm`: channel-major, then row, then column, as core/image.ts), or null for any other
 * descriptor (gist, colour histograms, embeddings), whose weights are not pictures.
 * @example pixelLayoutOf('tiny(norm=0)') // { width: 32, height: 32, channels: 3 }
 */
export function pixelLayoutOf(spec: string): PixelLayout | null {
  const { name, options } = parseEncoderSpec(spec);
  if (name !== 'tiny' && name !== 'tiny-gray') return null;
  const size = Number(options.size ?? 32);
  return { width: size, height: size, channels: name === 'tiny' ? 3 : 1 };
}

/**
 * The learned templates of a raw-pixel linear classifier, one image per class (CS231n, "Linear
 * classification", §"Interpreting a linear classifier": each row of W is a template matched against the
 * image by a dot product). The row shown is the one acting on raw pixels, W_c / σ (the standardisation
 * folded in), reshaped to the thumbnail, min–max scaled to [0, 1] on its own (so every template uses the
 * full range; templates are not comparable in scale) and enlarged `scale`× by pixel replication.
 * @param model a model whose `dim` is `width · height · channels` of `layout`
 * @param scale integer enlargement, 1 … 16
 * @returns one image per class, in `model.classes` order
 * @example const [airplane] = linearTemplates(model, pixelLayoutOf(model.provenance.descriptor.spec)!, 3);
 */
export function linearTemplates(model: LinearModel, layout: PixelLayout, scale = 3): Image[] {
  const { width: W, height: H, channels: K } = layout;
  const n = W * H;
  assert(model.dim === n * K, `a ${W}×${H}×${K} layout needs ${n * K} features, the model has ${model.dim}`);
  assert(Number.isInteger(scale) && scale >= 1 && scale <= 16, `template scale ${scale}`);
  const raw = foldStandardization(model.weights, model.bias, model.standardization).weights;
  return model.classes.map((_, c) => {
    const row = raw.subarray(c * model.dim, (c + 1) * model.dim);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of row) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi > lo ? hi - lo : 1;
    const img = createImage(W * scale, H * scale, K);
    const out = img.data;
    const side = W * scale;
    for (let k = 0; k < K; k++)
      for (let y = 0; y < H * scale; y++) {
        const src = k * n + Math.floor(y / scale) * W;
        const dst = k * n * scale * scale + y * side;
        for (let x = 0; x < side; x++) out[dst + x] = (row[src + Math.floor(x / scale)] - lo) / span;
      }
    return img;
  });
}
