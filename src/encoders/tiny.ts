import { toGray, type Image } from '../core/image.ts';
import { resize } from '../imgproc/resample.ts';
import { canonicalSpec, type Encoder, type EncoderFactory } from './encoder.ts';
import { DejaError } from '../core/errors.ts';

/**
 * Tiny image (Torralba, Fergus & Freeman, "80 million tiny images", PAMI 2008, §3): the photo shrunk to
 * 32×32 (aspect ratio ignored, as in the paper), each colour channel shifted to zero mean and scaled to
 * unit L2 norm, which makes the SSD between two tiny images insensitive to brightness and contrast
 * (§4, "normalised correlation"). Layout: channel-major, then row, then column.
 * Option `norm=0` keeps raw pixel values in [0, 1] (the plain raw-pixel baseline).
 */
export function tinyDescriptor(image: Image, size = 32, gray = false, normalise = true): Float32Array {
  const source = gray ? toGray(image) : image.channels === 1 ? expandGray(image) : image;
  const small = resize(source, size, size);
  const out = Float32Array.from(small.data);
  if (!normalise) return out;
  const n = size * size;
  for (let c = 0; c < small.channels; c++) {
    const p = out.subarray(c * n, (c + 1) * n);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += p[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      p[i] -= mean;
      ss += p[i] * p[i];
    }
    // A flat channel has no contrast to normalise: leave it all zeros rather than dividing by ~0.
    const inv = ss > 1e-12 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < n; i++) p[i] *= inv;
  }
  return out;
}

function expandGray(image: Image): Image {
  const n = image.width * image.height;
  const data = new Float32Array(3 * n);
  data.set(image.data, 0);
  data.set(image.data, n);
  data.set(image.data, 2 * n);
  return { width: image.width, height: image.height, channels: 3, data };
}

function tinyFactory(name: string, gray: boolean, description: string): EncoderFactory {
  return {
    name,
    description,
    options: ['size', 'norm'],
    create(options): Encoder {
      const size = Number(options.size ?? 32);
      if (!Number.isInteger(size) || size < 4 || size > 128)
        throw new DejaError('BAD_ARGUMENT', `Expected integer between 4 and 128 for ${name} size but received ${options.size}`);
      const normalise = (options.norm ?? '1') !== '0';
      const specOptions: Record<string, string> = {};
      if (size !== 32) specOptions.size = String(size);
      if (!normalise) specOptions.norm = '0';
      return {
        name,
        spec: canonicalSpec(name, specOptions),
        version: 1,
        dim: size * size * (gray ? 1 : 3),
        inputSize: size,
        metric: 'l2',
        encode: (image) => tinyDescriptor(image, size, gray, normalise),
      };
    },
  };
}

export const tinyColorFactory = tinyFactory(
  'tiny',
  false,
  '32×32 colour thumbnail, per-channel zero mean and unit norm (Torralba et al. 2008), 3072-D',
);
export const tinyGrayFactory = tinyFactory('tiny-gray', true, '32×32 intensity thumbnail, zero mean and unit norm, 1024-D');
