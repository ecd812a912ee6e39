import { assert, DejaError } from '../core/errors.ts';
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

/** Checks the shapes of an exact k-NN call: k a positive integer, data and queries long enough. @throws DejaError BAD_ARGUMENT for a bad k. */
export function checkShapes(data: Float32Array, n: number, dim: number, queries: Float32Array, nq: number, k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new DejaError('BAD_ARGUMENT', `Expected a positive integer for k but received ${k}`, {
      hint: 'ask for at least one neighbour',
    });
  }
  assert(Number.isInteger(dim) && dim >= 1, `exactKnn: dim ${dim} >= 1`);
  assert(data.length >= n * dim, `exactKnn: data holds ${data.length} values, expected n * dim = ${n * dim}`);
  assert(queries.length >= nq * dim, `exactKnn: queries hold ${queries.length} values, expected nq * dim = ${nq * dim}`);
}
