import { assert } from '../../core/errors.ts';
import { fastAtan2 } from '../../math/fastAtan2.ts';

/** The SIFT descriptor's geometry and normalisation (Lowe 2004, §6.1). */
export interface DescriptorOptions {
  /** d: the descriptor window has d × d spatial bins (Lowe §6.1: 4). */
  spatialBins: number;
  /** Orientation bins per spatial bin (Lowe §6.1: 8); d · d · this values in all (128). */
  orientationBins: number;
  /** Width of one spatial bin, in units of the keypoint's σ (VLFeat's and OpenCV's magnification 3). */
  binWidthFactor: number;
  /** After unit L2 normalisation, values are clamped here and normalised again (Lowe §6.1: 0.2). */
  clamp: number;
  /** RootSIFT: L1-normalise, then take square roots, so the Euclidean distance compares as the Hellinger kernel (Arandjelović & Zisserman 2012, §2); still unit L2 norm. */
  rootSift: boolean;
}

export const DEFAULT_DESCRIPTOR: Readonly<DescriptorOptions> = Object.freeze({ spatialBins: 4, orientationBins: 8, binWidthFactor: 3, clamp: 0.2, rootSift: false });

/** Buffers reused from one descriptor to the next. */
export class DescriptorScratch {
  hist = new Float64Array(0);
  wx = new Float64Array(0);
  wy = new Float64Array(0);

  ensure(histSize: number, side: number): void {
    if (this.hist.length < histSize) this.hist = new Float64Array(histSize);
    if (this.wx.length < side) {
      this.wx = new Float64Array(side);
      this.wy = new Float64Array(side);
    }
  }
}

/**
 * One SIFT descriptor: the gradients in a window rotated to the keypoint's orientation, each weighted
 * by its magnitude and a Gaussian of σ = half the window (d/2 bins), spread by trilinear
 * interpolation over d × d spatial bins of `binWidthFactor · sigma` pixels and `orientationBins`
 * orientation bins; then unit L2 norm, values clamped at `clamp`, unit L2 norm again (and RootSIFT if asked).
 * Layout of the d·d·n values: `[(row · d + column) · n + orientation]`, rows along the keypoint's
 * y axis (as OpenCV and VLFeat); orientation bin 0 starts at the keypoint's own orientation.
 *
 * @param level - the Gaussian level nearest the keypoint's scale, row-major `width * height`.
 * @param x - keypoint position in that level's pixels.
 * @param y - keypoint position in that level's pixels.
 * @param sigma - keypoint σ in that level's pixels.
 * @param angle - keypoint orientation in radians (image axes, y down).
 * @param out - written at `out[offset .. offset + d·d·n)`.
 * @example
 * const d = new Float32Array(128);
 * siftDescriptor(level, w, h, x, y, sigma, angle, DEFAULT_DESCRIPTOR, new DescriptorScratch(), d, 0);
 *
 * References: Lowe 2004, §6.1 (4 × 4 × 8 histogram, Gaussian window of half the descriptor width,
 * trilinear interpolation, normalise, clamp 0.2, renormalise); R. Arandjelović, A. Zisserman, "Three
 * things everyone should know to improve object retrieval", CVPR 2012, §2 (RootSIFT).
 */
export function siftDescriptor(
  level: Float32Array, width: number, height: number, x: number, y: number, sigma: number, angle: number,
  options: DescriptorOptions, scratch: DescriptorScratch, out: Float32Array, offset: number,
): void {
  const d = options.spatialBins, nb = options.orientationBins, len = d * d * nb;
  assert(offset >= 0 && offset + len <= out.length, `siftDescriptor: room for ${len} values at ${offset}`);
  const hw = options.binWidthFactor * sigma;
  const radius = Math.min(Math.round(hw * Math.SQRT2 * (d + 1) * 0.5), Math.ceil(Math.hypot(width, height)));
  const xi = Math.round(x), yi = Math.round(y);
  const x0 = Math.max(1, xi - radius), x1 = Math.min(width - 2, xi + radius);
  const y0 = Math.max(1, yi - radius), y1 = Math.min(height - 2, yi + radius);
  const rowStride = (d + 2) * (nb + 2), hsize = (d + 2) * rowStride;
  scratch.ensure(hsize, 2 * radius + 1);
  const { hist, wx, wy } = scratch;
  hist.fill(0, 0, hsize);
  // Gaussian window of σ = d/2 bins, separable in the unrotated pixel offsets (a rotation keeps radii).
  const sw = 0.5 * d * hw, k = -1 / (2 * sw * sw);
  for (let px = x0; px <= x1; px++) wx[px - x0] = Math.exp(k * (px - x) * (px - x));
  for (let py = y0; py <= y1; py++) wy[py - y0] = Math.exp(k * (py - y) * (py - y));
  const cos = Math.cos(angle) / hw, sin = Math.sin(angle) / hw, half = 0.5 * d - 0.5, binsPerRadian = nb / (2 * Math.PI);
  for (let py = y0; py <= y1; py++) {
    const dy = py - y, wrow = wy[py - y0];
    for (let px = x0, p = py * width + x0; px <= x1; px++, p++) {
      const dx = px - x;
      // The sample in the keypoint's frame, in bins; bin centres at 0..d−1.
      const cbin = cos * dx + sin * dy + half, rbin = cos * dy - sin * dx + half;
      if (!(rbin > -1 && rbin < d && cbin > -1 && cbin < d)) continue;
      const gx = 0.5 * (level[p + 1] - level[p - 1]), gy = 0.5 * (level[p + width] - level[p - width]);
      let theta = fastAtan2(gy, gx) - angle;
      if (theta < 0) theta += 2 * Math.PI;
      addTrilinear(hist, d, nb, rbin, cbin, theta * binsPerRadian, Math.sqrt(gx * gx + gy * gy) * wrow * wx[px - x0]);
    }
  }
  foldHistogram(hist, d, nb, out, offset);
  normaliseDescriptor(out, offset, len, options);
}

