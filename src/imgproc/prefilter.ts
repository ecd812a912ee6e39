import { assert } from '../core/errors.ts';
import { SimdGemm } from '../math/simdGemm.ts';
import { fftPlan } from './fft.ts';

/**
 * The gist prefilter (LMgist's `prefilt`; `prefilt`/`color_prefilt` in the LEAR C code): whitening plus local
 * contrast normalisation, so the descriptor sees structure rather than illumination.
 *
 * Algorithm, for planes of intensities in [0, 255]:
 * 1. v ← log(v + 1).
 * 2. Pad by 5 pixels with symmetric (edge-repeating) reflection, then at the bottom/right to LMgist's even
 *    square side n = size + 10 (+1 if odd), reflecting the padded image (MATLAB `padarray(…,'symmetric','post')`).
 * 3. Whitening: w ← v − lowpass(v), lowpass = multiplying the n×n DFT by exp(−(fx² + fy²)/s²),
 *    s = fc/√(ln 2) cycles per image (a Gaussian whose gain is ½ at fc).
 * 4. Local contrast: w ← w / (0.2 + √|lowpass(m²)|), m the mean of the whitened channels (one contrast
 *    estimate shared by R, G, B, as LMgist and LEAR do).
 * 5. Crop back to size × size.
 *
 * The transforms are LMgist's own size (266 for 256-pixel images, so the circular wrap-around is the same),
 * computed exactly but cheaply. The Gaussian is separable, real and even, and only the frequencies where it
 * exceeds 1e−13 (±26 cycles for fc = 4) matter, so the lowpass is a real circulant of low rank applied to rows
 * and columns: lowpass(v) = H·v·H with H = U·D·Uᵀ, U the n × (2K+1) real Fourier basis (1, cos 2πfx/n,
 * sin 2πfx/n for f = 1 … K) and D the gains (g₀/n, 2g_f/n). Where WebAssembly SIMD is available the four
 * products (v·U, Uᵀ·(vU), U·(DTD), ·Uᵀ) run as f64x2 matrix products ({@link SimdGemm}, ~10 M multiply–adds
 * per plane); otherwise (and with `scalar: true`) the same lowpass runs through 266-point FFTs (2·7·19): real
 * rows two at a time as one complex row, only the kept frequencies carried through the column transforms.
 * The two agree to ~1e−13 (tested).
 *
 * References: Oliva & Torralba, IJCV 42(3), 2001, §4 (prefiltering "reduces illumination effects and prevents
 * some local image regions to dominate the energy spectrum"); Torralba & Oliva, "Statistics of natural image
 * categories", Network 14, 2003, §2.
 */

interface PrefilterWorkspace {
  size: number;
  fc: number;
  /** LMgist's padded side. */
  n: number;
  /** Source index (0 … size−1) of each padded index (0 … n−1). */
  reflect: Int32Array;
  /** Kept frequency bins, their mirror bins (n − k) mod n, and the 1-D gain per bin (× 1/n for the inverse). */
  keep: Int32Array;
  mirror: Int32Array;
  gain: Float64Array;
  /** One complex row. */
  wr: Float64Array;
  wi: Float64Array;
  /** Padded real planes (n², row stride n): 3 channels (whitened in place) + the squared mean. */
  pad: Float64Array[];
  /** Their lowpasses, row stride `ls` (n rounded up to a multiple of 8, the SIMD product's column block). */
  low: Float64Array[];
  ls: number;
  /** The SIMD low-rank path (null where WebAssembly SIMD is unavailable); see {@link lowpassLowRank}. */
  gemm: SimdGemm | null;
  /** Basis columns 2K+1 rounded up to a multiple of 8, and the gain of each basis column (0 for padding). */
  kb: number;
  basisGain: Float64Array;
  /** Per plane, the kept columns of its spectrum (n × K complex). */
  cr: Float64Array[];
  ci: Float64Array[];
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
  const padded = size + 2 * PAD;
  const n = padded + (padded % 2);
  const reflect = new Int32Array(n);
  for (let i = 0; i < n; i++) reflect[i] = reflectIndex(i < padded ? i - PAD : 2 * padded - 1 - i - PAD, size);
  const s = fc / Math.sqrt(Math.log(2));
  const gain = new Float64Array(n);
  const kept: number[] = [];
  for (let k = 0; k < n; k++) {
    const f = k < n / 2 ? k : k - n;
    gain[k] = Math.exp(-(f * f) / (s * s));
    if (gain[k] > 1e-13) kept.push(k);
    gain[k] /= n;
  }
  const keep = Int32Array.from(kept);
  const nk = keep.length;
  const ls = Math.ceil(n / 8) * 8;
  // Low-rank basis: K = the largest kept |f| (the kept set is symmetric), 2K+1 columns padded to a multiple of 8.
  const K = Math.max(...kept.map((k) => (k < n / 2 ? k : n - k)));
  const kb = Math.ceil((2 * K + 1) / 8) * 8;
  const basisGain = new Float64Array(kb);
  // Gemm planes: 0–3 pad, 4 U (n × kb), 5 Uᵀ (kb × ls), 6 v·U (n × kb), 7 Uᵀ·v·U (kb × kb), 8 U·(D·T·D) (n × kb), 9–12 low.
  const gemm = SimdGemm.create([...new Array<number>(4).fill(n * n), n * kb, kb * ls, n * kb, kb * kb, n * kb, ...new Array<number>(4).fill(n * ls)]);
  const planes = (len: number, count: number, first: number): Float64Array[] =>
    Array.from({ length: count }, (_, i) => (gemm ? gemm.plane(first + i) : new Float64Array(len)));
  if (gemm) {
    const u = gemm.plane(4);
    const ut = gemm.plane(5);
    for (let x = 0; x < n; x++) {
      const put = (col: number, v: number): void => {
        u[x * kb + col] = v;
        ut[col * ls + x] = v;
      };
      put(0, 1);
      for (let f = 1; f <= K; f++) {
        const a = (2 * Math.PI * f * x) / n;
        put(2 * f - 1, Math.cos(a));
        put(2 * f, Math.sin(a));
      }
    }
  }
  basisGain[0] = gain[0];
  // ±f pair up (2g_f); the Nyquist bin n/2 (kept only for tiny sizes) is one bin, and its sine column is zero.
  for (let f = 1; f <= K; f++) basisGain[2 * f - 1] = basisGain[2 * f] = (2 * f === n ? 1 : 2) * gain[f];
  ws = {
    size,
    fc,
    n,
    reflect,
    keep,
    mirror: keep.map((k) => (n - k) % n),
    gain,
    wr: new Float64Array(n),
    wi: new Float64Array(n),
    pad: planes(n * n, 4, 0),
    low: planes(n * ls, 4, 9),
    ls,
    gemm,
    kb,
    basisGain,
    cr: Array.from({ length: 4 }, () => new Float64Array(n * nk)),
    ci: Array.from({ length: 4 }, () => new Float64Array(n * nk)),
  };
  return ws;
}

