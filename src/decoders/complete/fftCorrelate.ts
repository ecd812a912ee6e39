import { assert } from '../../core/errors.ts';

/**
 * Radix-2 2-D FFT and real cross-correlation of several channel pairs at once, for the context
 * matching of scene completion (Hays & Efros 2007, §4: "SSD over all translations", computed with
 * the convolution theorem instead of a quadruple loop).
 *
 * Layout: every plane is row-major `nx × ny` (x fastest), `nx` and `ny` powers of two.
 */

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tables(n: number): { cos: Float64Array; sin: Float64Array; rev: Uint32Array } {
  let t = twiddleCache.get(n);
  if (t) return t;
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  t = { cos, sin, rev };
  twiddleCache.set(n, t);
  return t;
}

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** In-place 1-D FFT of `n` complex values read with a stride (sign −1 forward, +1 inverse, unscaled). */
function fft1d(re: Float64Array, im: Float64Array, offset: number, stride: number, n: number, inverse: boolean, bufRe: Float64Array, bufIm: Float64Array): void {
  const { cos, sin, rev } = tables(n);
  for (let i = 0; i < n; i++) {
    const j = offset + rev[i] * stride;
    bufRe[i] = re[j];
    bufIm[i] = im[j];
  }
  const sgn = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = cos[t];
        const wi = sgn * sin[t];
        const a = start + k;
        const b = a + half;
        const xr = bufRe[b] * wr - bufIm[b] * wi;
        const xi = bufRe[b] * wi + bufIm[b] * wr;
        bufRe[b] = bufRe[a] - xr;
        bufIm[b] = bufIm[a] - xi;
        bufRe[a] += xr;
        bufIm[a] += xi;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const j = offset + i * stride;
    re[j] = bufRe[i];
    im[j] = bufIm[i];
  }
}

/**
 * In-place 2-D FFT (rows then columns). The inverse is scaled by 1/(nx·ny), so `fft2d(fft2d(x), inverse)` = x.
 * @param re real parts, `nx*ny`, row-major
 * @param im imaginary parts, same layout
 */
export function fft2d(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
  assert(nx === nextPow2(nx) && ny === nextPow2(ny), `fft2d size ${nx}x${ny} must be powers of two`);
  assert(re.length === nx * ny && im.length === nx * ny, 'fft2d plane length');
  const m = Math.max(nx, ny);
  const bufRe = new Float64Array(m);
  const bufIm = new Float64Array(m);
  for (let y = 0; y < ny; y++) fft1d(re, im, y * nx, 1, nx, inverse, bufRe, bufIm);
  for (let x = 0; x < nx; x++) fft1d(re, im, x, nx, ny, inverse, bufRe, bufIm);
  if (inverse) {
    const s = 1 / (nx * ny);
    for (let i = 0; i < re.length; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }
}

/** Spectra of two real planes computed with one complex FFT (packing a + i·b, then splitting by Hermitian symmetry). */
export interface PairSpectrum {
  aRe: Float64Array;
  aIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
}

/**
 * FFTs of two real `w × h` planes, zero-padded to `nx × ny`.
 * @param a first plane, `w*h` row-major (or null for zeros)
 * @param b second plane, `w*h` row-major (or null for zeros)
 */
export function realPairSpectrum(a: ArrayLike<number> | null, b: ArrayLike<number> | null, w: number, h: number, nx: number, ny: number): PairSpectrum {
  assert(w <= nx && h <= ny, 'plane fits the FFT size');
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (a) re[y * nx + x] = a[y * w + x];
      if (b) im[y * nx + x] = b[y * w + x];
    }
  }
  fft2d(re, im, nx, ny);
  const out: PairSpectrum = {
    aRe: new Float64Array(nx * ny),
    aIm: new Float64Array(nx * ny),
    bRe: new Float64Array(nx * ny),
    bIm: new Float64Array(nx * ny),
  };
  for (let ky = 0; ky < ny; ky++) {
    const my = (ny - ky) & (ny - 1);
    for (let kx = 0; kx < nx; kx++) {
      const k = ky * nx + kx;
      const m = my * nx + ((nx - kx) & (nx - 1));
      // A = (Z[k] + conj Z[-k]) / 2, B = (Z[k] − conj Z[-k]) / 2i.
      out.aRe[k] = 0.5 * (re[k] + re[m]);
      out.aIm[k] = 0.5 * (im[k] - im[m]);
      out.bRe[k] = 0.5 * (im[k] + im[m]);
      out.bIm[k] = -0.5 * (re[k] - re[m]);
    }
  }
  return out;
}

/**
 * Accumulates `weight · conj(T) · S` into a spectrum, so that after `fft2d(…, inverse)` entry `o`
 * holds `Σ_p T(p) · S(p + o)` (cross-correlation without wrap-around for `o` where the template fits).
 */
export function accumulateCorrelation(
  accRe: Float64Array,
  accIm: Float64Array,
  tRe: Float64Array,
  tIm: Float64Array,
  sRe: Float64Array,
  sIm: Float64Array,
  weight: number,
): void {
  for (let k = 0; k < accRe.length; k++) {
    accRe[k] += weight * (tRe[k] * sRe[k] + tIm[k] * sIm[k]);
    accIm[k] += weight * (tRe[k] * sIm[k] - tIm[k] * sRe[k]);
  }
}
