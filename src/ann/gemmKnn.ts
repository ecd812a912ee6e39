import { assert } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { defaultThreads } from '../core/workerPool.ts';
import { OnnxModel } from '../nn/onnxSession.ts';
import { onnxModelBytes } from '../nn/onnxWriter.ts';
import { checkShapes, TopK } from './distances.ts';
import type { Neighbours } from './vectorIndex.ts';

/** Base rows per GEMM: a 1,024-query chunk × 8,192 rows of scores is 32 MiB. */
const BASE_BLOCK = 8192;
/** Queries per GEMM. */
const QUERY_CHUNK = 1024;
/** Extra candidates kept per query from the float32 scores, re-ranked exactly in float64. */
const RERANK_MARGIN = 8;

/** Options of `gemmKnn`. */
export interface GemmKnnOptions {
  /** Threads of the GEMM (default: all cores, or DEJA_THREADS). */
  threads?: number;
}

/**
 * Exact k-NN of many queries at once as a matrix product plus k-selection on onnxruntime's CPU
 * kernels (MLAS: AVX2/AVX-512 GEMM and TopK), the way FAISS runs `IndexFlat` on BLAS. Returns the same
 * neighbours as `exactKnn` up to ties within float rounding; distances are recomputed exactly.
 *
 * Algorithm:
 * 1. Queries are scaled once: −2q for squared L2, −q/‖q‖ for cosine.
 * 2. For each block of 8,192 data rows (copied out of shared memory once per call) and chunk of 1,024
 *    queries, one graph computes the row norms (`ReduceSumSquare`), one `Gemm` gives s = ‖x‖² − 2 q·x
 *    (L2; ‖q‖² is the same for every row, so it does not change the order) or −q·x/‖x‖ (cosine, rows
 *    divided by their norms first), and `TopK` keeps the k + 8 smallest per query.
 * 3. The candidates of all blocks meet in a bounded heap per query (k + 8 kept), then the survivors'
 *    distances are recomputed in float64 directly (Σ(q − x)², or 1 − cosine similarity) and the best
 *    k kept, ties to the lower row — so float32 cancellation in step 2 can only matter for a neighbour
 *    that falls more than 8 places behind its true rank.
 *
 * @param data - `n * dim` float32 values, row-major; row i has label i (a SharedArrayBuffer is fine).
 * @param n - number of data rows (≥ 0).
 * @param dim - values per row (≥ 1).
 * @param queries - `nq * dim` float32 values, row-major.
 * @param nq - number of queries.
 * @param k - neighbours per query (≥ 1); slots beyond n hold label −1 and distance +∞.
 * @param metric - `l2` (squared Euclidean) or `cosine` (1 − cosine similarity).
 * @returns `nq * k` labels and distances, ascending per query.
 * @throws DejaError BAD_ARGUMENT when k is not a positive integer; MODEL_ERROR when onnxruntime fails.
 * @example
 * const nn = await gemmKnn(data, 1_000_000, 128, queries, 1000, 10, 'l2', { threads: 2 });
 *
 * References: Johnson, Douze & Jégou, "Billion-scale similarity search with GPUs", IEEE TBD 2019, §3
 * (exact search as a GEMM plus k-selection; the ‖x‖² − 2 q·x decomposition).
 */
export async function gemmKnn(
  data: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
  k: number,
  metric: Metric,
  options: GemmKnnOptions = {},
): Promise<Neighbours> {
  checkShapes(data, n, dim, queries, nq, k);
  const kept = Math.min(k + RERANK_MARGIN, Math.max(n, 1));
  const candidates = new TopK(nq, kept);
  const model = gemmModel(dim, options.threads ?? defaultThreads(), metric);
  const scaled = scaledQueries(queries, nq, dim, metric);
  const kTensor = { data: new Float32Array(1), dims: [1] };
  for (let d0 = 0; d0 < n; d0 += BASE_BLOCK) {
    const nb = Math.min(BASE_BLOCK, n - d0);
    // onnxruntime takes no SharedArrayBuffer: then one copy of the block, reused by every query chunk.
    const rows = data.buffer instanceof SharedArrayBuffer ? data.slice(d0 * dim, (d0 + nb) * dim) : data.subarray(d0 * dim, (d0 + nb) * dim);
    kTensor.data[0] = Math.min(kept, nb);
    for (let q0 = 0; q0 < nq; q0 += QUERY_CHUNK) {
      const cq = Math.min(QUERY_CHUNK, nq - q0);
      const out = await model.runBatch({
        q: { data: scaled.subarray(q0 * dim, (q0 + cq) * dim), dims: [cq, dim] },
        b: { data: rows, dims: [nb, dim] },
        k: kTensor,
      });
      const kb = kTensor.data[0];
      const scores = out.scores.data;
      const rowsOut = out.rows.data;
      for (let i = 0; i < cq; i++) {
        let thr = candidates.threshold(q0 + i);
        for (let j = 0; j < kb; j++) {
          const s = scores[i * kb + j];
          if (s > thr) break; // sorted ascending: the rest are worse
          candidates.push(q0 + i, s, d0 + rowsOut[i * kb + j]);
          thr = candidates.threshold(q0 + i);
        }
      }
    }
  }
  return rerank(candidates.finish(), data, dim, queries, nq, k, metric);
}

