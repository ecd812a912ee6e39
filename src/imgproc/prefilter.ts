import { assert } from '../core/errors.ts';
import { fftPlan, nextFastFftSize } from './fft.ts';

/**
 * The gist prefilter (LMgist's `prefilt`; `prefilt`/`color_prefilt` in the LEAR C code): whitening plus local
 * contrast normalisation, so the descriptor sees structure rather than illumination.
 *
 * Algorithm, for planes of intensities in [0, 255]:
 * 1. v ← log(v + 1).
 * 2. Pad by 5 pixels with symmetric (edge-repeating) reflection, and further at the bottom/right to a square
 *    FFT side. LMgist pads to the even size n₀ = size + 10 (+1 if odd); we pad on to the next 2·3·5-smooth
 *    size Q ≥ n₀ (266 → 270 for 256-pixel images) and keep the filter's physical cut-off: the Gaussian below is
 *    evaluated at f·n₀/Q, so it is the same continuous filter as LMgist's, only the circular wrap-around lies
 *    4 reflected pixels further away.
 * 3. Whitening: w ← v − lowpass(v), with lowpass the transfer function exp(−(fx² + fy²)/s²),
 *    s = fc/√(ln 2) cycles per image (a Gaussian whose gain is ½ at fc).
 * 4. Local contrast: w ← w / (0.2 + √|lowpass(m²)|), m the mean of the whitened channels (one contrast
 *    estimate shared by R, G, B, as LMgist and LEAR do).
 * 5. Crop back to size × size.
 *
 * The Gaussian is separable, real and even, so two real planes are filtered at once as one complex plane
 * (exact), and only the frequencies where it exceeds 1e−13 are transformed along the second axis.
 *
 * References: Oliva & Torralba, IJCV 42(3), 2001, §4 (prefiltering: "reduces illumination effects and
 * prevents some local image regions to dominate the energy spectrum"); Torralba & Oliva, "Statistics of
 * natural image categories", Network 14, 2003, §2.
 */

interface PrefilterWorkspace {
  size: number;
  /** LMgist's padded size and ours. */
  n0: number;
  q: number;
  fc: number;
  /** Source index (0 … size−1) of each padded index (0 … q−1). */
  reflect: Int32Array;
  /** Kept column bins and the 1-D gain of every bin (already includes 1/q² for the unnormalised inverse). */
  keep: Int32Array;
  gain: Float64Array;
  re: Float64Array;
  im: Float64Array;
  cre: Float64Array;
  cim: Float64Array;
  /** Whitened padded planes, one per channel (grown on demand). */
  white: Float64Array[];
}

const PAD = 5;
let ws: PrefilterWorkspace | undefined;

/** Index into [0, n) of position i under symmetric (edge-repeating) reflection, any i. */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - 1 - k;
}

function workspace(size: number, fc: number): PrefilterWorkspace {
  if (ws && ws.size === size && ws.fc === fc) return ws;
  let n0 = size + 2 * PAD;
  n0 += n0 % 2;
  const q = nextFastFftSize(n0);
  const reflect = new Int32Array(q);
  for (let i = 0; i < q; i++) reflect[i] = reflectIndex(i - PAD, size);
  const s = fc / Math.sqrt(Math.log(2));
  const gain = new Float64Array(q);
  const kept: number[] = [];
  for (let k = 0; k < q; k++) {
    const f = (k < q - Math.floor(q / 2) ? k : k - q) * (n0 / q);
    gain[k] = Math.exp(-(f * f) / (s * s));
    if (gain[k] > 1e-13) kept.push(k);
  }
  // Fold the 1/q² of the two unnormalised inverses into the column gain.
  for (let k = 0; k < q; k++) gain[k] /= q;
  const keep = Int32Array.from(kept);
  ws = {
    size,
    n0,
    q,
    fc,
    reflect,
    keep,
    gain,
    re: new Float64Array(q * q),
    im: new Float64Array(q * q),
    cre: new Float64Array(q * keep.length),
    cim: new Float64Array(q * keep.length),
    white: [],
  };
  return ws;
}

