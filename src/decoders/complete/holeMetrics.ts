import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { distanceToHole } from './contextBand.ts';

/** Quality of a hole fill against the original photo (the completion benchmark's measures). */
export interface HoleQuality {
  /** PSNR (dB) over hole pixels, all channels, peak 1. */
  psnr: number;
  /** SSIM map (Wang et al. 2004: 11×11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03) averaged over hole pixels and channels. */
  ssim: number;
  /** Seam visibility, see `seamVisibility`. */
  seam: number;
}

/**
 * PSNR and SSIM inside the hole, and seam visibility on its boundary.
 * @param original RGB in [0, 1], `w × h`
 * @param result the filled photo, same shape
 * @param mask `w*h`, 1 = hole
 * @example holeQuality(photo, diffusionFill(photo, mask).image, mask).psnr
 */
export function holeQuality(original: Image, result: Image, mask: Uint8Array): HoleQuality {
  const { width: w, height: h, channels } = original;
  assert(result.width === w && result.height === h && result.channels === channels && mask.length === w * h, 'hole quality shapes');
  const n = w * h;
  let se = 0;
  let count = 0;
  let ssim = 0;
  for (let c = 0; c < channels; c++) {
    const a = original.data.subarray(c * n, (c + 1) * n);
    const b = result.data.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      se += (a[i] - b[i]) ** 2;
      count++;
    }
    ssim += maskedSsim(a, b, w, h, mask);
  }
  assert(count > 0, 'the hole is not empty');
  return { psnr: se === 0 ? Infinity : 10 * Math.log10(count / se), ssim: ssim / channels, seam: seamVisibility(result, mask) };
}

const RADIUS = 5;
const KERNEL = (() => {
  const k = new Float64Array(2 * RADIUS + 1);
  let s = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) s += k[i + RADIUS] = Math.exp(-(i * i) / (2 * 1.5 * 1.5));
  return k.map((v) => v / s);
})();

function blur(src: Float64Array, w: number, h: number): Float64Array {
  const tmp = new Float64Array(w * h);
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += KERNEL[k + RADIUS] * src[y * w + Math.min(w - 1, Math.max(0, x + k))];
      tmp[y * w + x] = s;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += KERNEL[k + RADIUS] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      out[y * w + x] = s;
    }
  return out;
}

/** Mean of the SSIM map over hole pixels (range 1). */
function maskedSsim(a: Float32Array, b: Float32Array, w: number, h: number, mask: Uint8Array): number {
  const n = w * h;
  const fa = Float64Array.from(a);
  const fb = Float64Array.from(b);
  const ma = blur(fa, w, h);
  const mb = blur(fb, w, h);
  const saa = blur(fa.map((v) => v * v), w, h);
  const sbb = blur(fb.map((v) => v * v), w, h);
  const sab = blur(fa.map((v, i) => v * fb[i]), w, h);
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const va = saa[i] - ma[i] * ma[i];
    const vb = sbb[i] - mb[i] * mb[i];
    const cab = sab[i] - ma[i] * mb[i];
    sum += ((2 * ma[i] * mb[i] + c1) * (2 * cab + c2)) / ((ma[i] ** 2 + mb[i] ** 2 + c1) * (va + vb + c2));
    count++;
  }
  return sum / count;
}

/**
 * Seam visibility: the mean colour-gradient magnitude across the hole boundary (edges joining a hole
 * pixel to a known one) divided by the mean over edges lying within 3 px of the boundary on either
 * side. About 1 when the boundary cannot be told from its surroundings; well above 1 for a visible seam
 * (a step), below 1 for an over-smoothed boundary.
 * @param image RGB, `w × h`
 * @param mask `w*h`, 1 = hole
 */
export function seamVisibility(image: Image, mask: Uint8Array): number {
  const { width: w, height: h, channels } = image;
  const n = w * h;
  const toHole = distanceToHole(mask, w, h);
  const inverse = new Uint8Array(n);
  for (let i = 0; i < n; i++) inverse[i] = mask[i] ? 0 : 1;
  const toKnown = distanceToHole(inverse, w, h);
  const depth = (i: number): number => (mask[i] ? toKnown[i] : toHole[i]);
  let boundary = 0;
  let nb = 0;
  let near = 0;
  let nn = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      for (const j of [x + 1 < w ? i + 1 : -1, y + 1 < h ? i + w : -1]) {
        if (j < 0) continue;
        let g = 0;
        for (let c = 0; c < channels; c++) g += (image.data[c * n + i] - image.data[c * n + j]) ** 2;
        g = Math.sqrt(g);
        if (mask[i] !== mask[j]) {
          boundary += g;
          nb++;
        } else if (depth(i) <= 3 && depth(j) <= 3) {
          near += g;
          nn++;
        }
      }
    }
  }
  if (nb === 0 || nn === 0) return 1;
  return boundary / nb / Math.max(1e-6, near / nn);
}
