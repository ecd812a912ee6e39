import { assert } from '../core/errors.ts';

/**
 * Frequency-domain Gabor filter bank of the gist descriptor (Oliva & Torralba's `createGabor` in LMgist.m;
 * `create_gabor` in the LEAR C code of Douze et al. 2009).
 *
 * Filter (scale i, orientation j) of a bank with `or_i` orientations at scale i is a Gaussian in log-polar-like
 * frequency coordinates:
 *
 *   G(fx, fy) = exp(−10·0.35·(r/(n·f_i) − 1)² − 2π·(16·or_i²/32²)·Δθ²),
 *
 * with r = √(fx² + fy²) in cycles per image, centre frequency f_i = 0.3/1.85^i cycles per pixel (scale 0 is the
 * finest), and Δθ = atan2(fy, fx) + π·j/or_i wrapped to [−π, π]. Filters are real, one-sided in angle (their
 * energy at Δθ = ±π is below 1e−26), so |IDFT(X·G)| is the local energy (envelope) of the band.
 *
 * Orientation convention: fx runs along image columns (x to the right), fy along rows (y downwards), so
 * filter j passes gratings whose intensity varies along the direction at angle θ_j = π·j/or_i measured
 * counter-clockwise from the x axis as the image is viewed (y up); j = 0 responds to vertical stripes.
 *
 * References: Oliva & Torralba, "Modeling the shape of the scene: a holistic representation of the spatial
 * envelope", IJCV 42(3), 2001, §4 (windowed Fourier transform, Gabor-like filters); Douze, Jégou, Sandhawalia,
 * Amsaleg & Schmid, "Evaluation of GIST descriptors for web-scale image search", CIVR 2009, §2.
 */

/** DFT frequency (cycles per image) of bin k for a length-n transform: 0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1. */
export function binFrequency(k: number, n: number): number {
  return k < n - Math.floor(n / 2) ? k : k - n;
}

/** Centre frequency (cycles per pixel) of scale i (0 = finest): 0.3 / 1.85^i. */
export function gaborCentreFrequency(scale: number): number {
  return 0.3 / Math.pow(1.85, scale);
}

const cache = new Map<string, Float32Array[]>();

/**
 * Transfer functions of the gist Gabor bank for square `size × size` transforms, in unshifted DFT order
 * (DC at index 0): filter f's gain for bin (kx, ky) is `filters[f][ky·size + kx]`. Filters are ordered by scale
 * (finest first), then orientation j = 0 … or_i − 1. Values are in [0, 1], peaking at 1. Cached per
 * (size, orientations); the returned arrays are shared, do not modify them.
 * @param size transform side in pixels (e.g. 320 = 256 + 2·32 padding), ≥ 2
 * @param orientationsPerScale orientations per scale, finest scale first (LMgist default [8, 8, 8, 8])
 * @returns one Float32Array of size² per filter; `sum(orientationsPerScale)` filters
 * @example
 * const bank = gaborTransferFunctions(320, [8, 8, 8, 8]); // 32 filters of 320×320
 */
export function gaborTransferFunctions(size: number, orientationsPerScale: readonly number[]): Float32Array[] {
  assert(Number.isInteger(size) && size >= 2, `gabor size ${size}`);
  assert(
    orientationsPerScale.length >= 1 && orientationsPerScale.every((o) => Number.isInteger(o) && o >= 1),
    `gabor orientations ${orientationsPerScale.join('/')}`,
  );
  const key = `${size}:${orientationsPerScale.join('/')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const n = size * size;
  const radius = new Float64Array(n);
  const angle = new Float64Array(n);
  for (let ky = 0; ky < size; ky++) {
    const fy = binFrequency(ky, size);
    for (let kx = 0; kx < size; kx++) {
      const fx = binFrequency(kx, size);
      radius[ky * size + kx] = Math.sqrt(fx * fx + fy * fy) / size;
      angle[ky * size + kx] = Math.atan2(fy, fx);
    }
  }
  const filters: Float32Array[] = [];
  orientationsPerScale.forEach((or, scale) => {
    const f0 = gaborCentreFrequency(scale);
    const angularWidth = 2 * Math.PI * ((16 * or * or) / (32 * 32));
    for (let j = 0; j < or; j++) {
      const theta = (Math.PI / or) * j;
      const g = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let d = angle[i] + theta;
        if (d < -Math.PI) d += 2 * Math.PI;
        else if (d > Math.PI) d -= 2 * Math.PI;
        const u = radius[i] / f0 - 1;
        g[i] = Math.exp(-10 * 0.35 * u * u - angularWidth * d * d);
      }
      filters.push(g);
    }
  });
  cache.set(key, filters);
  return filters;
}
