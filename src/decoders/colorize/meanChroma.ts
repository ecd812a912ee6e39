import { assert } from '../../core/errors.ts';
import { createImage, type Image } from '../../core/image.ts';
import { labToRgb, rgbToLab } from '../../imgproc/color.ts';
import { resize } from '../../imgproc/resample.ts';

/** Chroma planes a*, b* (CIE L*a*b*, D65) of a `width × height` grid, row-major. */
export interface Chroma {
  readonly width: number;
  readonly height: number;
  readonly a: Float32Array;
  readonly b: Float32Array;
}

/**
 * The weighted mean a*, b* of colour photos seen at a common `width × height` thumbnail (aspect ratio
 * ignored, as in the tiny-image matching that found them: Torralba, Fergus & Freeman, PAMI 2008, §3):
 * the "average colour of the matches" decoder of the lecture's encoder–decoder example.
 * Each photo is shrunk with area averaging, converted to L*a*b* and accumulated.
 * @param photos colour photos (RGB, any size; gray ones contribute a* = b* = 0)
 * @param width thumbnail width in pixels
 * @param height thumbnail height in pixels
 * @param weights one non-negative weight per photo (default: equal)
 * @throws Error when `photos` is empty or the weights sum to 0
 * @example const c = meanChroma(matches, 32, 32)
 */
export function meanChroma(photos: readonly Image[], width: number, height: number, weights?: ArrayLike<number>): Chroma {
  assert(photos.length > 0, 'meanChroma needs at least one photo');
  assert(!weights || weights.length === photos.length, 'one weight per photo');
  const n = width * height;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  let total = 0;
  for (let p = 0; p < photos.length; p++) {
    const w = weights ? weights[p] : 1;
    if (w <= 0) continue;
    total += w;
    const lab = rgbToLab(resize(photos[p], width, height)).data;
    for (let i = 0; i < n; i++) {
      a[i] += w * lab[n + i];
      b[i] += w * lab[2 * n + i];
    }
  }
  assert(total > 0, 'meanChroma weights sum to 0');
  for (let i = 0; i < n; i++) {
    a[i] /= total;
    b[i] /= total;
  }
  return { width, height, a, b };
}

/**
 * The plain mean (in sRGB) of photos resized to `width × height`: the blurry "average of the matches"
 * panel of the lecture's colorization slide.
 */
export function meanImage(photos: readonly Image[], width: number, height: number): Image {
  assert(photos.length > 0, 'meanImage needs at least one photo');
  const out = createImage(width, height, 3);
  for (const p of photos) {
    const r = resize(p.channels === 3 ? p : grayToRgb(p), width, height).data;
    for (let i = 0; i < r.length; i++) out.data[i] += r[i] / photos.length;
  }
  return out;
}

function grayToRgb(p: Image): Image {
  const n = p.width * p.height;
  const out = createImage(p.width, p.height, 3);
  for (let c = 0; c < 3; c++) out.data.set(p.data.subarray(0, n), c * n);
  return out;
}

/**
 * An image's own L* plane (0–100): the part of a photo a colorization keeps. For a colour photo this
 * is its luminance, so colorizing a colour photo re-colours its gray version.
 */
export function lightness(image: Image): Float32Array {
  return rgbToLab(image).data.slice(0, image.width * image.height);
}

/**
 * L* at full size plus a*, b* (any grid; enlarged bilinearly when smaller) → an sRGB image
 * (out-of-gamut colours clamped).
 * @param L lightness plane, `width * height`
 */
export function recombineLab(L: Float32Array, width: number, height: number, chroma: Chroma): Image {
  const n = width * height;
  assert(L.length === n, 'recombineLab L plane size');
  const lab = createImage(width, height, 3);
  lab.data.set(L, 0);
  if (chroma.width === width && chroma.height === height) {
    lab.data.set(chroma.a, n);
    lab.data.set(chroma.b, 2 * n);
  } else {
    const small = createImage(chroma.width, chroma.height, 2);
    small.data.set(chroma.a, 0);
    small.data.set(chroma.b, chroma.width * chroma.height);
    lab.data.set(resize(small, width, height).data, n);
  }
  return labToRgb(lab);
}

/**
 * Mean chroma magnitude √(a*² + b*²) over an image: about 0 for gray photos (including gray photos
 * stored as RGB JPEGs), 10–30 for ordinary colour photos. Used to tell colour photos from gray ones.
 */
export function meanChromaMagnitude(image: Image): number {
  if (image.channels === 1) return 0;
  const n = image.width * image.height;
  const lab = rgbToLab(image).data;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.hypot(lab[n + i], lab[2 * n + i]);
  return s / n;
}

/** Below this mean chroma magnitude (a*b* units) a photo counts as gray: JPEG noise on R = G = B stays under 1. */
export const GRAY_CHROMA_THRESHOLD = 2;

/** A photo's gray version that keeps its exact L* (a* = b* = 0), so a perfect colorization restores it. */
export function grayFromLightness(image: Image): Image {
  const n = image.width * image.height;
  const L = lightness(image);
  const out = recombineLab(L, image.width, image.height, { width: image.width, height: image.height, a: new Float32Array(n), b: new Float32Array(n) });
  return out;
}