/** Rows (plane, y) of the planes to transform, two at a time. */
function forEachRowPair(planes: readonly number[], rows: number, fn: (pa: number, ya: number, pb: number, yb: number) => void): void {
  const total = planes.length * rows;
  for (let r = 0; r < total; r += 2) {
    const pa = planes[Math.floor(r / rows)];
    const ya = r % rows;
    const hasB = r + 1 < total;
    fn(pa, ya, hasB ? planes[Math.floor((r + 1) / rows)] : -1, hasB ? (r + 1) % rows : 0);
  }
}

/**
 * w.low[p] ← lowpass(w.pad[p]) for the listed planes (rows yFrom … yTo−1 of the result only). Exact: the
 * dropped frequencies have gain below 1e−13.
 */
function lowpass(w: PrefilterWorkspace, planes: readonly number[], yFrom: number, yTo: number): void {
  const { n, keep, mirror, gain, wr, wi, pad, low, cr, ci } = w;
  const nk = keep.length;
  const plan = fftPlan(n);
  // Forward rows, two real rows per complex transform: A = (Z(k) + conj Z(−k))/2, B = (Z(k) − conj Z(−k))/2i.
  forEachRowPair(planes, n, (pa, ya, pb, yb) => {
    wr.set(pad[pa].subarray(ya * n, ya * n + n));
    if (pb >= 0) wi.set(pad[pb].subarray(yb * n, yb * n + n));
    else wi.fill(0);
    plan.forward(wr, wi);
    const ar = cr[pa];
    const ai = ci[pa];
    const oa = ya * nk;
    for (let j = 0; j < nk; j++) {
      const k = keep[j];
      const m = mirror[j];
      ar[oa + j] = 0.5 * (wr[k] + wr[m]);
      ai[oa + j] = 0.5 * (wi[k] - wi[m]);
    }
    if (pb < 0) return;
    const br = cr[pb];
    const bi = ci[pb];
    const ob = yb * nk;
    for (let j = 0; j < nk; j++) {
      const k = keep[j];
      const m = mirror[j];
      br[ob + j] = 0.5 * (wi[k] + wi[m]);
      bi[ob + j] = 0.5 * (wr[m] - wr[k]);
    }
  });
  // Columns: forward, Gaussian gain (with both 1/n factors of the inverse), inverse.
  for (const p of planes) {
    plan.forwardBatch(cr[p], ci[p], nk, false);
    for (let ky = 0; ky < n; ky++) {
      const gy = gain[ky];
      const o = ky * nk;
      for (let j = 0; j < nk; j++) {
        const g = gy * gain[keep[j]];
        cr[p][o + j] *= g;
        ci[p][o + j] *= g;
      }
    }
    plan.forwardBatch(cr[p], ci[p], nk, true);
  }
  // Inverse rows, two real results per complex transform: Y = A + i·B → y = a + i·b.
  const rows = yTo - yFrom;
  forEachRowPair(planes, rows, (pa, ra, pb, rb) => {
    const ya = yFrom + ra;
    const yb = yFrom + rb;
    wr.fill(0);
    wi.fill(0);
    const oa = ya * nk;
    for (let j = 0; j < nk; j++) {
      wr[keep[j]] = cr[pa][oa + j];
      wi[keep[j]] = ci[pa][oa + j];
    }
    if (pb >= 0) {
      const ob = yb * nk;
      for (let j = 0; j < nk; j++) {
        wr[keep[j]] -= ci[pb][ob + j];
        wi[keep[j]] += cr[pb][ob + j];
      }
    }
    plan.inverse(wr, wi);
    low[pa].set(wr, ya * w.ls);
    if (pb >= 0) low[pb].set(wi, yb * w.ls);
  });
}

