import { fastAtan2 } from '../../math/fastAtan2.ts';

/** How dominant orientations are picked (Lowe 2004, §5). */
export interface OrientationOptions {
  /** Histogram bins over 360° (Lowe §5: 36). */
  bins: number;
  /** σ of the Gaussian window, in units of the keypoint's σ (Lowe §5: 1.5); the window reaches 3 of these σ. */
  windowFactor: number;
  /** Peaks within this fraction of the highest make keypoints too (Lowe §5: 80 %). */
  peakRatio: number;
  /** At most this many orientations per location, strongest first (Infinity as Lowe and OpenCV; COLMAP keeps 2). */
  maxOrientations: number;
}

export const DEFAULT_ORIENTATION: Readonly<OrientationOptions> = Object.freeze({ bins: 36, windowFactor: 1.5, peakRatio: 0.8, maxOrientations: Number.POSITIVE_INFINITY });

/** Buffers reused from one keypoint to the next. */
export class OrientationScratch {
  hist = new Float64Array(0);
  smooth = new Float64Array(0);
  peakValue = new Float64Array(0);
  wx = new Float64Array(0);
  wy = new Float64Array(0);

  ensure(bins: number, side: number): void {
    if (this.hist.length < bins) {
      this.hist = new Float64Array(bins);
      this.smooth = new Float64Array(bins);
      this.peakValue = new Float64Array(bins);
    }
    if (this.wx.length < side) {
      this.wx = new Float64Array(side);
      this.wy = new Float64Array(side);
    }
  }
}

/**
 * The dominant gradient orientations around a keypoint: a `bins`-bin histogram of gradient angles
 * over a circular window, each sample weighted by its gradient magnitude and a Gaussian of
 * σ = windowFactor · sigma (linear interpolation between the two nearest bins, as VLFeat), smoothed
 * circularly with [1 4 6 4 1] / 16 (OpenCV); every local peak within `peakRatio` of the highest gives
 * one orientation, refined by a parabola through it and its two neighbours.
 *
 * @param level - the Gaussian level nearest the keypoint's scale, row-major `width * height`.
 * @param x - keypoint position in that level's pixels.
 * @param y - keypoint position in that level's pixels.
 * @param sigma - keypoint σ in that level's pixels.
 * @param angles - output, radians in [0, 2π), image axes (y down); room for `bins` values.
 * @returns how many orientations were written (0 for a keypoint with no gradient around it).
 * @example
 * const angles = new Float64Array(36);
 * const n = dominantOrientations(level, w, h, x, y, sigma, DEFAULT_ORIENTATION, new OrientationScratch(), angles);
 *
 * References: Lowe 2004, §5 (36 bins, window 1.5σ, peaks within 80 %, parabola through 3 values).
 */
export function dominantOrientations(
  level: Float32Array, width: number, height: number, x: number, y: number, sigma: number,
  options: OrientationOptions, scratch: OrientationScratch, angles: Float64Array,
): number {
  const nb = options.bins;
  const sw = options.windowFactor * sigma, radius = Math.floor(3 * sw);
  const xi = Math.round(x), yi = Math.round(y);
  const x0 = Math.max(1, xi - radius), x1 = Math.min(width - 2, xi + radius);
  const y0 = Math.max(1, yi - radius), y1 = Math.min(height - 2, yi + radius);
  if (x0 > x1 || y0 > y1) return 0;
  scratch.ensure(nb, 2 * radius + 1);
  const { hist, smooth, wx, wy } = scratch;
  hist.fill(0, 0, nb);
  // The window is a separable Gaussian in the (unrotated) offsets from the refined position.
  const k = -1 / (2 * sw * sw);
  for (let px = x0; px <= x1; px++) wx[px - x0] = Math.exp(k * (px - x) * (px - x));
  for (let py = y0; py <= y1; py++) wy[py - y0] = Math.exp(k * (py - y) * (py - y));
  const r2max = radius * radius + 0.6, binsPerRadian = nb / (2 * Math.PI);
  for (let py = y0; py <= y1; py++) {
    const dy = py - y, wrow = wy[py - y0];
    for (let px = x0, p = py * width + x0; px <= x1; px++, p++) {
      const dx = px - x;
      if (dx * dx + dy * dy >= r2max) continue;
      const gx = 0.5 * (level[p + 1] - level[p - 1]), gy = 0.5 * (level[p + width] - level[p - width]);
      const m = Math.sqrt(gx * gx + gy * gy) * wrow * wx[px - x0];
      const f = fastAtan2(gy, gx) * binsPerRadian - 0.5;
      const b0 = Math.floor(f), t = f - b0;
      hist[(b0 + nb) % nb] += (1 - t) * m;
      hist[(b0 + 1) % nb] += t * m;
    }
  }
  return histogramPeaks(hist, smooth, nb, options, scratch.peakValue, angles);
}

/** Smooths the circular histogram, then writes the refined angle of each peak within `peakRatio` of the highest (strongest first when capped). */
function histogramPeaks(hist: Float64Array, smooth: Float64Array, nb: number, options: OrientationOptions, peakValue: Float64Array, angles: Float64Array): number {
  let max = 0;
  for (let j = 0; j < nb; j++) {
    const v = (hist[(j + nb - 2) % nb] + hist[(j + 2) % nb] + 4 * (hist[(j + nb - 1) % nb] + hist[(j + 1) % nb]) + 6 * hist[j]) / 16;
    smooth[j] = v;
    if (v > max) max = v;
  }
  if (!(max > 0)) return 0;
  const threshold = options.peakRatio * max;
  let count = 0;
  for (let j = 0; j < nb; j++) {
    const c = smooth[j], l = smooth[(j + nb - 1) % nb], r = smooth[(j + 1) % nb];
    // Ties go to the left bin (an angle on a bin boundary fills two bins equally), so a flat top still makes one peak.
    if (!(c > l && c >= r && c >= threshold)) continue;
    const offset = (0.5 * (l - r)) / (l - 2 * c + r);
    let a = ((j + 0.5 + offset) / nb) * 2 * Math.PI;
    if (a < 0) a += 2 * Math.PI;
    else if (a >= 2 * Math.PI) a -= 2 * Math.PI;
    angles[count] = a;
    peakValue[count++] = c;
  }
  return count > options.maxOrientations ? keepStrongest(angles, peakValue, count, options.maxOrientations) : count;
}

/** Moves the `keep` highest peaks to the front (selection, strongest first); returns `keep`. */
function keepStrongest(angles: Float64Array, value: Float64Array, count: number, keep: number): number {
  for (let i = 0; i < keep; i++) {
    let best = i;
    for (let j = i + 1; j < count; j++) if (value[j] > value[best]) best = j;
    const a = angles[i], v = value[i];
    angles[i] = angles[best];
    value[i] = value[best];
    angles[best] = a;
    value[best] = v;
  }
  return keep;
}
