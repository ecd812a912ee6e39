import { assert, DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import type { Rng } from '../core/rng.ts';
import { pairDistance, TopK } from './distances.ts';
import type { Neighbours } from './vectorIndex.ts';

/**
 * Typical distance between two photos of a collection under one encoder: the median distance over
 * `sampleCount` random pairs of distinct rows. Dividing by it puts encoders with different units and
 * dimensions on one scale before they are combined (`combinedKnn`); compute it once per collection
 * and encoder and cache it.
 *
 * @param data - `n * dim` float32 descriptors, row-major.
 * @param n - rows (≥ 2).
 * @param sampleCount - random pairs drawn (≥ 1); 2,000 gives a median within a few percent.
 * @param rng - seeded generator, so the scale is reproducible.
 * @returns the median pair distance (squared L2, or 1 − cosine); 1 when every sampled pair is identical.
 * @throws DejaError NO_DATA when fewer than two rows exist.
 * @example
 * const scale = estimateDistanceScale(gist, n, 512, 'l2', 2000, new Rng(1));
 *
 * References: Hays & Efros, "Scene completion using millions of photographs", SIGGRAPH 2007, §3 (gist
 * and colour distances combined with weights); Hays & Efros, "IM2GPS", CVPR 2008, §3 (several
 * descriptors' distances normalised and summed).
 */
export function estimateDistanceScale(data: Float32Array, n: number, dim: number, metric: Metric, sampleCount: number, rng: Rng, order?: Int32Array): number {
  if (n < 2) throw new DejaError('NO_DATA', `need at least 2 descriptors to estimate a distance scale but the collection has ${n}`, { hint: 'add photos first' });
  assert(data.length >= n * dim && sampleCount >= 1, 'estimateDistanceScale: n * dim values, sampleCount >= 1');
  const d = new Float64Array(sampleCount);
  for (let s = 0; s < sampleCount; s++) {
    const a = rng.int(n);
    let b = rng.int(n - 1);
    if (b >= a) b++;
    const i = order ? order[a] : a;
    const j = order ? order[b] : b;
    d[s] = pairDistance(data, i * dim, data, j * dim, dim, metric);
  }
  d.sort();
  const median = sampleCount % 2 ? d[(sampleCount - 1) / 2] : (d[sampleCount / 2 - 1] + d[sampleCount / 2]) / 2;
  return median > 0 ? median : 1;
}

/** One encoder's share of a combined distance. */
export interface CombinedPart {
  /** The collection's descriptors under this encoder: `n * dim` float32, row-major, rows aligned across parts. */
  data: Float32Array;
  dim: number;
  /** The query's descriptor under this encoder: `dim` values. */
  query: Float32Array;
  /** w_e ≥ 0; a part with weight 0 is skipped. */
  weight: number;
  /** s_e > 0, e.g. from `estimateDistanceScale`. */
  scale: number;
  metric: Metric;
}

/**
 * Exact k-NN of one query under a weighted sum of several encoders' normalised distances,
 * d(x, q) = Σ_e w_e · d_e(x_e, q_e) / s_e, over all `n` rows or over a candidate subset (re-ranking the
 * shortlist of an approximate index).
 *
 * @param parts - one entry per encoder; every `data` has the same `n` rows in the same order.
 * @param n - rows in each part's `data`.
 * @param k - neighbours wanted (≥ 1).
 * @param candidates - optional row indices to rank instead of all rows (duplicates are the caller's
 *   responsibility).
 * @returns one query's neighbours (`nq` = 1): row indices and combined distances, ascending; −1 / +∞ pad.
 * @throws DejaError BAD_ARGUMENT for k < 1, a negative weight or a non-positive scale.
 * @example
 * const nn = combinedKnn([
 *   { data: gist, dim: 512, query: qGist, weight: 2, scale: sGist, metric: 'l2' },
 *   { data: lab, dim: 192, query: qLab, weight: 1, scale: sLab, metric: 'l2' },
 * ], n, 200);
 *
 * References: Hays & Efros, SIGGRAPH 2007, §3 (scene matching on gist plus colour); Hays & Efros,
 * CVPR 2008, §3 (im2gps combines several scene descriptors).
 */
export function combinedKnn(parts: readonly CombinedPart[], n: number, k: number, candidates?: Int32Array): Neighbours {
  if (!Number.isInteger(k) || k < 1) throw new DejaError('BAD_ARGUMENT', `Expected a positive integer for k but received ${k}`);
  for (const p of parts) {
    if (!(p.weight >= 0) || !(p.scale > 0)) {
      throw new DejaError('BAD_ARGUMENT', `Expected weight >= 0 and scale > 0 for every encoder but received weight ${p.weight}, scale ${p.scale}`, {
        hint: 'estimate scales with estimateDistanceScale',
      });
    }
    assert(p.data.length >= n * p.dim && p.query.length >= p.dim, 'combinedKnn: each part holds n rows and a query of dim values');
  }
  const active = parts.filter((p) => p.weight > 0);
  const rows = candidates ?? null;
  const count = rows ? rows.length : n;
  const total = new Float64Array(count);
  for (const p of active) {
    const f = p.weight / p.scale;
    for (let c = 0; c < count; c++) {
      const r = rows ? rows[c] : c;
      assert(r >= 0 && r < n, `combinedKnn: candidate row ${r} in 0 … ${n - 1}`);
      total[c] += f * pairDistance(p.data, r * p.dim, p.query, 0, p.dim, p.metric);
    }
  }
  const top = new TopK(1, k);
  for (let c = 0; c < count; c++) {
    if (total[c] <= top.threshold(0)) top.push(0, total[c], rows ? rows[c] : c);
  }
  return top.finish();
}
