import { assert } from '../core/errors.ts';

/**
 * Complex fast Fourier transforms on separate real/imaginary planes: mixed-radix Stockham (self-sorting,
 * no bit reversal) with radix-4, 2, 3 and 5 butterflies and an O(p) odd-prime butterfly for prime factors up
 * to 31; lengths with a larger prime factor use Bluestein's chirp-z algorithm (three fast transforms of a
 * 2·3·5-smooth length ≥ 2n − 1). Every length works in O(n log n); lengths whose prime factors are 2, 3 and 5
 * ({@link isFastFftSize}) are fastest, so pad to {@link nextFastFftSize} where the algorithm allows it.
 *
 * Conventions (numpy's): forward `X[k] = Σ_t x[t]·e^{-2πi·t·k/n}`; the normalised inverse ({@link fft1d},
 * {@link fft2d}) divides by n (n = width·height in 2-D), so `inverse(forward(x)) == x`. The plan methods
 * ({@link FftPlan.forward}, {@link FftPlan.inverse}, {@link FftPlan.forwardBatch}) are unnormalised, for
 * hot loops that fold the 1/n into a filter.
 *
 * Plans (factorisation, twiddles, scratch) are built once per length and cached ({@link fftPlan}), so a
 * transform allocates nothing. Plans hold scratch buffers: use them from one thread (each worker has its own
 * module instance), never re-entrantly.
 *
 * References: Cooley & Tukey, "An algorithm for the machine calculation of complex Fourier series", Math.
 * Comp. 19 (1965); Stockham autosort form as in Van Loan, "Computational Frameworks for the Fast Fourier
 * Transform", SIAM 1992, §1.7 and §2.3 (mixed radix); Bluestein, "A linear filtering approach to the
 * computation of the discrete Fourier transform", IEEE Trans. Audio Electroacoust. 18 (1970).
 */

type Planes = Float32Array | Float64Array;

/** Butterfly radices in stage order: 5s, 3s, other primes ascending, then 4s and a final 2. */
function factorise(n: number): number[] {
  const f: number[] = [];
  let r = n;
  // Odd radices first: measured ~15% faster than last for 320 = 5·4·4·4 (the 4-point stages then run with
  // long contiguous inner loops).
  for (const p of [5, 3]) {
    while (r % p === 0) {
      f.push(p);
      r /= p;
    }
  }
  const tail: number[] = [];
  while (r % 4 === 0) {
    tail.push(4);
    r /= 4;
  }
  if (r % 2 === 0) {
    tail.push(2);
    r /= 2;
  }
  for (let p = 7; r > 1; p += 2) {
    while (r % p === 0) {
      f.push(p);
      r /= p;
    }
    if (p * p > r && r > 1) {
      f.push(r);
      r = 1;
    }
  }
  return f.concat(tail);
}

/** True when n = 2^a·3^b·5^c (n ≥ 1): the lengths the radix-2/3/4/5 butterflies handle without the generic one. */
export function isFastFftSize(n: number): boolean {
  if (!Number.isInteger(n) || n < 1) return false;
  let r = n;
  for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
  return r === 1;
}

/** Smallest length ≥ n whose prime factors are 2, 3 and 5 (e.g. 266 → 270, 320 → 320). */
export function nextFastFftSize(n: number): number {
  assert(Number.isInteger(n) && n >= 1, `fft size ${n}`);
  let m = n;
  while (!isFastFftSize(m)) m++;
  return m;
}

interface Stage {
  /** Radix of this stage. */
  p: number;
  /** Sub-transform length after this stage (= length before / p). */
  m: number;
  /** Twiddles ω_{p·m}^{j·k}, j < m, 1 ≤ k < p, at [j·(p−1) + k − 1]. */
  twr: Float64Array;
  twi: Float64Array;
}

/**
 * A precomputed FFT of one length: factorisation, twiddles, and scratch planes. Get one with {@link fftPlan}.
 * All methods transform Float64 planes in place and are unnormalised.
 */
