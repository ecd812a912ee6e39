import { toGray, toRgb, type Image } from '../core/image.ts';
import { resizeCropSquare } from '../imgproc/resample.ts';
import type { FloatTensor } from './onnxSession.ts';

/** How a model wants its photos: the input half of a model card. */
export interface ImageTensorSpec {
  /** Side of the square, in pixels: the shorter side is resized to it and the centre cropped. */
  size: number;
  /** 3 for RGB, 1 for gray. */
  channels: 1 | 3;
  layout: 'NCHW' | 'NHWC';
  /** Per-channel normalisation of values in [0, 1]: `(x - mean) / std`, `channels` values each. */
  mean: readonly number[];
  std: readonly number[];
}

/**
 * A batch of photos as a model's float32 input, the way torchvision's `Resize(S)`, `CenterCrop(S)`,
 * `ToTensor()`, `Normalize(mean, std)` prepare it: each photo converted to the spec's channels,
 * resized (shorter side) and centre-cropped to `size`×`size`, and normalised per channel.
 * @param images decoded photos, values in [0, 1]
 * @returns `images.length * channels * size * size` values, dims `[N, C, S, S]` (NCHW) or `[N, S, S, C]` (NHWC)
 * @example imageBatchTensor([photo], { size: 32, channels: 3, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }).dims // [1, 3, 32, 32]
 */
export function imageBatchTensor(images: readonly Image[], spec: ImageTensorSpec): FloatTensor {
  const { size, channels, layout } = spec;
  const per = channels * size * size;
  const data = new Float32Array(images.length * per);
  images.forEach((image, i) => data.set(imageTensor(image, spec), i * per));
  return { data, dims: layout === 'NCHW' ? [images.length, channels, size, size] : [images.length, size, size, channels] };
}

/** One photo's resized, centre-cropped, normalised values in the spec's layout (`channels * size * size`). */
export function imageTensor(photo: Image, spec: ImageTensorSpec): Float32Array {
  const image = resizeCropSquare(spec.channels === 3 ? toRgb(photo) : toGray(photo), spec.size);
  const n = image.width * image.height;
  const out = new Float32Array(spec.channels * n);
  for (let ch = 0; ch < spec.channels; ch++) {
    const m = spec.mean[ch];
    const s = 1 / spec.std[ch];
    for (let i = 0; i < n; i++) {
      const v = (image.data[ch * n + i] - m) * s;
      if (spec.layout === 'NCHW') out[ch * n + i] = v;
      else out[i * spec.channels + ch] = v;
    }
  }
  return out;
}
