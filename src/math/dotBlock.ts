import { assert } from '../core/errors.ts';

/** Values per row processed per pass (dimension tiling keeps both operand tiles in L2 cache). */
const DIM_TILE = 512;

/**
 * Blocked dot products between two row blocks: `out[i * bCount + j] = a[aStart + i] · b[bStart + j]`
 * for `i < aCount`, `j < bCount`. A 4 × 4 register-blocked micro-kernel (16 float64 accumulators,
 * 8 loads per 16 multiply–adds) runs over dimension tiles of 512 values, so an `a` tile and a
 * `b` tile stay cache-resident while each is reused four times per load — the layout of
 * GEMM micro-kernels (Goto & van de Geijn, "Anatomy of high-performance matrix multiplication",
 * ACM TOMS 2008, §4–6). Rows beyond a multiple of four take a scalar path.
 *
 * @param a - row-major matrix with `dim` columns; rows `aStart … aStart + aCount − 1` are used.
 * @param b - row-major matrix with `dim` columns; rows `bStart … bStart + bCount − 1` are used.
 * @param out - scratch of at least `aCount * bCount` values; overwritten.
 * @example
 * const out = new Float64Array(1);
 * dotBlock(new Float32Array([1, 2]), 0, 1, new Float32Array([3, 4]), 0, 1, 2, out); // out[0] = 11
 */
export function dotBlock(
  a: Float32Array,
  aStart: number,
  aCount: number,
  b: Float32Array,
  bStart: number,
  bCount: number,
  dim: number,
  out: Float64Array,
): void {
  assert(out.length >= aCount * bCount, 'dotBlock: out holds aCount * bCount values');
  out.fill(0, 0, aCount * bCount);
  const a4 = aCount - (aCount % 4);
  const b4 = bCount - (bCount % 4);
  for (let t0 = 0; t0 < dim; t0 += DIM_TILE) {
    const t1 = Math.min(dim, t0 + DIM_TILE);
    for (let j = 0; j < b4; j += 4) {
      for (let i = 0; i < a4; i += 4) kernel4x4(a, (aStart + i) * dim, b, (bStart + j) * dim, dim, t0, t1, out, i * bCount + j, bCount);
    }
    if (a4 < aCount || b4 < bCount) scalarEdges(a, aStart, aCount, a4, b, bStart, bCount, b4, dim, t0, t1, out);
  }
}

function kernel4x4(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  dim: number,
  t0: number,
  t1: number,
  out: Float64Array,
  oo: number,
  stride: number,
): void {
  const a0 = ao, a1 = a0 + dim, a2 = a1 + dim, a3 = a2 + dim;
  const b0 = bo, b1 = b0 + dim, b2 = b1 + dim, b3 = b2 + dim;
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (let t = t0; t < t1; t++) {
    const x0 = a[a0 + t], x1 = a[a1 + t], x2 = a[a2 + t], x3 = a[a3 + t];
    const y0 = b[b0 + t], y1 = b[b1 + t], y2 = b[b2 + t], y3 = b[b3 + t];
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
    s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
  }
  const o0 = oo, o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride;
  out[o0] += s00; out[o0 + 1] += s01; out[o0 + 2] += s02; out[o0 + 3] += s03;
  out[o1] += s10; out[o1 + 1] += s11; out[o1 + 2] += s12; out[o1 + 3] += s13;
  out[o2] += s20; out[o2 + 1] += s21; out[o2 + 2] += s22; out[o2 + 3] += s23;
  out[o3] += s30; out[o3 + 1] += s31; out[o3 + 2] += s32; out[o3 + 3] += s33;
}

/** One `a` row against four `b` rows: the edge kernel for leftover queries (and single-query search). */
function kernel1x4(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  dim: number,
  t0: number,
  t1: number,
  out: Float64Array,
  oo: number,
): void {
  const b0 = bo, b1 = b0 + dim, b2 = b1 + dim, b3 = b2 + dim;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let t = t0; t < t1; t++) {
    const x = a[ao + t];
    s0 += x * b[b0 + t]; s1 += x * b[b1 + t]; s2 += x * b[b2 + t]; s3 += x * b[b3 + t];
  }
  out[oo] += s0; out[oo + 1] += s1; out[oo + 2] += s2; out[oo + 3] += s3;
}

/** The rows of `a` at or past `a4` against all of `b`, and all of `a` against the rows of `b` at or past `b4`. */
function scalarEdges(
  a: Float32Array,
  aStart: number,
  aCount: number,
  a4: number,
  b: Float32Array,
  bStart: number,
  bCount: number,
  b4: number,
  dim: number,
  t0: number,
  t1: number,
  out: Float64Array,
): void {
  for (let i = 0; i < aCount; i++) {
    const ao = (aStart + i) * dim;
    if (i >= a4) for (let j = 0; j < b4; j += 4) kernel1x4(a, ao, b, (bStart + j) * dim, dim, t0, t1, out, i * bCount + j);
    for (let j = b4; j < bCount; j++) {
      const bo = (bStart + j) * dim;
      let s = 0;
      for (let t = t0; t < t1; t++) s += a[ao + t] * b[bo + t];
      out[i * bCount + j] += s;
    }
  }
}
