import { assert } from '../../core/errors.ts';
import type { Metric } from '../../core/metric.ts';
import { Rng } from '../../core/rng.ts';
import { estimateDistanceScale } from '../../index/combined.ts';
import { dotBlock } from '../../math/dotBlock.ts';
import { dotsToDistances, rowSquaredNorms, TopK } from '../../index/distances.ts';

/** One descriptor of a combined scene distance: reference rows, query rows and its weight. */
export interface SceneDescriptorPart {
  /** Reference descriptors, `n * dim` row-major. */
  data: Float32Array;
  dim: number;
  /** Query descriptors, `nq * dim` row-major (same rows as every other part). */
  queries: Float32Array;
  metric: Metric;
  /** Weight of this descriptor in the sum (≥ 0). */
  weight: number;
  /** Typical distance used to normalise (see `typicalDistance`); computed when omitted. */
  scale?: number;
}

/** Squared L2 or cosine distances of queries `q0 … q0 + qc − 1` to all n references, `qc * n`. */
function distanceBlock(part: SceneDescriptorPart, n: number, dataNorms: Float64Array, qNorms: Float64Array, q0: number, qc: number): Float64Array {
  const out = new Float64Array(qc * n);
  dotBlock(part.queries, q0, qc, part.data, 0, n, part.dim, out);
  dotsToDistances(out, qNorms, q0, qc, dataNorms, 0, n, part.metric);
  return out;
}

/**
 * The typical distance between descriptors of a collection (the median over 2,000 seeded random pairs,
 * squared L2 or 1 − cos), exactly as `deja search` normalises combined encoders (`estimateDistanceScale`).
 * @param data `n * dim` row-major, n ≥ 2
 * @returns median pair distance (1 when all sampled pairs are equal)
 */
export function typicalDistance(data: Float32Array, n: number, dim: number, metric: Metric): number {
  assert(n >= 2, 'a typical distance needs at least two rows');
  return estimateDistanceScale(data, n, dim, metric, 2000, new Rng(7));
}

/**
 * im2gps's scene distance for many queries at once: for each descriptor, the distance (squared L2 or
 * 1 − cos) of every query to every reference, divided by that descriptor's typical distance in the
 * collection, weighted and summed — so gist, tiny images and colour histograms count by their weights,
 * not by their scales. The same quantity as `combinedKnn` (index/combined.ts), computed as blocked
 * matrix products, for evaluation over whole collections.
 *
 * @param parts one entry per descriptor; all share n references and nq queries
 * @param n number of reference rows
 * @param nq number of query rows
 * @returns `nq * n` row-major combined distances (float32)
 * @example sceneDistanceMatrix([{ data, dim: 512, queries, metric: 'l2', weight: 2 }, { data: t, dim: 3072, queries: tq, metric: 'l2', weight: 1 }], n, 1)
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §3 (gist, tiny images, colour histograms, … each
 * distance normalised and combined); Hays & Efros, "Scene completion using millions of photographs",
 * SIGGRAPH 2007, §3 (weighted gist + colour distance).
 */
export function sceneDistanceMatrix(parts: SceneDescriptorPart[], n: number, nq: number): Float32Array {
  assert(parts.length > 0, 'no descriptors to combine');
  const out = new Float32Array(nq * n);
  for (const part of parts) {
    assert(part.data.length === n * part.dim && part.queries.length === nq * part.dim, `descriptor part has ${part.data.length} / ${part.queries.length} values, expected ${n} × ${part.dim} / ${nq} × ${part.dim}`);
    if (part.weight === 0) continue;
    const scale = part.scale ?? (n >= 2 ? typicalDistance(part.data, n, part.dim, part.metric) : 1);
    const f = part.weight / scale;
    const dataNorms = rowSquaredNorms(part.data, n, part.dim);
    const qNorms = rowSquaredNorms(part.queries, nq, part.dim);
    const block = Math.max(1, Math.floor(4_000_000 / Math.max(1, n)));
    for (let q0 = 0; q0 < nq; q0 += block) {
      const qc = Math.min(block, nq - q0);
      const d = distanceBlock(part, n, dataNorms, qNorms, q0, qc);
      const o = q0 * n;
      for (let i = 0; i < qc * n; i++) out[o + i] += f * d[i];
    }
  }
  return out;
}

/**
 * The k smallest entries of one row of a distance matrix, ascending, skipping excluded columns
 * (a bounded heap: O(n log k)).
 * @param distances `nq * n` row-major
 * @param row query row
 * @param n columns
 * @param k how many (fewer when fewer columns are allowed)
 * @param exclude optional mask, length n: non-zero columns are skipped (leave-one-out, same trip)
 * @returns column indices and distances, ascending (ties keep the lower column)
 */
export function nearestColumns(distances: Float32Array, row: number, n: number, k: number, exclude?: Uint8Array): { columns: Int32Array; distances: Float64Array } {
  const top = new TopK(1, Math.max(1, k));
  const o = row * n;
  for (let j = 0; j < n; j++) {
    if (exclude && exclude[j]) continue;
    const d = distances[o + j];
    if (d <= top.threshold(0)) top.push(0, d, j);
  }
  const nn = top.finish();
  let count = 0;
  while (count < nn.k && nn.labels[count] >= 0) count++;
  return { columns: nn.labels.slice(0, count), distances: Float64Array.from(nn.distances.subarray(0, count)) };
}
