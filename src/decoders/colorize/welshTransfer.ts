import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { rgbToLab } from '../../imgproc/color.ts';
import { resize } from '../../imgproc/resample.ts';
import { boxMean } from '../../imgproc/boxMean.ts';
import type { Chroma } from './meanChroma.ts';

export interface WelshOptions {
  /** Jittered samples per source photo (Welsh et al. §3 use "approximately 200"); rounded to a square grid. */
  samplesPerSource?: number;
  /** Neighbourhood for the local standard deviation, in pixels (Welsh et al. §3: 5×5 → radius 2). */
  radius?: number;
  /**
   * Weight of image position against luminance statistics. 0 is Welsh et al.'s global matching; > 0
   * makes the transfer region by region, which suits scene matches that are aligned as wholes
   * (a position difference of the full frame costs as much as `100 · spatialWeight` in L*).
   */
  spatialWeight?: number;
  /** Average the chroma of this many best samples (1 = Welsh et al.'s single best match). */
  best?: number;
  /** Seed of the sample jitter. */
  seed?: number;
}

interface Samples {
  count: number;
  /** Per sample: L*, local σ, x, y (x, y in [0, 1]), then a*, b*. */
  feature: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

/**
 * Colour transfer by luminance and texture matching (Welsh, Ashikhmin & Mueller, "Transferring Color
 * to Greyscale Images", SIGGRAPH 2002, §3 "global image matching"):
 *
 * 1. each source's L* is remapped linearly to the target's mean and standard deviation (§3, "luminance
 *    remapping");
 * 2. about 200 samples per source are taken on a jittered grid, each described by its L* and the
 *    standard deviation of L* in its 5×5 neighbourhood;
 * 3. every target pixel takes the a*, b* of the best-matching samples (L* and σ weighted 50/50; plus,
 *    when `spatialWeight` > 0, the distance between positions in the frame).
 *
 * Sources are resized to the target grid first (aspect ignored), so positions are comparable.
 * @param targetL target lightness L* (0–100), row-major `width * height`
 * @param sources colour photos to take colour from (RGB, any size), best match first
 * @returns a*, b* on the target grid
 * @example const chroma = welshTransfer(L, 96, 72, matches.slice(0, 8), { spatialWeight: 0.5 })
 */
export function welshTransfer(targetL: Float32Array, width: number, height: number, sources: readonly Image[], options: WelshOptions = {}): Chroma {
  const n = width * height;
  assert(targetL.length === n && sources.length > 0, 'welshTransfer needs a target plane and at least one source');
  const radius = options.radius ?? 2;
  const best = Math.max(1, options.best ?? 4);
  const sw = (options.spatialWeight ?? 0.5) * 100;
  const targetSigma = localSigma(targetL, width, height, radius);
  const stats = meanStd(targetL);
  const rng = new Rng(options.seed ?? 1);
  const samples = collectSamples(sources, width, height, radius, stats, options.samplesPerSource ?? 200, rng);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const bestD = new Float64Array(best);
  const bestI = new Int32Array(best);
  const f = samples.feature;
  for (let y = 0; y < height; y++) {
    const py = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const L = targetL[i];
      const s = targetSigma[i];
      const px = (x + 0.5) / width;
      bestD.fill(Infinity);
      for (let j = 0, o = 0; j < samples.count; j++, o += 4) {
        const dl = f[o] - L;
        const ds = f[o + 1] - s;
        const dx = (f[o + 2] - px) * sw;
        const dy = (f[o + 3] - py) * sw;
        const d = 0.5 * (dl * dl + ds * ds) + dx * dx + dy * dy;
        if (d < bestD[best - 1]) insert(bestD, bestI, d, j);
      }
      let sa = 0;
      let sb = 0;
      let c = 0;
      for (let m = 0; m < best && bestD[m] < Infinity; m++, c++) {
        sa += samples.a[bestI[m]];
        sb += samples.b[bestI[m]];
      }
      a[i] = sa / c;
      b[i] = sb / c;
    }
  }
  return { width, height, a, b };
}

function insert(d: Float64Array, idx: Int32Array, v: number, j: number): void {
  let m = d.length - 1;
  while (m > 0 && d[m - 1] > v) {
    d[m] = d[m - 1];
    idx[m] = idx[m - 1];
    m--;
  }
  d[m] = v;
  idx[m] = j;
}

function collectSamples(
  sources: readonly Image[],
  width: number,
  height: number,
  radius: number,
  target: { mean: number; std: number },
  perSource: number,
  rng: Rng,
): Samples {
  const grid = Math.max(1, Math.round(Math.sqrt(perSource)));
  const count = sources.length * grid * grid;
  const feature = new Float32Array(count * 4);
  const a = new Float32Array(count);
  const b = new Float32Array(count);
  const n = width * height;
  let k = 0;
  for (const src of sources) {
    const lab = rgbToLab(resize(src, width, height)).data;
    const L = lab.slice(0, n);
    const st = meanStd(L);
    const scale = st.std > 1e-6 ? target.std / st.std : 1;
    for (let i = 0; i < n; i++) L[i] = (L[i] - st.mean) * scale + target.mean;
    const sigma = localSigma(L, width, height, radius);
    for (let gy = 0; gy < grid; gy++)
      for (let gx = 0; gx < grid; gx++) {
        const x = Math.min(width - 1, Math.floor(((gx + rng.next()) / grid) * width));
        const y = Math.min(height - 1, Math.floor(((gy + rng.next()) / grid) * height));
        const i = y * width + x;
        feature.set([L[i], sigma[i], (x + 0.5) / width, (y + 0.5) / height], k * 4);
        a[k] = lab[n + i];
        b[k] = lab[2 * n + i];
        k++;
      }
  }
  return { count, feature, a, b };
}

function meanStd(p: Float32Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < p.length; i++) {
    s += p[i];
    s2 += p[i] * p[i];
  }
  const mean = s / p.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / p.length - mean * mean)) };
}

/** Standard deviation of L* over the (2r+1)² neighbourhood of each pixel (box filters, O(1) per pixel). */
export function localSigma(L: Float32Array, width: number, height: number, radius: number): Float32Array {
  const sq = new Float32Array(L.length);
  for (let i = 0; i < L.length; i++) sq[i] = L[i] * L[i];
  const m = boxMean(L, width, height, radius);
  const m2 = boxMean(sq, width, height, radius);
  for (let i = 0; i < L.length; i++) m2[i] = Math.sqrt(Math.max(0, m2[i] - m[i] * m[i]));
  return m2;
}