export class FftPlan {
  readonly n: number;
  readonly factors: readonly number[];
  private readonly stages: Stage[];
  private sr: Float64Array;
  private si: Float64Array;
  /** cos/sin(2π·h·k/p), h, k = 1 … (p−1)/2, for the generic odd-prime butterfly, and its work buffers. */
  private readonly cosTab = new Map<number, Float64Array>();
  private readonly sinTab = new Map<number, Float64Array>();
  private work = new Float64Array(0);
  /** Bluestein mode (a prime factor > {@link MAX_DIRECT_PRIME}): chirp w[t] = e^{−iπt²/n}, FFT of the conjugate chirp / M, buffers. */
  private readonly chirp?: ChirpTables;

  constructor(n: number) {
    assert(Number.isInteger(n) && n >= 1, `fft size ${n}`);
    this.n = n;
    this.factors = factorise(n);
    this.stages = [];
    this.sr = new Float64Array(0);
    this.si = new Float64Array(0);
    if (this.factors.some((p) => p > MAX_DIRECT_PRIME)) {
      this.chirp = bluesteinTables(n);
      return;
    }
    let len = n;
    for (const p of this.factors) {
      const m = len / p;
      const twr = new Float64Array(m * (p - 1));
      const twi = new Float64Array(m * (p - 1));
      for (let j = 0; j < m; j++)
        for (let k = 1; k < p; k++) {
          const a = (-2 * Math.PI * j * k) / len;
          twr[j * (p - 1) + k - 1] = Math.cos(a);
          twi[j * (p - 1) + k - 1] = Math.sin(a);
        }
      this.stages.push({ p, m, twr, twi });
      if (p > 5 && !this.cosTab.has(p)) {
        const h2 = (p - 1) / 2;
        const ct = new Float64Array(h2 * h2);
        const stb = new Float64Array(h2 * h2);
        for (let h = 1; h <= h2; h++)
          for (let k = 1; k <= h2; k++) {
            ct[(k - 1) * h2 + h - 1] = Math.cos((2 * Math.PI * ((h * k) % p)) / p);
            stb[(k - 1) * h2 + h - 1] = Math.sin((2 * Math.PI * ((h * k) % p)) / p);
          }
        this.cosTab.set(p, ct);
        this.sinTab.set(p, stb);
        if (this.work.length < 4 * h2) this.work = new Float64Array(4 * h2);
      }
      len = m;
    }
    this.sr = new Float64Array(n);
    this.si = new Float64Array(n);
  }

  /** Forward DFT of the n values `re/im[offset .. offset+n)`, in place, unnormalised. */
  forward(re: Float64Array, im: Float64Array, offset = 0): void {
    assert(offset >= 0 && offset + this.n <= re.length && offset + this.n <= im.length, 'fft range inside planes');
    this.run(re, im, offset, 1);
  }

  /** Inverse DFT (e^{+2πi…}) of `re/im[offset .. offset+n)`, in place, unnormalised (result is n × the true inverse). */
  inverse(re: Float64Array, im: Float64Array, offset = 0): void {
    // Swapping real and imaginary parts conjugates both input and output: IDFT(x) = swap(DFT(swap(x))).
    assert(offset >= 0 && offset + this.n <= re.length && offset + this.n <= im.length, 'fft range inside planes');
    this.run(im, re, offset, 1);
  }

  /**
   * `batch` interleaved transforms at once: element t of transform b is at `t·batch + b` (the columns of a
   * row-major n × batch array). In place, unnormalised. Innermost loops run over the batch, so this is the
   * cache-friendly way to transform all columns of an image.
   * @param re, im length ≥ n·batch
   */
  forwardBatch(re: Float64Array, im: Float64Array, batch: number, inverse = false): void {
    assert(Number.isInteger(batch) && batch >= 1, `fft batch ${batch}`);
    assert(re.length >= this.n * batch && im.length >= this.n * batch, 'fft batch planes too short');
    if (inverse) this.run(im, re, 0, batch);
    else this.run(re, im, 0, batch);
  }

