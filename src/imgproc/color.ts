import { createImage, type Image } from '../core/image.ts';
import { assert } from '../core/errors.ts';

/**
 * Exact sRGB (IEC 61966-2-1) ↔ CIE L*a*b* with the D65 white point, as in CIE 15:2004.
 * L* in [0, 100], a* and b* roughly in [-128, 127].
 */

// sRGB → XYZ (D65) matrix from IEC 61966-2-1, and its inverse.
const M = [0.4124564, 0.3575761, 0.1804375, 0.2126729, 0.7151522, 0.072175, 0.0193339, 0.119192, 0.9503041];
const MI = [3.2404542, -1.5371385, -0.4985314, -0.969266, 1.8760108, 0.041556, 0.0556434, -0.2040259, 1.0572252];
// D65 reference white (X, Y, Z) with Y = 1.
const XN = 0.95047;
const YN = 1.0;
const ZN = 1.08883;
const EPS = 216 / 24389; // (6/29)^3
const KAPPA = 24389 / 27; // (29/3)^3

// Gamma expansion is the hot part: a 4096-entry table with linear interpolation is exact to 1e-6.
const LUT_SIZE = 4096;
const toLinearLut = new Float32Array(LUT_SIZE + 2);
for (let i = 0; i <= LUT_SIZE + 1; i++) toLinearLut[i] = srgbToLinearExact(Math.min(1, i / LUT_SIZE));

export function srgbToLinearExact(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

export function linearToSrgb(v: number): number {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

function srgbToLinear(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 1;
  const x = v * LUT_SIZE;
  const i = x | 0;
  const f = x - i;
  return toLinearLut[i] + (toLinearLut[i + 1] - toLinearLut[i]) * f;
}

function labF(t: number): number {
  return t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

function labFInv(f: number): number {
  const f3 = f * f * f;
  return f3 > EPS ? f3 : (116 * f - 16) / KAPPA;
}

/** One sRGB pixel (components in [0, 1]) → [L*, a*, b*]. */
export function rgbToLabPixel(r: number, g: number, b: number, out: Float64Array | number[] = [0, 0, 0]): typeof out {
  const rl = srgbToLinearExact(r);
  const gl = srgbToLinearExact(g);
  const bl = srgbToLinearExact(b);
  const fx = labF((M[0] * rl + M[1] * gl + M[2] * bl) / XN);
  const fy = labF((M[3] * rl + M[4] * gl + M[5] * bl) / YN);
  const fz = labF((M[6] * rl + M[7] * gl + M[8] * bl) / ZN);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
  return out;
}

/** One L*a*b* pixel → sRGB components in [0, 1] (clamped). */
export function labToRgbPixel(L: number, a: number, bb: number, out: Float64Array | number[] = [0, 0, 0]): typeof out {
  const fy = (L + 16) / 116;
  const x = labFInv(fy + a / 500) * XN;
  const y = labFInv(fy) * YN;
  const z = labFInv(fy - bb / 200) * ZN;
  out[0] = clamp01(linearToSrgb(MI[0] * x + MI[1] * y + MI[2] * z));
  out[1] = clamp01(linearToSrgb(MI[3] * x + MI[4] * y + MI[5] * z));
  out[2] = clamp01(linearToSrgb(MI[6] * x + MI[7] * y + MI[8] * z));
  return out;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** RGB image → planar L*a*b* image (3 planes: L*, a*, b*). Gray input is treated as R = G = B. */
export function rgbToLab(image: Image): Image {
  const n = image.width * image.height;
  const out = createImage(image.width, image.height, 3);
  const s = image.data;
  const d = out.data;
  const gray = image.channels === 1;
  assert(gray || image.channels === 3, 'rgbToLab needs 1 or 3 channels');
  for (let i = 0; i < n; i++) {
    const rl = srgbToLinear(s[i]);
    const gl = gray ? rl : srgbToLinear(s[n + i]);
    const bl = gray ? rl : srgbToLinear(s[2 * n + i]);
    const fx = labF((M[0] * rl + M[1] * gl + M[2] * bl) / XN);
    const fy = labF((M[3] * rl + M[4] * gl + M[5] * bl) / YN);
    const fz = labF((M[6] * rl + M[7] * gl + M[8] * bl) / ZN);
    d[i] = 116 * fy - 16;
    d[n + i] = 500 * (fx - fy);
    d[2 * n + i] = 200 * (fy - fz);
  }
  return out;
}

/** Planar L*a*b* image → RGB image in [0, 1] (out-of-gamut colours clamped). */
export function labToRgb(lab: Image): Image {
  const n = lab.width * lab.height;
  const out = createImage(lab.width, lab.height, 3);
  const s = lab.data;
  const d = out.data;
  const px = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    labToRgbPixel(s[i], s[n + i], s[2 * n + i], px);
    d[i] = px[0];
    d[n + i] = px[1];
    d[2 * n + i] = px[2];
  }
  return out;
}
