import { assert } from '../../core/errors.ts';
import { fft2d, nextFastFftSize } from '../../imgproc/fft.ts';

/**
 * Real cross-correlation of several channel pairs at once with the mixed-radix FFT of imgproc/fft.ts,
 * for the context matching of scene completion (Hays & Efros 2007, §4: "SSD over all translations",
 * computed with the convolution theorem instead of a quadruple loop).
 *
 * Layout: every plane is row-major `nx × ny` (x fastest).
 */

/** Smallest FFT length ≥ n that the mixed-radix FFT handles fast (2^a·3^b·5^c). */
export function fftSize(n: number): number {
  return nextFastFftSize(n);
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
  fft2d(re, im, nx, ny, false);
  const out: PairSpectrum = {
    aRe: new Float64Array(nx * ny),
    aIm: new Float64Array(nx * ny),
    bRe: new Float64Array(nx * ny),
    bIm: new Float64Array(nx * ny),
  };
  for (let ky = 0; ky < ny; ky++) {
    const my = (ny - ky) % ny;
    for (let kx = 0; kx < nx; kx++) {
      const k = ky * nx + kx;
      const m = my * nx + ((nx - kx) % nx);
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