  /** Stockham passes ping-ponging between (re, im) at offset and the scratch planes; s0 = initial stride. */
  private run(re: Float64Array, im: Float64Array, offset: number, s0: number): void {
    if (this.chirp) {
      this.runBluestein(re, im, offset, s0);
      return;
    }
    const total = this.n * s0;
    if (this.sr.length < total) {
      this.sr = new Float64Array(total);
      this.si = new Float64Array(total);
    }
    let xr = re;
    let xi = im;
    let xo = offset;
    let yr = this.sr;
    let yi = this.si;
    let yo = 0;
    let s = s0;
    for (const st of this.stages) {
      switch (st.p) {
        case 4:
          radix4(st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi);
          break;
        case 2:
          radix2(st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi);
          break;
        case 3:
          radix3(st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi);
          break;
        case 5:
          radix5(st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi);
          break;
        default:
          radixOdd(st.p, st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi, this.cosTab.get(st.p)!, this.sinTab.get(st.p)!, this.work);
      }
      s *= st.p;
      const tr = xr;
      const ti = xi;
      const to = xo;
      xr = yr;
      xi = yi;
      xo = yo;
      yr = tr;
      yi = ti;
      yo = to;
    }
    if (xr !== re) {
      for (let i = 0; i < total; i++) {
        re[offset + i] = xr[i];
        im[offset + i] = xi[i];
      }
    }
  }

  /** X[k] = w[k]·Σ_t (x[t]·w[t])·conj(w[k−t]): a circular convolution of length M done with fast FFTs. */
  private runBluestein(re: Float64Array, im: Float64Array, offset: number, s0: number): void {
    const { m, wr, wi, br, bi, ar, ai } = this.chirp!;
    const n = this.n;
    const sub = fftPlan(m);
    for (let b = 0; b < s0; b++) {
      ar.fill(0);
      ai.fill(0);
      for (let t = 0, i = offset + b; t < n; t++, i += s0) {
        const xr = re[i];
        const xi = im[i];
        ar[t] = xr * wr[t] - xi * wi[t];
        ai[t] = xr * wi[t] + xi * wr[t];
      }
      sub.forward(ar, ai);
      for (let k = 0; k < m; k++) {
        const r = ar[k] * br[k] - ai[k] * bi[k];
        ai[k] = ar[k] * bi[k] + ai[k] * br[k];
        ar[k] = r;
      }
      sub.inverse(ar, ai);
      for (let k = 0, i = offset + b; k < n; k++, i += s0) {
        re[i] = ar[k] * wr[k] - ai[k] * wi[k];
        im[i] = ar[k] * wi[k] + ai[k] * wr[k];
      }
    }
  }
}

/** Prime factors up to this use the O(p) odd-prime butterfly; lengths with a larger one use Bluestein's algorithm. */
const MAX_DIRECT_PRIME = 31;

interface ChirpTables {
  /** Convolution length, 2·3·5-smooth, ≥ 2n − 1. */
  m: number;
  /** The chirp e^{−iπt²/n}, t < n. */
  wr: Float64Array;
  wi: Float64Array;
  /** DFT_m of the conjugate chirp (wrapped to negative indices), divided by m. */
  br: Float64Array;
  bi: Float64Array;
  /** Work planes of length m. */
  ar: Float64Array;
  ai: Float64Array;
}

function bluesteinTables(n: number): ChirpTables {
  const m = nextFastFftSize(2 * n - 1);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    // t² mod 2n keeps the angle small and exact.
    const a = (-Math.PI * ((t * t) % (2 * n))) / n;
    wr[t] = Math.cos(a);
    wi[t] = Math.sin(a);
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    br[t] = wr[t] / m;
    bi[t] = -wi[t] / m;
    if (t > 0) {
      br[m - t] = br[t];
      bi[m - t] = bi[t];
    }
  }
  fftPlan(m).forward(br, bi);
  return { m, wr, wi, br, bi, ar: new Float64Array(m), ai: new Float64Array(m) };
}

