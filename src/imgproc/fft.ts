import { assert } from '../core/errors.ts';

/**
 * Complex fast Fourier transforms on separate real/imaginary planes: mixed-radix Stockham (self-sorting,
 * no bit reversal) with radix-4, 2, 3 and 5 butterflies and a generic O(p²) butterfly for any other prime
 * factor p. Every length works; lengths whose prime factors are 2, 3 and 5 ({@link isFastFftSize}) are fast,
 * a length with a large prime factor p costs O(n·p), so pad to {@link nextFastFftSize} where you can.
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
 * Transform", SIAM 1992, §1.7 and §2.3 (mixed radix).
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
  /** cos/sin(2π·k/p) for the generic butterfly, and its gather buffers. */
  private readonly rootsR = new Map<number, Float64Array>();
  private readonly rootsI = new Map<number, Float64Array>();
  private gr = new Float64Array(0);
  private gi = new Float64Array(0);

  constructor(n: number) {
    assert(Number.isInteger(n) && n >= 1, `fft size ${n}`);
    this.n = n;
    this.factors = factorise(n);
    this.stages = [];
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
      if (p > 5 && !this.rootsR.has(p)) {
        const cr = new Float64Array(p);
        const ci = new Float64Array(p);
        for (let k = 0; k < p; k++) {
          cr[k] = Math.cos((-2 * Math.PI * k) / p);
          ci[k] = Math.sin((-2 * Math.PI * k) / p);
        }
        this.rootsR.set(p, cr);
        this.rootsI.set(p, ci);
        if (this.gr.length < 2 * p) {
          this.gr = new Float64Array(2 * p);
          this.gi = new Float64Array(2 * p);
        }
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
          radixGeneric(st.p, st.m, s, xr, xi, xo, yr, yi, yo, st.twr, st.twi, this.rootsR.get(st.p)!, this.rootsI.get(st.p)!, this.gr, this.gi);
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

function radixGeneric(
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
  cr: Float64Array,
  ci: Float64Array,
  gr: Float64Array,
  gi: Float64Array,
): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    for (let q = 0; q < s; q++) {
      const ib = xo + q + s * j;
      for (let r = 0; r < p; r++) {
        gr[r] = xr[ib + r * sm];
        gi[r] = xi[ib + r * sm];
      }
      const o = yo + q + s * p * j;
      for (let k = 0; k < p; k++) {
        let accR = 0;
        let accI = 0;
        for (let r = 0, e = 0; r < p; r++, e += k) {
          if (e >= p) e -= p;
          accR += gr[r] * cr[e] - gi[r] * ci[e];
          accI += gr[r] * ci[e] + gi[r] * cr[e];
        }
        if (k === 0) {
          yr[o] = accR;
          yi[o] = accI;
        } else {
          const wr = twr[j * (p - 1) + k - 1];
          const wi = twi[j * (p - 1) + k - 1];
          yr[o + k * s] = accR * wr - accI * wi;
          yi[o + k * s] = accR * wi + accI * wr;
        }
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
