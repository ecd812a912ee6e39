import { assert, DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { Rng } from '../core/rng.ts';
import { dotsToDistances, pairDistance, rowSquaredNorms, TopK } from './distances.ts';
import { dotBlock } from '../math/dotBlock.ts';
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

/**
 * Pairs sampled by `combinedScale`: 2,000 puts the median within a few percent. Every capability that
 * combines encoders (search, locate, classify and their evaluations) uses this one scale.
 */
export const COMBINED_SCALE_PAIRS = 2000;

/**
 * The normalising scale s_e of one encoder in a combined distance: the median of `COMBINED_SCALE_PAIRS`
 * pair distances drawn with a fixed seed (7), in the order given by `order` (pass the rows sorted by
 * photo id, so the scale depends on the photos and their descriptors, not on where their rows lie).
 *
 * @param data - `n * dim` float32 descriptors, row-major.
 * @param n - rows (≥ 2).
 * @param order - optional permutation of 0 … n − 1: `order[i]` is the row of the i-th photo by id.
 * @returns the median pair distance (squared L2, or 1 − cosine); 1 when every sampled pair is identical.
 * @throws DejaError NO_DATA for fewer than two rows.
 * @example
 * const s = combinedScale(gist, n, 512, 'l2', byPhotoId);
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §3.
 */
export function combinedScale(data: Float32Array, n: number, dim: number, metric: Metric, order?: Int32Array): number {
  return estimateDistanceScale(data, n, dim, metric, COMBINED_SCALE_PAIRS, new Rng(7), order);
}

/** One encoder's rows in a combined distance: descriptors, metric, weight and scale. */
export interface CombinedRows {
  /** The collection's descriptors under this encoder: `n * dim` float32, row-major, rows aligned across parts. */
  data: Float32Array;
  dim: number;
  metric: Metric;
  /** w_e ≥ 0; a part with weight 0 is skipped. */
  weight: number;
  /** s_e > 0, from `combinedScale`. */
  scale: number;
}

/** One encoder's share of a combined distance to one query. */
export interface CombinedPart extends CombinedRows {
  /** The query's descriptor under this encoder: `dim` values. */
  query: Float32Array;
}

/** One encoder's share of a combined distance to many queries. */
export interface CombinedQueries extends CombinedRows {
  /** `nq * dim` query descriptors, row-major (the same query rows in every part). */
  queries: Float32Array;
}

function checkWeightAndScale(p: CombinedRows): void {
  if (!(p.weight >= 0) || !(p.scale > 0)) {
    throw new DejaError('BAD_ARGUMENT', `Expected weight >= 0 and scale > 0 for every encoder but received weight ${p.weight}, scale ${p.scale}`, {
      hint: 'estimate scales with combinedScale',
    });
  }
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
    checkWeightAndScale(p);
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

/**
 * The combined distance of many queries to every row, d(x, q) = Σ_e w_e · d_e(x_e, q_e) / s_e, the same
 * quantity as `combinedKnn`, computed as blocked matrix products (evaluation over whole collections).
 *
 * @param parts - one entry per encoder; all share `n` rows and `nq` query rows.
 * @returns `nq * n` row-major combined distances (float32).
 * @throws DejaError BAD_ARGUMENT for a negative weight or a non-positive scale.
 * @example
 * const d = combinedDistanceMatrix([{ data, dim: 512, queries, metric: 'l2', weight: 2, scale: s }], n, nq);
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §3.
 */
export function combinedDistanceMatrix(parts: readonly CombinedQueries[], n: number, nq: number): Float32Array {
  assert(parts.length > 0, 'combinedDistanceMatrix: no descriptors to combine');
  const out = new Float32Array(nq * n);
  for (const part of parts) {
    checkWeightAndScale(part);
    assert(part.data.length === n * part.dim && part.queries.length === nq * part.dim, `descriptor part has ${part.data.length} / ${part.queries.length} values, expected ${n} × ${part.dim} / ${nq} × ${part.dim}`);
    if (part.weight === 0) continue;
    const f = part.weight / part.scale;
    const dataNorms = rowSquaredNorms(part.data, n, part.dim);
    const qNorms = rowSquaredNorms(part.queries, nq, part.dim);
    const block = Math.max(1, Math.floor(4_000_000 / Math.max(1, n)));
    const d = new Float64Array(Math.min(block, nq) * n);
    for (let q0 = 0; q0 < nq; q0 += block) {
      const qc = Math.min(block, nq - q0);
      const view = d.subarray(0, qc * n);
      dotBlock(part.queries, q0, qc, part.data, 0, n, part.dim, view);
      dotsToDistances(view, qNorms, q0, qc, dataNorms, 0, n, part.metric);
      const o = q0 * n;
      for (let i = 0; i < qc * n; i++) out[o + i] += f * view[i];
    }
  }
  return out;
}

/**
 * Rows laid side by side so that the squared L2 distance of two concatenations is the combined distance
 * Σ_e w_e · d_e / s_e: each L2 part is multiplied by √(w_e / s_e); each cosine part is L2-normalised
 * first (‖u − v‖² = 2 (1 − cos)) and multiplied by √(w_e / (2 s_e)). Lets an exact L2 search, a PCA or
 * a SIMD kernel work on a combined descriptor.
 *
 * @param parts - one entry per encoder, `n` rows each (collection rows, or one query's descriptors with n = 1).
 * @returns `n * Σ dim_e` float32, row-major, parts in the given order.
 * @throws DejaError BAD_ARGUMENT for a negative weight or a non-positive scale.
 * @example
 * const rows = concatenateCombined([{ data: tiny, dim: 3072, metric: 'l2', weight: 1, scale: sTiny }, hist], n);
 */
export function concatenateCombined(parts: readonly CombinedRows[], n: number): Float32Array {
  const dim = parts.reduce((s, p) => s + p.dim, 0);
  const out = new Float32Array(n * dim);
  let offset = 0;
  for (const p of parts) {
    checkWeightAndScale(p);
    assert(p.data.length >= n * p.dim, 'concatenateCombined: each part holds n rows');
    const f = Math.sqrt(p.weight / (p.metric === 'cosine' ? 2 * p.scale : p.scale));
    for (let r = 0; r < n; r++) {
      const src = p.data.subarray(r * p.dim, (r + 1) * p.dim);
      let g = f;
      if (p.metric === 'cosine') {
        let ss = 0;
        for (let j = 0; j < p.dim; j++) ss += src[j] * src[j];
        g = ss > 0 ? f / Math.sqrt(ss) : f;
      }
      const o = r * dim + offset;
      for (let j = 0; j < p.dim; j++) out[o + j] = src[j] * g;
    }
    offset += p.dim;
  }
  return out;
}
