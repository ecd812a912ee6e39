import { fastDotBlock } from './fastDotBlock.ts';

/**
 * Sample covariance of chosen rows around a given mean: `C = Xᶜᵀ Xᶜ / (s − 1)` with Xᶜ the centred
 * rows, computed blockwise with the SIMD kernel `fastDotBlock` (upper triangle, mirrored).
 *
 * @param data - row-major matrix with `dim` columns (float32).
 * @param rows - indices of the `s ≥ 2` rows used.
 * @param mean - `dim` values subtracted from each row.
 * @returns `dim * dim` float32 values, row-major, symmetric.
 * @example
 * covariance(new Float32Array([0, 0, 2, 2]), 2, new Int32Array([0, 1]), new Float64Array([1, 1])); // [2, 2, 2, 2]
 */
export function covariance(data: Float32Array, dim: number, rows: Int32Array, mean: Float64Array): Float32Array {
  const s = rows.length;
  const xt = new Float32Array(dim * s); // centred sample, transposed: one row per coordinate
  for (let i = 0; i < s; i++) {
    const o = rows[i] * dim;
    for (let t = 0; t < dim; t++) xt[t * s + i] = data[o + t] - mean[t];
  }
  const cov = new Float32Array(dim * dim);
  const b = 512;
  const tile = new Float64Array(b * b);
  for (let i0 = 0; i0 < dim; i0 += b) {
    const ib = Math.min(b, dim - i0);
    for (let j0 = i0; j0 < dim; j0 += b) {
      const jb = Math.min(b, dim - j0);
      fastDotBlock(xt, i0, ib, xt, j0, jb, s, tile);
      for (let i = 0; i < ib; i++) {
        for (let j = 0; j < jb; j++) {
          const v = tile[i * jb + j] / (s - 1);
          cov[(i0 + i) * dim + j0 + j] = v;
          cov[(j0 + j) * dim + i0 + i] = v;
        }
      }
    }
  }
  return cov;
}