/** Recomputes the candidates' distances exactly (float64) and keeps the best k per query. */
function rerank(c: { labels: Int32Array }, data: Float32Array, dim: number, queries: Float32Array, nq: number, k: number, metric: Metric): Neighbours {
  const kept = c.labels.length / Math.max(nq, 1);
  const top = new TopK(nq, k);
  for (let q = 0; q < nq; q++) {
    const qo = q * dim;
    let qq = 0;
    for (let t = 0; t < dim; t++) qq += queries[qo + t] * queries[qo + t];
    for (let j = 0; j < kept; j++) {
      const label = c.labels[q * kept + j];
      if (label < 0) continue;
      const xo = label * dim;
      let d = 0;
      if (metric === 'l2') {
        for (let t = 0; t < dim; t++) {
          const e = queries[qo + t] - data[xo + t];
          d += e * e;
        }
      } else {
        let dot = 0;
        let xx = 0;
        for (let t = 0; t < dim; t++) {
          dot += queries[qo + t] * data[xo + t];
          xx += data[xo + t] * data[xo + t];
        }
        d = qq > 0 && xx > 0 ? Math.max(0, 1 - dot / Math.sqrt(qq * xx)) : 1;
      }
      top.push(q, d, label);
    }
  }
  const res = top.finish();
  return { nq, k, labels: res.labels, distances: res.distances };
}

/** −2q (L2) or −q/‖q‖ (cosine), as a plain (unshared) array onnxruntime can take. */
function scaledQueries(queries: Float32Array, nq: number, dim: number, metric: Metric): Float32Array {
  const out = new Float32Array(nq * dim);
  for (let q = 0; q < nq; q++) {
    let s = -2;
    if (metric === 'cosine') {
      let qq = 0;
      for (let t = 0; t < dim; t++) qq += queries[q * dim + t] ** 2;
      s = qq > 0 ? -1 / Math.sqrt(qq) : 0;
    }
    for (let t = 0; t < dim; t++) out[q * dim + t] = s * queries[q * dim + t];
  }
  return out;
}

const models = new Map<string, OnnxModel>();

/** The norms + `Gemm` + `TopK` graph for one dimension, thread count and metric, built once per process. */
function gemmModel(dim: number, threads: number, metric: Metric): OnnxModel {
  const key = `${dim}:${threads}:${metric}`;
  let m = models.get(key);
  if (!m) {
    assert(Number.isInteger(dim) && dim >= 1, 'gemmModel: dim >= 1');
    const bytes = onnxModelBytes({
      inputs: [
        { name: 'q', shape: ['Q', dim] },
        { name: 'b', shape: ['B', dim] },
        { name: 'k', shape: [1] },
      ],
      outputs: [
        { name: 'scores', shape: ['Q', 'K'] },
        { name: 'rows', shape: ['Q', 'K'] },
      ],
      nodes: [
        { op: 'Cast', inputs: ['k'], outputs: ['k64'], attributes: { to: 7 } },
        ...(metric === 'l2'
          ? [
              // s = ‖x‖² + q xᵀ, q already scaled by −2.
              { op: 'ReduceSumSquare', inputs: ['b'], outputs: ['bn'], attributes: { axes: [1], keepdims: 0 } },
              { op: 'Gemm', inputs: ['q', 'b', 'bn'], outputs: ['s'], attributes: { transB: 1 } },
            ]
          : [
              // s = q (x / ‖x‖)ᵀ, q already scaled by −1/‖q‖; an all-zero row stays zero (norm floored).
              { op: 'ReduceSumSquare', inputs: ['b'], outputs: ['bss'], attributes: { axes: [1], keepdims: 1 } },
              { op: 'Max', inputs: ['bss', 'tiny'], outputs: ['bssf'] },
              { op: 'Sqrt', inputs: ['bssf'], outputs: ['bnorm'] },
              { op: 'Div', inputs: ['b', 'bnorm'], outputs: ['bu'] },
              { op: 'Gemm', inputs: ['q', 'bu'], outputs: ['s'], attributes: { transB: 1 } },
            ]),
        { op: 'TopK', inputs: ['s', 'k64'], outputs: ['scores', 'rows64'], attributes: { axis: 1, largest: 0, sorted: 1 } },
        // Row numbers within a block (< 8,192) are exact in float32.
        { op: 'Cast', inputs: ['rows64'], outputs: ['rows'], attributes: { to: 1 } },
      ],
      initializers: metric === 'l2' ? [] : [{ name: 'tiny', dims: [1], values: Float32Array.of(1e-30) }],
    });
    m = OnnxModel.fromBytes(`knn-gemm-${dim}`, bytes, { threads: Math.max(1, Math.min(64, threads)) });
    models.set(key, m);
  }
  return m;
}
