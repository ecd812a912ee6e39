import { assert } from '../core/errors.ts';

/**
 * The sampled, normalised 1-D Gaussian kernel of standard deviation σ: `2 · radius + 1` taps
 * exp(−x² / 2σ²) / Σ, radius = ⌈3σ⌉ unless given.
 *
 * @param sigma - σ in pixels, > 0.
 * @param radius - half-width in taps (default ⌈3σ⌉, which keeps 99.7 % of the mass).
 * @example gaussianKernel(1).length; // 7
 */
export function gaussianKernel(sigma: number, radius = Math.ceil(3 * sigma)): Float32Array {
  assert(sigma > 0 && Number.isInteger(radius) && radius >= 0, `gaussianKernel: sigma ${sigma} > 0, integer radius ${radius} >= 0`);
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Separable Gaussian blur of one plane: the kernel along rows, then along columns, with the edge
 * pixel repeated beyond the border (so a constant plane stays constant). One scratch plane per call,
 * no allocation per pixel.
 *
 * @param src - plane, row-major `width * height`.
 * @param sigma - σ in pixels, > 0.
 * @param out - destination plane of the same size (may alias `src`).
 * @returns `out`.
 * @example const smooth = gaussianBlur(plane, w, h, 1.6);
 *
 * References: D. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints", IJCV 2004, §3
 * (Gaussian scale space, σ = 1.6); Szeliski, "Computer Vision: Algorithms and Applications", 2nd ed., §3.2.1 (separable filtering).
 */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number, out: Float32Array = new Float32Array(width * height)): Float32Array {
  assert(src.length === width * height && out.length === src.length, 'gaussianBlur plane sizes');
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * src[row + clamp(x + i, width)];
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[clamp(y + i, height) * width + x];
      out[y * width + x] = s;
    }
  }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