/** Padded copy of a size×size plane into dst (q×q). */
function padInto(src: Float64Array, dst: Float64Array, w: PrefilterWorkspace): void {
  const { q, size, reflect } = w;
  for (let y = 0; y < q; y++) {
    const s = reflect[y] * size;
    const d = y * q;
    for (let x = 0; x < q; x++) dst[d + x] = src[s + reflect[x]];
  }
}

/** In place: (re, im) ← lowpass(re) + i·lowpass(im) for two real q×q planes held as one complex plane. */
function lowpassPair(w: PrefilterWorkspace): void {
  const { q, keep, gain, re, im, cre, cim } = w;
  const nk = keep.length;
  const plan = fftPlan(q);
  for (let y = 0; y < q; y++) {
    plan.forward(re, im, y * q);
    const row = y * q;
    const c = y * nk;
    for (let j = 0; j < nk; j++) {
      cre[c + j] = re[row + keep[j]];
      cim[c + j] = im[row + keep[j]];
    }
  }
  plan.forwardBatch(cre, cim, nk, false);
  for (let ky = 0; ky < q; ky++) {
    const gy = gain[ky];
    const c = ky * nk;
    for (let j = 0; j < nk; j++) {
      const g = gy * gain[keep[j]];
      cre[c + j] *= g;
      cim[c + j] *= g;
    }
  }
  plan.forwardBatch(cre, cim, nk, true);
  for (let y = 0; y < q; y++) {
    const row = y * q;
    re.fill(0, row, row + q);
    im.fill(0, row, row + q);
    const c = y * nk;
    for (let j = 0; j < nk; j++) {
      re[row + keep[j]] = cre[c + j];
      im[row + keep[j]] = cim[c + j];
    }
    plan.inverse(re, im, row);
  }
}

/**
 * Applies the gist prefilter in place to 1 or more planes of one image (1 = gray, 3 = R, G, B).
 * @param planes row-major `size × size` planes of intensities in [0, 255] (LMgist's range: the log and the
 *   0.2 contrast floor assume it); overwritten with the prefiltered values (roughly zero-mean, unit local
 *   contrast)
 * @param size side of the square planes in pixels (≥ 2)
 * @param fc cut-off in cycles per image (LMgist default 4)
 * @example
 * gistPrefilter([gray], 256, 4);
 */
export function gistPrefilter(planes: readonly Float64Array[], size: number, fc: number): void {
  assert(planes.length >= 1 && planes.every((p) => p.length === size * size), 'prefilter planes are size×size');
  assert(fc > 0, `prefilter fc ${fc}`);
  const w = workspace(size, fc);
  const { q, re, im } = w;
  while (w.white.length < planes.length) w.white.push(new Float64Array(q * q));
  for (const p of planes) for (let i = 0; i < p.length; i++) p[i] = Math.log(p[i] + 1);
  // Whitening, two channels per complex transform.
  for (let c = 0; c < planes.length; c += 2) {
    padInto(planes[c], re, w);
    if (c + 1 < planes.length) padInto(planes[c + 1], im, w);
    else im.fill(0);
    const a = w.white[c];
    a.set(re);
    const b = c + 1 < planes.length ? w.white[c + 1] : undefined;
    if (b) b.set(im);
    lowpassPair(w);
    for (let i = 0; i < q * q; i++) a[i] -= re[i];
    if (b) for (let i = 0; i < q * q; i++) b[i] -= im[i];
  }
  // Local contrast from the squared channel mean.
  const nc = planes.length;
  for (let i = 0; i < q * q; i++) {
    let m = 0;
    for (let c = 0; c < nc; c++) m += w.white[c][i];
    m /= nc;
    re[i] = m * m;
  }
  im.fill(0);
  lowpassPair(w);
  const size2 = w.size;
  for (let y = 0; y < size2; y++) {
    const src = (y + PAD) * q + PAD;
    for (let x = 0; x < size2; x++) {
      const norm = 1 / (0.2 + Math.sqrt(Math.abs(re[src + x])));
      for (let c = 0; c < nc; c++) planes[c][y * size2 + x] = w.white[c][src + x] * norm;
    }
  }
}
