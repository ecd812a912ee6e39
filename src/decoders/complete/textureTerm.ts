import { assert } from '../../core/errors.ts';
import { gradientMagnitude } from '../../imgproc/gradientMagnitude.ts';

/**
 * The texture descriptor of scene completion (Hays & Efros 2007, §4): "a 5×5 median filter of image
 * gradient magnitude at each pixel"; the descriptors of query and match are compared by SSD over the
 * context band (see contextMatch.ts, which folds it into the same FFT pass as the colour SSD).
 *
 * @param lightness L* plane, `w*h` row-major (0–100)
 * @returns `Float32Array(w*h)`: median of the central-difference gradient magnitude over a 5×5 window
 *   (window clipped at the border)
 * @example const tex = textureDescriptor(plane(lab, 0), lab.width, lab.height);
 */
export function textureDescriptor(lightness: Float32Array, w: number, h: number): Float32Array {
  assert(lightness.length >= w * h, 'lightness plane length');
  const mag = gradientMagnitude(lightness, w, h);
  const out = new Float32Array(w * h);
  const win = new Float32Array(25);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - 2);
    const yb = Math.min(h - 1, y + 2);
    for (let x = 0; x < w; x++) {
      const xa = Math.max(0, x - 2);
      const xb = Math.min(w - 1, x + 2);
      let n = 0;
      for (let yy = ya; yy <= yb; yy++) for (let xx = xa; xx <= xb; xx++) win[n++] = mag[yy * w + xx];
      out[y * w + x] = median(win, n);
    }
  }
  return out;
}

/** Median of the first n values (partially reorders them): Hoare's quickselect. */
function median(a: Float32Array, n: number): number {
  const k = n >> 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}