// Stockham DIF stage: input x[q + s·(j + r·m)], output y[q + s·(p·j + k)] = (Σ_r x_r·ω_p^{rk})·ω_{pm}^{jk},
// for j < m, q < s. Offsets xo/yo locate the sequence inside its planes.

function radix2(m: number, s: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, twr: Float64Array, twi: Float64Array): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twr[j];
    const w1i = twi[j];
    const ib = xo + s * j;
    const ob = yo + 2 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const ar = xr[i0];
      const ai = xi[i0];
      const br = xr[i1];
      const bi = xi[i1];
      const o = ob + q;
      yr[o] = ar + br;
      yi[o] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[o + s] = dr * w1r - di * w1i;
      yi[o + s] = dr * w1i + di * w1r;
    }
  }
}

function radix4(m: number, s: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, twr: Float64Array, twi: Float64Array): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twr[3 * j];
    const w1i = twi[3 * j];
    const w2r = twr[3 * j + 1];
    const w2i = twi[3 * j + 1];
    const w3r = twr[3 * j + 2];
    const w3i = twi[3 * j + 2];
    const ib = xo + s * j;
    const ob = yo + 4 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i1];
      const a1i = xi[i1];
      const a2r = xr[i2];
      const a2i = xi[i2];
      const a3r = xr[i3];
      const a3i = xi[i3];
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      // (a1 − a3)·(−i)
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = ob + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      const b1r = t1r + t3r;
      const b1i = t1i + t3i;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      const b3r = t1r - t3r;
      const b3i = t1i - t3i;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

const SIN60 = Math.sqrt(3) / 2;

function radix3(m: number, s: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, twr: Float64Array, twi: Float64Array): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twr[2 * j];
    const w1i = twi[2 * j];
    const w2r = twr[2 * j + 1];
    const w2i = twi[2 * j + 1];
    const ib = xo + s * j;
    const ob = yo + 3 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const tr = xr[i1] + xr[i2];
      const ti = xi[i1] + xi[i2];
      // −i·(√3/2)·(a1 − a2)
      const ur = SIN60 * (xi[i1] - xi[i2]);
      const ui = -SIN60 * (xr[i1] - xr[i2]);
      const cr = a0r - 0.5 * tr;
      const ci = a0i - 0.5 * ti;
      const o = ob + q;
      yr[o] = a0r + tr;
      yi[o] = a0i + ti;
      const b1r = cr + ur;
      const b1i = ci + ui;
      const b2r = cr - ur;
      const b2i = ci - ui;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function radix5(m: number, s: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, twr: Float64Array, twi: Float64Array): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twr[4 * j];
    const w1i = twi[4 * j];
    const w2r = twr[4 * j + 1];
    const w2i = twi[4 * j + 1];
    const w3r = twr[4 * j + 2];
    const w3i = twi[4 * j + 2];
    const w4r = twr[4 * j + 3];
    const w4i = twi[4 * j + 3];
    const ib = xo + s * j;
    const ob = yo + 5 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const i4 = i3 + sm;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const t1r = xr[i1] + xr[i4];
      const t1i = xi[i1] + xi[i4];
      const t2r = xr[i2] + xr[i3];
      const t2i = xi[i2] + xi[i3];
      const t3r = xr[i1] - xr[i4];
      const t3i = xi[i1] - xi[i4];
      const t4r = xr[i2] - xr[i3];
      const t4i = xi[i2] - xi[i3];
      const m1r = a0r + C1 * t1r + C2 * t2r;
      const m1i = a0i + C1 * t1i + C2 * t2i;
      const m2r = a0r + C2 * t1r + C1 * t2r;
      const m2i = a0i + C2 * t1i + C1 * t2i;
      const n1r = S1 * t3r + S2 * t4r;
      const n1i = S1 * t3i + S2 * t4i;
      const n2r = S2 * t3r - S1 * t4r;
      const n2i = S2 * t3i - S1 * t4i;
      const o = ob + q;
      yr[o] = a0r + t1r + t2r;
      yi[o] = a0i + t1i + t2i;
      // b1 = m1 − i·n1, b4 = m1 + i·n1, b2 = m2 − i·n2, b3 = m2 + i·n2
      const b1r = m1r + n1i;
      const b1i = m1i - n1r;
      const b4r = m1r - n1i;
      const b4i = m1i + n1r;
      const b2r = m2r + n2i;
      const b2i = m2i - n2r;
      const b3r = m2r - n2i;
      const b3i = m2i + n2r;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
      yr[o + 4 * s] = b4r * w4r - b4i * w4i;
      yi[o + 4 * s] = b4r * w4i + b4i * w4r;
    }
  }
}

