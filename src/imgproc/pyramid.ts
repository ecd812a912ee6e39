import { assert } from '../core/errors.ts';
import { gaussianBlur } from './gaussianBlur.ts';

/** One pyramid level: a plane with its size. */
export interface PyramidLevel {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * Keeps every other pixel (even rows and columns): `⌈w/2⌉ × ⌈h/2⌉`. Blur first to avoid aliasing.
 *
 * @param src - plane, row-major `width * height`.
 * @param out - optional destination with room for `⌈w/2⌉ · ⌈h/2⌉` values (a view of that size is returned); must not overlap `src`.
 * @example downsample2(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2); // 2 × 1: [1, 3]
 */
export function downsample2(src: Float32Array, width: number, height: number, out?: Float32Array): PyramidLevel {
  const w = Math.ceil(width / 2), h = Math.ceil(height / 2);
  assert(!out || out.length >= w * h, `downsample2: out of at least ${w * h} values`);
  const data = out ? out.subarray(0, w * h) : new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = src[2 * y * width + 2 * x];
  return { data, width: w, height: h };
}

/**
 * Gaussian pyramid: level 0 is the plane itself; level i + 1 is level i blurred with σ then
 * downsampled by 2. Stops early when a side would drop below `minSide`.
 *
 * @param levels - at most this many levels (≥ 1), level 0 included.
 * @param sigma - blur before each downsampling, in pixels of the finer level (default 1, as Burt & Adelson's 5-tap kernel).
 * @param minSide - smallest side a level may have (default 1).
 * @example const pyr = gaussianPyramid(plane, w, h, 5);
 *
 * References: P. Burt, E. Adelson, "The Laplacian Pyramid as a Compact Image Code", IEEE Trans. Comm. 31(4), 1983, §II.
 */
export function gaussianPyramid(src: Float32Array, width: number, height: number, levels: number, sigma = 1, minSide = 1): PyramidLevel[] {
  assert(Number.isInteger(levels) && levels >= 1 && src.length === width * height, `gaussianPyramid: levels ${levels} >= 1 and a width * height plane`);
  const out: PyramidLevel[] = [{ data: src, width, height }];
  while (out.length < levels) {
    const last = out[out.length - 1];
    if (Math.ceil(Math.min(last.width, last.height) / 2) < minSide || (last.width === 1 && last.height === 1)) break;
    out.push(downsample2(gaussianBlur(last.data, last.width, last.height, sigma), last.width, last.height));
  }
  return out;
}

/**
 * Bilinear upsampling of a level to `width × height` (sample centres aligned with `downsample2`:
 * coarse pixel (x, y) sits at fine pixel (2x, 2y)).
 *
 * @param into - optional destination with room for `width * height` values (a view of that size is returned); must not overlap the level.
 */
export function upsample2(level: PyramidLevel, width: number, height: number, into?: Float32Array): Float32Array {
  const { data, width: cw, height: ch } = level;
  assert(!into || into.length >= width * height, `upsample2: destination of at least ${width * height} values`);
  const out = into ? into.subarray(0, width * height) : new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(y / 2, ch - 1), y0 = Math.floor(fy), y1 = Math.min(ch - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(x / 2, cw - 1), x0 = Math.floor(fx), x1 = Math.min(cw - 1, x0 + 1), tx = fx - x0;
      const top = data[y0 * cw + x0] * (1 - tx) + data[y0 * cw + x1] * tx;
      const bottom = data[y1 * cw + x0] * (1 - tx) + data[y1 * cw + x1] * tx;
      out[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/**
 * Laplacian pyramid: band i = G_i − upsample(G_{i+1}); the last level is the coarsest Gaussian level
 * itself, so `collapseLaplacian` reconstructs the plane exactly (up to float rounding).
 *
 * @example const bands = laplacianPyramid(plane, w, h, 4); const back = collapseLaplacian(bands);
 *
 * References: Burt & Adelson 1983, §III (the Laplacian pyramid) and §IV (reconstruction).
 */
export function laplacianPyramid(src: Float32Array, width: number, height: number, levels: number, sigma = 1): PyramidLevel[] {
  const g = gaussianPyramid(src, width, height, levels, sigma);
  return g.map((level, i) => {
    if (i === g.length - 1) return { ...level, data: Float32Array.from(level.data) };
    const up = upsample2(g[i + 1], level.width, level.height);
    for (let p = 0; p < up.length; p++) up[p] = level.data[p] - up[p];
    return { data: up, width: level.width, height: level.height };
  });
}

/** Inverse of `laplacianPyramid`: from the coarsest level, upsample and add each band. */
export function collapseLaplacian(bands: readonly PyramidLevel[]): Float32Array {
  assert(bands.length >= 1, 'collapseLaplacian: at least one band');
  let acc: PyramidLevel = bands[bands.length - 1];
  for (let i = bands.length - 2; i >= 0; i--) {
    const b = bands[i];
    const up = upsample2(acc, b.width, b.height);
    for (let p = 0; p < up.length; p++) up[p] += b.data[p];
    acc = { data: up, width: b.width, height: b.height };
  }
  return acc.data;
}