/** Adds `m` to the 8 bins around (rbin, cbin, obin) of the padded (d+2) × (d+2) × (n+2) histogram. */
function addTrilinear(hist: Float64Array, d: number, nb: number, rbin: number, cbin: number, obin: number, m: number): void {
  const r0 = Math.floor(rbin), c0 = Math.floor(cbin);
  let o0 = Math.floor(obin);
  const fr = rbin - r0, fc = cbin - c0, fo = obin - o0;
  if (o0 >= nb) o0 -= nb;
  const on = nb + 2, rn = (d + 2) * on;
  const i = (r0 + 1) * rn + (c0 + 1) * on + o0;
  const v1 = m * fr, v0 = m - v1;
  const v11 = v1 * fc, v10 = v1 - v11, v01 = v0 * fc, v00 = v0 - v01;
  const v111 = v11 * fo, v101 = v10 * fo, v011 = v01 * fo, v001 = v00 * fo;
  hist[i] += v00 - v001;
  hist[i + 1] += v001;
  hist[i + on] += v01 - v011;
  hist[i + on + 1] += v011;
  hist[i + rn] += v10 - v101;
  hist[i + rn + 1] += v101;
  hist[i + rn + on] += v11 - v111;
  hist[i + rn + on + 1] += v111;
}

/** Wraps the orientation padding (bins n, n + 1 → 0, 1) and copies the d × d × n interior to `out`. */
function foldHistogram(hist: Float64Array, d: number, nb: number, out: Float32Array, offset: number): void {
  const on = nb + 2, rn = (d + 2) * on;
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      const i = (r + 1) * rn + (c + 1) * on;
      hist[i] += hist[i + nb];
      hist[i + 1] += hist[i + nb + 1];
      const o = offset + (r * d + c) * nb;
      for (let k = 0; k < nb; k++) out[o + k] = hist[i + k];
    }
  }
}

/** Lowe §6.1: unit L2, clamp, unit L2; then RootSIFT (L1, square root) if asked. An all-zero descriptor stays zero. */
function normaliseDescriptor(v: Float32Array, offset: number, len: number, options: DescriptorOptions): void {
  const end = offset + len;
  let ss = 0;
  for (let i = offset; i < end; i++) ss += v[i] * v[i];
  if (!(ss > 0)) return;
  const thr = options.clamp * Math.sqrt(ss);
  ss = 0;
  for (let i = offset; i < end; i++) {
    const c = v[i] > thr ? thr : v[i];
    v[i] = c;
    ss += c * c;
  }
  const inv = 1 / Math.sqrt(ss);
  for (let i = offset; i < end; i++) v[i] *= inv;
  if (!options.rootSift) return;
  let l1 = 0;
  for (let i = offset; i < end; i++) l1 += v[i];
  for (let i = offset; i < end; i++) v[i] = Math.sqrt(v[i] / l1);
}

/**
 * Float descriptors (unit L2 norm) → bytes, as OpenCV and COLMAP store SIFT: round(512 · v), capped at 255.
 *
 * @param descriptors - n × 128 values (any n), row-major.
 * @example const bytes = descriptorsToUint8(features.descriptors);
 */
export function descriptorsToUint8(descriptors: Float32Array): Uint8Array {
  const out = new Uint8Array(descriptors.length);
  for (let i = 0; i < descriptors.length; i++) {
    const v = Math.round(512 * descriptors[i]);
    out[i] = v > 255 ? 255 : v < 0 ? 0 : v;
  }
  return out;
}
