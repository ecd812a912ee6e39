import { rgbToLab } from '../imgproc/color.ts';
import { resize } from '../imgproc/resample.ts';
import { canonicalSpec, type Encoder, type EncoderFactory } from './encoder.ts';
import type { Image } from '../core/image.ts';
import { DejaError } from '../core/errors.ts';

/**
 * Joint CIE L*a*b* colour histogram (Hays & Efros, "IM2GPS", CVPR 2008, §3: "4 bins for L* and
 * 14 bins each for a* and b*"), L1-normalised. Bins are uniform over L* ∈ [0, 100] and a*, b* ∈ [-100, 100]
 * (values outside are clamped to the end bins); each pixel votes into its bin.
 * Computed on a copy shrunk to at most `maxSide` pixels: a histogram needs no more, and it keeps cost flat.
 * Layout: index = (l * binsA + a) * binsB + b.
 */
export function labHistogram(image: Image, binsL = 4, binsA = 14, binsB = 14, maxSide = 128): Float32Array {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const small = scale < 1 ? resize(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))) : image;
  const lab = rgbToLab(small);
  const n = small.width * small.height;
  const hist = new Float32Array(binsL * binsA * binsB);
  const d = lab.data;
  for (let i = 0; i < n; i++) {
    const l = bin(d[i], 0, 100, binsL);
    const a = bin(d[n + i], -100, 100, binsA);
    const b = bin(d[2 * n + i], -100, 100, binsB);
    hist[(l * binsA + a) * binsB + b] += 1;
  }
  for (let i = 0; i < hist.length; i++) hist[i] /= n;
  return hist;
}

function bin(v: number, lo: number, hi: number, bins: number): number {
  const b = Math.floor(((v - lo) / (hi - lo)) * bins);
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

export const labHistFactory: EncoderFactory = {
  name: 'lab-hist',
  description: 'joint L*a*b* colour histogram, 4×14×14 bins as in im2gps, L1-normalised, 784-D',
  options: ['bins'],
  create(options): Encoder {
    const bins = (options.bins ?? '4/14/14').split('/').map(Number);
    if (bins.length !== 3 || bins.some((b) => !Number.isInteger(b) || b < 1 || b > 64))
      throw new DejaError('BAD_ARGUMENT', `Expected bins like 4/14/14 for lab-hist but received ${options.bins}`);
    const [l, a, b] = bins;
    const specOptions: Record<string, string> = options.bins && options.bins !== '4/14/14' ? { bins: bins.join('/') } : {};
    return {
      name: 'lab-hist',
      spec: canonicalSpec('lab-hist', specOptions),
      version: 1,
      dim: l * a * b,
      inputSize: 64,
      metric: 'l2',
      encode: (image) => labHistogram(image, l, a, b),
    };
  },
};
