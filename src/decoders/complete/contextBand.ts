import { assert } from '../../core/errors.ts';

/**
 * The local context of a hole (Hays & Efros 2007, §4): the known pixels within `radius` of the hole.
 * The paper uses an 80-pixel band; the default here scales it with the photo (80 px at a 480-px
 * shorter side), so a 150-px photo gets a 25-px band.
 *
 * Masks are `Uint8Array(width*height)`, row-major, 1 = hole (missing), 0 = known.
 */

/** Band radius in pixels for a photo: `80 · min(w, h) / 480`, at least 4. */
export function bandRadius(width: number, height: number, paperRadius = 80, paperShortSide = 480): number {
  return Math.max(4, Math.round((paperRadius * Math.min(width, height)) / paperShortSide));
}

/** Squared Euclidean distance transform of a 1-D sampled function (Felzenszwalb & Huttenlocher 2012, §3). */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (f[v[k]] === Infinity) {
      v[k] = q;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const fv = f[v[k]];
    d[q] = fv === Infinity ? Infinity : (q - v[k]) * (q - v[k]) + fv;
  }
}

/**
 * Exact Euclidean distance (pixels) from every pixel to the nearest hole pixel (0 inside the hole).
 * References: P. Felzenszwalb, D. Huttenlocher, "Distance Transforms of Sampled Functions", ToC 2012.
 * @param mask `w*h`, 1 = hole; must contain at least one hole pixel
 * @returns `Float32Array(w*h)` of distances
 */
export function distanceToHole(mask: Uint8Array, w: number, h: number): Float32Array {
  assert(mask.length === w * h, 'mask length');
  const m = Math.max(w, h);
  const f = new Float64Array(m);
  const d = new Float64Array(m);
  const v = new Int32Array(m);
  const z = new Float64Array(m + 1);
  const grid = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) grid[i] = mask[i] ? 0 : Infinity;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = grid[y * w + x];
    edt1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) grid[y * w + x] = d[y];
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = grid[y * w + x];
    edt1d(f, w, d, v, z);
    for (let x = 0; x < w; x++) out[y * w + x] = Math.sqrt(d[x]);
  }
  return out;
}

/** A hole's context band and the distances that define it. */
export interface ContextBand {
  /** `w*h`, 1 = known pixel within `radius` of the hole. */
  band: Uint8Array;
  /** `w*h` distance to the hole in pixels (0 in the hole). */
  distance: Float32Array;
  radius: number;
  /** Number of band pixels. */
  count: number;
  /** Bounding box of hole ∪ band, inclusive-exclusive: x0 ≤ x < x1, y0 ≤ y < y1. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The local context of a hole: known pixels at distance ≤ `radius` from it, with the bounding box of
 * hole ∪ band (the region a matched scene has to cover).
 * @param mask `w*h`, 1 = hole
 * @param radius band width in pixels (see `bandRadius`)
 * @example const { band, x0, x1 } = contextBand(mask, 150, 150, bandRadius(150, 150));
 */
export function contextBand(mask: Uint8Array, w: number, h: number, radius: number): ContextBand {
  const distance = distanceToHole(mask, w, h);
  const band = new Uint8Array(w * h);
  let count = 0;
  let x0 = w;
  let y0 = h;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const inBand = !mask[i] && distance[i] <= radius;
      if (inBand) {
        band[i] = 1;
        count++;
      }
      if (inBand || mask[i]) {
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x + 1 > x1) x1 = x + 1;
        if (y + 1 > y1) y1 = y + 1;
      }
    }
  }
  return { band, distance, radius, count, x0, y0, x1, y1 };
}

/** Counts hole pixels and reports whether the hole touches the image border. */
export function holeStats(mask: Uint8Array, w: number, h: number): { holePixels: number; touchesBorder: boolean } {
  let holePixels = 0;
  let touchesBorder = false;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      holePixels++;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) touchesBorder = true;
    }
  }
  return { holePixels, touchesBorder };
}
