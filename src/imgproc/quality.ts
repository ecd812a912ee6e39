import { assert } from '../core/errors.ts';
import { plane, type Image } from '../core/image.ts';

/**
 * Peak signal-to-noise ratio of two equally long signals, in dB: `10·log10(peak² / MSE)`.
 * Identical inputs give `Infinity`.
 * @param a reference values (any layout; compared element by element)
 * @param b test values, same length as `a`
 * @param peak the signal's range (1 for images in [0, 1], 255 for 8-bit, 256 for a* and b*)
 * @example psnr(original.data, result.data, 1) // ≈ 25 dB for a fair colorization
 */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, peak = 1): number {
  assert(a.length === b.length && a.length > 0, `psnr needs equal non-empty inputs (${a.length} vs ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

/** Gaussian SSIM window of Wang et al. 2004 (§III-C): σ = 1.5 pixels, 11×11 (radius 5). */
const SSIM_SIGMA = 1.5;
const SSIM_RADIUS = 5;
const K1 = 0.01;
const K2 = 0.03;

/**
 * Structural similarity (Wang, Bovik, Sheikh & Simoncelli, "Image Quality Assessment: From Error
 * Visibility to Structural Similarity", IEEE TIP 2004, eq. 13 with the Gaussian window of §III-C and
 * K1 = 0.01, K2 = 0.03): local means, variances and covariance under an 11×11 Gaussian (σ = 1.5),
 * averaged over the pixels whose window lies inside the image (scikit-image's `structural_similarity`
 * with `gaussian_weights=True, use_sample_covariance=False`). Images smaller than the window are
 * averaged over every pixel (windows clamped at the border).
 * @param a reference plane, row-major `width * height`
 * @param b test plane, same layout
 * @param range dynamic range of the values (1 for [0, 1] images)
 * @returns mean SSIM in [-1, 1]; 1 only for identical planes
 */
export function ssimPlane(a: Float32Array, b: Float32Array, width: number, height: number, range = 1): number {
  const n = width * height;
  assert(a.length === n && b.length === n, `ssim plane sizes ${a.length}, ${b.length} != ${n}`);
  const kernel = gaussianKernel(SSIM_SIGMA, SSIM_RADIUS);
  const ab = new Float32Array(n);
  const aa = new Float32Array(n);
  const bb = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    aa[i] = a[i] * a[i];
    bb[i] = b[i] * b[i];
    ab[i] = a[i] * b[i];
  }
  const tmp = new Float32Array(n);
  const mx = blur(a, width, height, kernel, tmp);
  const my = blur(b, width, height, kernel, tmp);
  const sxx = blur(aa, width, height, kernel, tmp);
  const syy = blur(bb, width, height, kernel, tmp);
  const sxy = blur(ab, width, height, kernel, tmp);
  const c1 = (K1 * range) ** 2;
  const c2 = (K2 * range) ** 2;
  const inside = width > 2 * SSIM_RADIUS && height > 2 * SSIM_RADIUS;
  const m = inside ? SSIM_RADIUS : 0;
  let sum = 0;
  let count = 0;
  for (let y = m; y < height - m; y++) {
    for (let x = m; x < width - m; x++) {
      const i = y * width + x;
      const ux = mx[i];
      const uy = my[i];
      const vx = sxx[i] - ux * ux;
      const vy = syy[i] - uy * uy;
      const cxy = sxy[i] - ux * uy;
      sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
      count++;
    }
  }
  return sum / count;
}

/**
 * Mean SSIM over the channels of two images of the same size and channel count (values in [0, 1]).
 * @example ssimImage(original, colorized) // 1 for identical images
 */
export function ssimImage(a: Image, b: Image, range = 1): number {
  assert(a.width === b.width && a.height === b.height && a.channels === b.channels, 'ssimImage needs images of the same shape');
  let sum = 0;
  for (let c = 0; c < a.channels; c++) sum += ssimPlane(plane(a, c), plane(b, c), a.width, a.height, range);
  return sum / a.channels;
}

function gaussianKernel(sigma: number, radius: number): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) s += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/** Separable blur with edge clamping; `tmp` is scratch of the same size. Returns a new plane. */
function blur(src: Float32Array, w: number, h: number, k: Float32Array, tmp: Float32Array): Float32Array {
  const r = (k.length - 1) >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
        acc += k[j + r] * src[row + xx];
      }
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
        acc += k[j + r] * tmp[yy * w + x];
      }
      out[y * w + x] = acc;
    }
  }
  return out;
}
