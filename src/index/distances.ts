import { assert } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';

/**
 * Squared Euclidean norms of `n` row-major vectors, accumulated in float64.
 *
 * @param data - `n * dim` values, row-major.
 * @param n - number of rows.
 * @param dim - values per row.
 * @returns `n` norms ‖x_i‖².
 * @example
 * rowSquaredNorms(new Float32Array([3, 4]), 1, 2); // Float64Array [25]
 */
export function rowSquaredNorms(data: Float32Array, n: number, dim: number): Float64Array {
  assert(data.length >= n * dim, 'rowSquaredNorms: data holds n * dim values');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    for (let t = 0; t < dim; t++) s += data[o + t] * data[o + t];
    out[i] = s;
  }
  return out;
}

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

/**
 * Turns dot products into distances in place: squared L2 as ‖a‖² + ‖b‖² − 2 a·b (clamped at 0), or
 * 1 − cosine similarity as 1 − a·b / (‖a‖ ‖b‖) (0-norm rows count as orthogonal).
 *
 * @param dots - `aCount * bCount` dot products from `dotBlock`; overwritten with distances.
 * @param aNorms - squared norms of all `a` rows (indexed from `aStart`).
 * @param bNorms - squared norms of all `b` rows (indexed from `bStart`).
 * @param stride - values between consecutive rows of `dots` (default `bCount`).
 */
export function dotsToDistances(
  dots: Float64Array,
  aNorms: Float64Array,
  aStart: number,
  aCount: number,
  bNorms: Float64Array,
  bStart: number,
  bCount: number,
  metric: Metric,
  stride = bCount,
): void {
  for (let i = 0; i < aCount; i++) {
    const an = aNorms[aStart + i];
    const o = i * stride;
    if (metric === 'l2') {
      for (let j = 0; j < bCount; j++) {
        const d = an + bNorms[bStart + j] - 2 * dots[o + j];
        dots[o + j] = d > 0 ? d : 0;
      }
    } else {
      const ai = an > 0 ? 1 / Math.sqrt(an) : 0;
      for (let j = 0; j < bCount; j++) {
        const bn = bNorms[bStart + j];
        dots[o + j] = 1 - dots[o + j] * ai * (bn > 0 ? 1 / Math.sqrt(bn) : 0);
      }
    }
  }
}

/**
 * Distance between two single vectors (squared L2, or 1 − cosine similarity), in float64.
 *
 * @param a - first vector, `dim` values from `ao`.
 * @param b - second vector, `dim` values from `bo`.
 */
export function pairDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number, metric: Metric): number {
  if (metric === 'l2') {
    let s = 0;
    for (let t = 0; t < dim; t++) {
      const d = a[ao + t] - b[bo + t];
      s += d * d;
    }
    return s;
  }
  let ab = 0, aa = 0, bb = 0;
  for (let t = 0; t < dim; t++) {
    const x = a[ao + t], y = b[bo + t];
    ab += x * y; aa += x * x; bb += y * y;
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 1;
}

/**
 * k smallest (distance, label) pairs for each of `nq` queries: one bounded max-heap per query in flat
 * typed arrays (no per-candidate allocation). Ties on distance keep the smaller label.
 *
 * @example
 * const top = new TopK(1, 2);
 * top.push(0, 5, 7); top.push(0, 1, 3); top.push(0, 9, 4);
 * top.finish(); // labels [3, 7], distances [1, 5]
 */
export class TopK {
  readonly nq: number;
  readonly k: number;
  private readonly dist: Float64Array;
  private readonly labels: Int32Array;
  private readonly counts: Int32Array;

  constructor(nq: number, k: number) {
    assert(Number.isInteger(k) && k >= 1, 'TopK: k >= 1');
    this.nq = nq;
    this.k = k;
    this.dist = new Float64Array(nq * k);
    this.labels = new Int32Array(nq * k).fill(-1);
    this.counts = new Int32Array(nq);
  }

  /** Largest distance still kept for query `q` (+∞ until k candidates were seen). */
  threshold(q: number): number {
    return this.counts[q] < this.k ? Infinity : this.dist[q * this.k];
  }

  /** Offers a candidate to query `q`'s heap. */
  push(q: number, d: number, label: number): void {
    const k = this.k;
    const base = q * k;
    const dist = this.dist;
    const labels = this.labels;
    const c = this.counts[q];
    if (c < k) {
      // Sift up from the new leaf.
      let i = c;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(d, label, dist[base + p], labels[base + p])) break;
        dist[base + i] = dist[base + p];
        labels[base + i] = labels[base + p];
        i = p;
      }
      dist[base + i] = d;
      labels[base + i] = label;
      this.counts[q] = c + 1;
      return;
    }
    if (!worse(dist[base], labels[base], d, label)) return;
    // Replace the root and sift down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= k) break;
      let m = l;
      const r = l + 1;
      if (r < k && worse(dist[base + r], labels[base + r], dist[base + l], labels[base + l])) m = r;
      if (!worse(dist[base + m], labels[base + m], d, label)) break;
      dist[base + i] = dist[base + m];
      labels[base + i] = labels[base + m];
      i = m;
    }
    dist[base + i] = d;
    labels[base + i] = label;
  }

  /** Each query's candidates sorted by ascending distance; `-1` / +∞ pad queries with fewer than k. */
  finish(): { nq: number; k: number; labels: Int32Array; distances: Float32Array } {
    const { nq, k } = this;
    const labels = new Int32Array(nq * k).fill(-1);
    const distances = new Float32Array(nq * k).fill(Infinity);
    const order = new Int32Array(k);
    for (let q = 0; q < nq; q++) {
      const base = q * k;
      const c = this.counts[q];
      for (let j = 0; j < c; j++) order[j] = j;
      const sub = order.subarray(0, c);
      sub.sort((x, y) => (worse(this.dist[base + x], this.labels[base + x], this.dist[base + y], this.labels[base + y]) ? 1 : -1));
      for (let j = 0; j < c; j++) {
        labels[base + j] = this.labels[base + sub[j]];
        distances[base + j] = this.dist[base + sub[j]];
      }
    }
    return { nq, k, labels, distances };
  }
}

/** True when (d1, l1) ranks after (d2, l2): farther, or as far with a larger label. */
function worse(d1: number, l1: number, d2: number, l2: number): boolean {
  return d1 > d2 || (d1 === d2 && l1 > l2);
}