/**
 * {@link lowpass} as the low-rank product H·v·H, H = U·D·Uᵀ (see the module comment), in SIMD: T = Uᵀ·(v·U)
 * (kb × kb), T ← D·T·D, then rows yFrom … yTo−1 of U·T·Uᵀ.
 */
function lowpassLowRank(w: PrefilterWorkspace, gemm: SimdGemm, planes: readonly number[], yFrom: number, yTo: number): void {
  const { n, ls, kb, basisGain: d } = w;
  const t = gemm.plane(7);
  for (const p of planes) {
    gemm.multiply(p, 0, n, 4, 0, kb, 6, 0, kb, n, n, kb);
    gemm.multiply(5, 0, ls, 6, 0, kb, 7, 0, kb, kb, n, kb);
    for (let a = 0; a < kb; a++) for (let b = 0; b < kb; b++) t[a * kb + b] *= d[a] * d[b];
    gemm.multiply(4, yFrom * kb, kb, 7, 0, kb, 8, 0, kb, yTo - yFrom, kb, kb);
    gemm.multiply(8, 0, kb, 5, 0, ls, 9 + p, yFrom * ls, ls, yTo - yFrom, kb, ls);
  }
}

/**
 * Applies the gist prefilter in place to the planes of one image (1 = gray, 3 = R, G, B).
 * @param planes 1 to 3 row-major `size × size` planes of intensities in [0, 255] (LMgist's range: the log and
 *   the 0.2 contrast floor assume it); overwritten with the prefiltered values (about zero-mean, unit local
 *   contrast)
 * @param size side of the square planes in pixels (≥ 2)
 * @param fc cut-off in cycles per image (LMgist default 4)
 * @param options `scalar: true` forces the FFT lowpass (for tests and benchmarks; the SIMD low-rank one agrees
 *   with it to ~1e−13)
 * @example
 * gistPrefilter([gray], 256, 4);
 */
export function gistPrefilter(planes: readonly Float64Array[], size: number, fc: number, options: { scalar?: boolean } = {}): void {
  assert(planes.length >= 1 && planes.length <= 3, `prefilter takes 1 to 3 planes, got ${planes.length}`);
  assert(planes.every((p) => p.length === size * size), 'prefilter planes are size×size');
  assert(fc > 0, `prefilter fc ${fc}`);
  const w = workspace(size, fc);
  const { n, ls, reflect, pad, low } = w;
  const gemm = options.scalar ? null : w.gemm;
  const lowpassOf = (which: readonly number[], yFrom: number, yTo: number): void =>
    gemm ? lowpassLowRank(w, gemm, which, yFrom, yTo) : lowpass(w, which, yFrom, yTo);
  const nc = planes.length;
  const channels = [0, 1, 2].slice(0, nc);
  for (let c = 0; c < nc; c++) {
    const src = planes[c];
    const dst = pad[c];
    for (let y = 0; y < n; y++) {
      const s = reflect[y] * size;
      for (let x = 0; x < n; x++) dst[y * n + x] = Math.log(src[s + reflect[x]] + 1);
    }
  }
  lowpassOf(channels, 0, n);
  const sq = pad[3];
  sq.fill(0);
  for (let c = 0; c < nc; c++) {
    const a = pad[c];
    const l = low[c];
    for (let y = 0; y < n; y++)
      for (let x = 0, i = y * n, j = y * ls; x < n; x++, i++, j++) {
        a[i] -= l[j];
        sq[i] += a[i];
      }
  }
  for (let i = 0; i < n * n; i++) {
    const m = sq[i] / nc;
    sq[i] = m * m;
  }
  lowpassOf([3], PAD, PAD + size);
  const contrast = low[3];
  for (let y = 0; y < size; y++) {
    const row = (y + PAD) * n + PAD;
    const lowRow = (y + PAD) * ls + PAD;
    for (let x = 0; x < size; x++) {
      const norm = 1 / (0.2 + Math.sqrt(Math.abs(contrast[lowRow + x])));
      for (let c = 0; c < nc; c++) planes[c][y * size + x] = pad[c][row + x] * norm;
    }
  }
}
