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
 * pixel repeated beyond the border (so a constant plane stays constant). No allocation per pixel:
 * one scratch plane per call unless `scratch` is given; the interior skips the border clamping.
 *
 * @param src - plane, row-major `width * height`.
 * @param sigma - σ in pixels, > 0.
 * @param out - destination plane of the same size (may alias `src`).
 * @param scratch - optional scratch plane of at least `width * height` values, not overlapping `src` or `out` (reused across calls by callers that blur many planes, e.g. a SIFT scale space).
 * @param truncate - the kernel reaches ⌈truncate · σ⌉ pixels each side (default 3, 99.7 % of the mass; VLFeat and OpenCV use 4 for SIFT; scipy's `truncate`).
 * @returns `out`.
 * @example const smooth = gaussianBlur(plane, w, h, 1.6);
 *
 * References: D. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints", IJCV 2004, §3
 * (Gaussian scale space, σ = 1.6); Szeliski, "Computer Vision: Algorithms and Applications", 2nd ed., §3.2.1 (separable filtering).
 */
export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
  out: Float32Array = new Float32Array(width * height),
  scratch?: Float32Array,
  truncate = 3,
): Float32Array {
  const n = width * height;
  assert(src.length === n && out.length === n, 'gaussianBlur plane sizes');
  assert(!scratch || scratch.length >= n, `gaussianBlur scratch: at least ${n} values, got ${scratch?.length}`);
  const k = gaussianKernel(sigma, Math.ceil(truncate * sigma));
  const tmp = scratch ? scratch.subarray(0, n) : new Float32Array(n);
  blurRows(src, tmp, width, height, k);
  blurColumns(tmp, out, width, height, k);
  return out;
}

function blurRows(src: Float32Array, dst: Float32Array, width: number, height: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  const lo = Math.min(r, width), hi = Math.max(lo, width - r);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < lo; x++) dst[row + x] = clampedTaps(src, row, x, width, 1, k, r);
    symmetricTaps(src, dst, row + lo, row + hi, 1, k, r);
    for (let x = hi; x < width; x++) dst[row + x] = clampedTaps(src, row, x, width, 1, k, r);
  }
}

/** Column pass, row by row: whole rows are accumulated into `dst` (sequential access, no strided loads). */
function blurColumns(src: Float32Array, dst: Float32Array, width: number, height: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  for (let y = 0; y < height; y++) {
    const c = y * width;
    if (y >= r && y + r < height) symmetricTaps(src, dst, c, c + width, width, k, r);
    else for (let x = 0; x < width; x++) dst[c + x] = clampedTaps(src, x, y, height, width, k, r);
  }
}

/**
 * dst[p] = Σ k[r + i] · (src[p − i·step] + src[p + i·step]) over p in [start, end), all taps inside:
 * the kernel is symmetric, so taps pair up; four pairs per sweep over the range keep the loads
 * sequential and `dst` traffic low. `dst` must not overlap `src`.
 */
function symmetricTaps(src: Float32Array, dst: Float32Array, start: number, end: number, step: number, k: Float32Array, r: number): void {
  const k0 = k[r];
  for (let p = start; p < end; p++) dst[p] = k0 * src[p];
  let i = 1;
  for (; i + 3 <= r; i += 4) {
    const ka = k[r + i], kb = k[r + i + 1], kc = k[r + i + 2], kd = k[r + i + 3];
    const d1 = i * step, d2 = d1 + step, d3 = d2 + step, d4 = d3 + step;
    for (let p = start; p < end; p++) {
      dst[p] += ka * (src[p - d1] + src[p + d1]) + kb * (src[p - d2] + src[p + d2]) + kc * (src[p - d3] + src[p + d3]) + kd * (src[p - d4] + src[p + d4]);
    }
  }
  for (; i <= r; i++) {
    const ki = k[r + i], d = i * step;
    for (let p = start; p < end; p++) dst[p] += ki * (src[p - d] + src[p + d]);
  }
}

/** Σ k[i + r] · src[base + clamp(at + i) · step] for i in −r..r (the border case, edge repeated). */
function clampedTaps(src: Float32Array, base: number, at: number, size: number, step: number, k: Float32Array, r: number): number {
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] * src[base + clamp(at + i, size) * step];
  return s;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
