import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { resize } from '../../imgproc/resample.ts';
import { guidedUpsample } from './guidedFilter.ts';
import { lightness, meanChroma, recombineLab, type Chroma } from './meanChroma.ts';
import { welshTransfer } from './welshTransfer.ts';

/** `mean`: averaged a*, b* of the matches; `transfer`: luminance-and-texture matched transfer, edge-aware upsampling. */
export type ColorizeMethod = 'mean' | 'transfer';
export const COLORIZE_METHODS: readonly ColorizeMethod[] = ['mean', 'transfer'];

export interface ColorizeParams {
  method: ColorizeMethod;
  /** `mean`: side of the square thumbnail grid the matches' chroma is averaged on (the tiny-image size, 32). */
  thumbnail?: number;
  /** `transfer`: longer side of the working grid where colour is transferred, in pixels. */
  workingSide?: number;
  /** `transfer`: how many of the best matches give samples. */
  transferSources?: number;
  /** `transfer`: samples per source photo (Welsh et al. 2002, §3: about 200). */
  samplesPerSource?: number;
  /** `transfer`: weight of position in the frame against luminance statistics (0 = global matching). */
  spatialWeight?: number;
  /** `transfer`: each pixel averages the chroma of this many best-matching samples. */
  samplesPerPixel?: number;
  /** `transfer`: guided-filter radius on the working grid, in pixels (He et al. 2013). */
  guidedRadius?: number;
  /** `transfer`: guided-filter ε for a guide of L* ÷ 100 (larger = smoother colour). */
  guidedEps?: number;
  /** Seed of the transfer's sample jitter. */
  seed?: number;
}

export interface Colorized {
  /** The result: the input's own L* with the decoded a*, b* (sRGB, input size). */
  image: Image;
  /** The decoded chroma before recombination (working grid for `transfer`, thumbnail grid for `mean`). */
  chroma: Chroma;
}

/**
 * Decodes colour for a grayscale photo from its nearest colour photos (the lecture's encoder–decoder
 * example; Torralba, Fergus & Freeman, PAMI 2008, on what 32×32 thumbnails share with their neighbours):
 *
 * - `mean`: the matches' a*, b* averaged on a `thumbnail`² grid, enlarged bilinearly, recombined with
 *   the input's L*;
 * - `transfer`: per pixel, colour from the best `transferSources` matches by luminance-and-texture
 *   matching with a position term (Welsh, Ashikhmin & Mueller, SIGGRAPH 2002, §3) on a working grid,
 *   then enlarged with the fast guided filter (He & Sun 2015) so colour follows the input's own edges.
 *
 * @param input the photo to colorize (gray or colour; only its L* is used)
 * @param matches colour photos, best match first (at least one)
 * @example const { image } = colorizeFromMatches(gray, matches, { method: 'transfer' })
 */
export function colorizeFromMatches(input: Image, matches: readonly Image[], params: ColorizeParams): Colorized {
  assert(matches.length > 0, 'colorizeFromMatches needs at least one match');
  const { width, height } = input;
  const L = lightness(input);
  if (params.method === 'mean') {
    const t = params.thumbnail ?? 32;
    const chroma = meanChroma(matches, t, t);
    return { image: recombineLab(L, width, height, chroma), chroma };
  }
  const side = params.workingSide ?? 64;
  const scale = Math.min(1, side / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const smallL = w === width && h === height ? L : resize({ width, height, channels: 1, data: L }, w, h).data;
  const sources = matches.slice(0, Math.max(1, params.transferSources ?? 12));
  const chroma = welshTransfer(smallL, w, h, sources, {
    samplesPerSource: params.samplesPerSource,
    spatialWeight: params.spatialWeight ?? 0.2,
    best: params.samplesPerPixel ?? 8,
    seed: params.seed,
  });
  const guide = new Float32Array(L.length);
  for (let i = 0; i < L.length; i++) guide[i] = L[i] / 100;
  const r = params.guidedRadius ?? 2;
  const eps = params.guidedEps ?? 1e-3;
  const full: Chroma = {
    width,
    height,
    a: guidedUpsample(guide, width, height, chroma.a, w, h, r, eps),
    b: guidedUpsample(guide, width, height, chroma.b, w, h, r, eps),
  };
  return { image: recombineLab(L, width, height, full), chroma };
}
