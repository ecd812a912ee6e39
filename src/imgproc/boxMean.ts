import { assert } from '../core/errors.ts';

/**
 * Mean over the (2r+1)×(2r+1) window around each pixel, clipped at the border (divided by the number
 * of pixels actually inside): O(1) per pixel with running sums, rows then columns.
 * @param src plane, row-major `width * height`
 * @param radius window radius r in pixels (>= 0)
 * @param out destination plane of the same size (may not alias `src`)
 * @returns `out`
 * @example boxMean(new Float32Array([0, 3, 6]), 3, 1, 1); // [1.5, 3, 4.5]
 *
 * References: K. He, J. Sun, X. Tang, "Guided Image Filtering", PAMI 2013, §3.5 (O(1) box filter by running sums).
 */
export function boxMean(src: Float32Array, width: number, height: number, radius: number, out: Float32Array = new Float32Array(width * height)): Float32Array {
  assert(src.length === width * height && out.length === src.length && out !== src, 'boxMean plane sizes');
  const tmp = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    for (let x = 0; x <= Math.min(radius, width - 1); x++) acc += src[row + x];
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - radius);
      const hi = Math.min(width - 1, x + radius);
      tmp[row + x] = acc / (hi - lo + 1);
      if (x + radius + 1 < width) acc += src[row + x + radius + 1];
      if (x - radius >= 0) acc -= src[row + x - radius];
    }
  }
  for (let x = 0; x < width; x++) {
    let acc = 0;
    for (let y = 0; y <= Math.min(radius, height - 1); y++) acc += tmp[y * width + x];
    for (let y = 0; y < height; y++) {
      const lo = Math.max(0, y - radius);
      const hi = Math.min(height - 1, y + radius);
      out[y * width + x] = acc / (hi - lo + 1);
      if (y + radius + 1 < height) acc += tmp[(y + radius + 1) * width + x];
      if (y - radius >= 0) acc -= tmp[(y - radius) * width + x];
    }
  }
  return out;
}
