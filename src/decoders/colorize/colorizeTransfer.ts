import type { Image } from '../../core/image.ts';
import { resize } from '../../imgproc/resample.ts';
import { guidedUpsample } from './guidedFilter.ts';
import { lightness, recombineLab, type Chroma } from './meanChroma.ts';
import type { ColorizeTuning, Colorized } from './methods.ts';
import { welshTransfer } from './welshTransfer.ts';

/**
 * Transfer colorization: per pixel, colour from the best `transferSources` matches by
 * luminance-and-texture matching with a position term (Welsh, Ashikhmin & Mueller, SIGGRAPH 2002, §3)
 * on a working grid, then enlarged with the fast guided filter (He & Sun 2015) so colour follows the
 * input's own edges.
 * @param input the photo to colorize (gray or colour; only its L* is used)
 * @param matches colour photos, best match first (at least one)
 * @example const { image } = colorizeTransfer(gray, matches, { spatialWeight: 0.2 })
 */
export function colorizeTransfer(input: Image, matches: readonly Image[], params: ColorizeTuning): Colorized {
  const { width, height } = input;
  const L = lightness(input);
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
