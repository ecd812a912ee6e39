/**
 * Gradient magnitude by central differences, `√(gx² + gy²)`, one-sided at the border.
 *
 * @param v plane, row-major `w * h`
 * @returns `Float32Array(w * h)`
 * @example gradientMagnitude(new Float32Array([0, 1, 2]), 3, 1); // [1, 1, 1]
 *
 * References: J. Hays, A. Efros, "Scene Completion Using Millions of Photographs", SIGGRAPH 2007, §4 (its first user).
 */
export function gradientMagnitude(v: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const yu = y > 0 ? y - 1 : y;
    const yd = y < h - 1 ? y + 1 : y;
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : x;
      const xr = x < w - 1 ? x + 1 : x;
      const gx = (v[y * w + xr] - v[y * w + xl]) / Math.max(1, xr - xl);
      const gy = (v[yd * w + x] - v[yu * w + x]) / Math.max(1, yd - yu);
      out[y * w + x] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}
