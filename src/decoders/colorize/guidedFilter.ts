import { assert } from '../../core/errors.ts';
import { createImage } from '../../core/image.ts';
import { boxMean } from '../../imgproc/boxMean.ts';
import { resize } from '../../imgproc/resample.ts';

/** Per-pixel linear coefficients of the guided filter: q = A·I + B (He et al. 2013, eq. 5–6). */
interface GuidedCoefficients {
  A: Float32Array;
  B: Float32Array;
}

function guidedCoefficients(guide: Float32Array, src: Float32Array, w: number, h: number, r: number, eps: number): GuidedCoefficients {
  const n = w * h;
  const ip = new Float32Array(n);
  const ii = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ip[i] = guide[i] * src[i];
    ii[i] = guide[i] * guide[i];
  }
  const mI = boxMean(guide, w, h, r);
  const mP = boxMean(src, w, h, r);
  const mIP = boxMean(ip, w, h, r);
  const mII = boxMean(ii, w, h, r);
  const a = ip; // reuse buffers
  const b = ii;
  for (let i = 0; i < n; i++) {
    const cov = mIP[i] - mI[i] * mP[i];
    const variance = mII[i] - mI[i] * mI[i];
    a[i] = cov / (variance + eps);
    b[i] = mP[i] - a[i] * mI[i];
  }
  return { A: boxMean(a, w, h, r, mIP), B: boxMean(b, w, h, r, mII) };
}

/**
 * Guided filter (He, Sun & Tang, "Guided Image Filtering", ECCV 2010 / PAMI 2013, Algorithm 1):
 * an edge-preserving smoothing of `src` whose output is locally a linear function of `guide`, so
 * edges of the guide reappear in the output. O(1) per pixel (box filters).
 * @param guide guide plane I (e.g. L* ÷ 100, values about [0, 1]), row-major `width * height`
 * @param src plane p to filter (e.g. a*), same layout
 * @param radius window radius r in pixels
 * @param eps regulariser ε in squared guide units (larger = smoother; 1e-3 for guides in [0, 1])
 * @returns filtered plane q
 * @example guidedFilter(L, a, w, h, 4, 1e-3)
 */
export function guidedFilter(guide: Float32Array, src: Float32Array, width: number, height: number, radius: number, eps: number): Float32Array {
  assert(guide.length === width * height && src.length === guide.length, 'guidedFilter plane sizes');
  const { A, B } = guidedCoefficients(guide, src, width, height, radius, eps);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = A[i] * guide[i] + B[i];
  return out;
}

/**
 * Edge-aware upsampling with the fast guided filter (He & Sun, "Fast Guided Filter", arXiv 1505.00996,
 * 2015, Algorithm 2): the guide is shrunk to the low resolution of `src`, the linear coefficients A, B
 * are computed there, enlarged bilinearly to full size and applied to the full-resolution guide, so
 * the low-resolution `src` (e.g. transferred chroma) follows the edges of the full-resolution guide.
 * @param guide full-resolution guide plane (`width * height`, e.g. L* ÷ 100)
 * @param src low-resolution plane (`srcWidth * srcHeight`)
 * @param radius window radius in low-resolution pixels
 * @param eps regulariser ε in squared guide units
 * @returns full-resolution plane (`width * height`)
 */
export function guidedUpsample(
  guide: Float32Array,
  width: number,
  height: number,
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  radius: number,
  eps: number,
): Float32Array {
  assert(guide.length === width * height && src.length === srcWidth * srcHeight, 'guidedUpsample plane sizes');
  const smallGuide = resize(createImage(width, height, 1, guide), srcWidth, srcHeight).data;
  const { A, B } = guidedCoefficients(smallGuide, src, srcWidth, srcHeight, radius, eps);
  const coeffs = createImage(srcWidth, srcHeight, 2);
  coeffs.data.set(A, 0);
  coeffs.data.set(B, srcWidth * srcHeight);
  const big = resize(coeffs, width, height).data;
  const n = width * height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = big[i] * guide[i] + big[n + i];
  return out;
}