/**
 * Any odd prime p: pairs a_h ± a_{p−h} make the DFT real cosine and sine sums,
 * b_k = a_0 + Σ_h (a_h + a_{p−h})·cos(2πhk/p) ∓ i·Σ_h (a_h − a_{p−h})·sin(2πhk/p) for b_k / b_{p−k}:
 * (p−1)²/4 complex-by-real products per pair of outputs instead of p².
 */
function radixOdd(
  p: number,
  m: number,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
  twr: Float64Array,
  twi: Float64Array,
  ct: Float64Array,
  st: Float64Array,
  work: Float64Array,
): void {
  const sm = s * m;
  const h2 = (p - 1) / 2;
  // work: [sum re | sum im | diff re | diff im], h2 each.
  const di = h2;
  const ddr = 2 * h2;
  const ddi = 3 * h2;
  for (let j = 0; j < m; j++) {
    const tw = j * (p - 1) - 1;
    for (let q = 0; q < s; q++) {
      const ib = xo + q + s * j;
      const a0r = xr[ib];
      const a0i = xi[ib];
      let b0r = a0r;
      let b0i = a0i;
      for (let h = 1; h <= h2; h++) {
        const u = ib + h * sm;
        const v = ib + (p - h) * sm;
        const sr = xr[u] + xr[v];
        const si = xi[u] + xi[v];
        work[h - 1] = sr;
        work[di + h - 1] = si;
        work[ddr + h - 1] = xr[u] - xr[v];
        work[ddi + h - 1] = xi[u] - xi[v];
        b0r += sr;
        b0i += si;
      }
      const o = yo + q + s * p * j;
      yr[o] = b0r;
      yi[o] = b0i;
      for (let k = 1; k <= h2; k++) {
        let ar = a0r;
        let ai = a0i;
        let br = 0;
        let bi = 0;
        const row = (k - 1) * h2;
        for (let h = 0; h < h2; h++) {
          const c = ct[row + h];
          const sn = st[row + h];
          ar += work[h] * c;
          ai += work[di + h] * c;
          br += work[ddr + h] * sn;
          bi += work[ddi + h] * sn;
        }
        // b_k = A − i·B, b_{p−k} = A + i·B
        const pr = ar + bi;
        const pi = ai - br;
        const nr = ar - bi;
        const ni = ai + br;
        const w1r = twr[tw + k];
        const w1i = twi[tw + k];
        const w2r = twr[tw + p - k];
        const w2i = twi[tw + p - k];
        yr[o + k * s] = pr * w1r - pi * w1i;
        yi[o + k * s] = pr * w1i + pi * w1r;
        yr[o + (p - k) * s] = nr * w2r - ni * w2i;
        yi[o + (p - k) * s] = nr * w2i + ni * w2r;
      }
    }
  }
}

const plans = new Map<number, FftPlan>();

/** The cached plan for length n (built on first use). */
export function fftPlan(n: number): FftPlan {
  let plan = plans.get(n);
  if (!plan) {
    plan = new FftPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

/** Float64 work planes for copying Float32 input, grown on demand. */
let workR = new Float64Array(0);
let workI = new Float64Array(0);

function work(size: number): void {
  if (workR.length < size) {
    workR = new Float64Array(size);
    workI = new Float64Array(size);
  }
}

/**
 * In-place 1-D DFT of `re`/`im` (same length n, any n ≥ 1; fast for 2^a·3^b·5^c). The inverse is normalised
 * by 1/n. Float32 planes are transformed in double precision and rounded once at the end.
 * @param re real parts, length n
 * @param im imaginary parts, length n
 * @param inverse false: `X[k] = Σ x[t]e^{-2πitk/n}`; true: `x[t] = (1/n)Σ X[k]e^{+2πitk/n}`
 * @example
 * const re = Float64Array.of(1, 2, 3, 4), im = new Float64Array(4);
 * fft1d(re, im, false); // re = [10, -2, -2, -2], im = [0, 2, 0, -2]
 */
export function fft1d(re: Planes, im: Planes, inverse: boolean): void {
  const n = re.length;
  assert(im.length === n && n >= 1, `fft1d planes ${re.length}/${im.length}`);
  const plan = fftPlan(n);
  if (re instanceof Float64Array && im instanceof Float64Array) {
    if (inverse) plan.inverse(re, im);
    else plan.forward(re, im);
    if (inverse) scale(re, im, 0, n, 1 / n);
    return;
  }
  work(n);
  workR.set(re);
  workI.set(im);
  if (inverse) plan.inverse(workR, workI);
  else plan.forward(workR, workI);
  const f = inverse ? 1 / n : 1;
  for (let i = 0; i < n; i++) {
    re[i] = workR[i] * f;
    im[i] = workI[i] * f;
  }
}

function scale(re: Float64Array, im: Float64Array, from: number, to: number, f: number): void {
  for (let i = from; i < to; i++) {
    re[i] *= f;
    im[i] *= f;
  }
}

/**
 * In-place 2-D DFT of a row-major `height × width` complex image held as two planes
 * (`re[y·width + x]`, `im[y·width + x]`): rows, then all columns as one batched pass. The inverse is
 * normalised by 1/(width·height). Any sizes; fast when both are 2^a·3^b·5^c.
 * @param re real parts, length width·height
 * @param im imaginary parts, length width·height
 * @param width columns (≥ 1)
 * @param height rows (≥ 1)
 * @param inverse false: forward `e^{-2πi(…)}`; true: normalised inverse
 * @example
 * const re = new Float64Array(320 * 320), im = new Float64Array(320 * 320);
 * re[0] = 1; fft2d(re, im, 320, 320, false); // all ones: the spectrum of an impulse
 */
export function fft2d(re: Planes, im: Planes, width: number, height: number, inverse: boolean): void {
  const n = width * height;
  assert(re.length === n && im.length === n && n >= 1, `fft2d planes ${re.length}/${im.length} for ${width}x${height}`);
  let r: Float64Array;
  let i: Float64Array;
  const f64 = re instanceof Float64Array && im instanceof Float64Array;
  if (f64) {
    r = re;
    i = im as Float64Array;
  } else {
    work(n);
    r = workR;
    i = workI;
    r.set(re);
    i.set(im);
  }
  const rowPlan = fftPlan(width);
  for (let y = 0; y < height; y++) {
    if (inverse) rowPlan.inverse(r, i, y * width);
    else rowPlan.forward(r, i, y * width);
  }
  fftPlan(height).forwardBatch(r, i, width, inverse);
  const f = inverse ? 1 / n : 1;
  if (f64) {
    if (inverse) scale(r, i, 0, n, f);
  } else {
    for (let k = 0; k < n; k++) {
      re[k] = r[k] * f;
      im[k] = i[k] * f;
    }
  }
}
