import fs from 'node:fs';
import { assert, DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../core/workerPool.ts';
import { dotBlock } from '../math/dotBlock.ts';
import { checkShapes, dotsToDistances, rowSquaredNorms, TopK } from './distances.ts';
import { gemmKnn } from './gemmKnn.ts';
import { SIMD_ROW_PAD, SimdDot } from '../math/simdDot.ts';
import type { FileDigest } from './digest.ts';
import { readVerifiedIndexFile, saveIndexFiles, type IndexMeta, type IndexSource } from './indexMeta.ts';
import type { Neighbours, VectorIndex } from './vectorIndex.ts';

/** Queries per block: a 64-row query tile of one dimension tile (512 values) is 128 KiB, in L2. */
const QUERY_BLOCK = 64;
/** Data rows per block: 256 rows of one dimension tile is 512 KiB, in L2 beside the query tile. */
const DATA_BLOCK = 256;

/**
 * Exact k nearest neighbours by brute force (FAISS `IndexFlat`), written for speed.
 *
 * Algorithm:
 * 1. Squared norms of the queries, and of each block of data rows as it is staged.
 * 2. For each block of 64 queries × 256 data rows, all dot products with a register-blocked,
 *    cache-tiled kernel: the WebAssembly SIMD kernel `SimdDot` (4 × 2 micro-tiles of f32x4 lanes,
 *    summed in float64 every 512 values) where available, else the scalar `dotBlock` (4 × 4, float64).
 * 3. Distances ‖x‖² + ‖q‖² − 2 x·q (squared L2), or 1 − x·q / (‖x‖‖q‖) (cosine), clamped at 0 for L2.
 * 4. A bounded max-heap per query keeps the k best; candidates above its threshold are skipped inline.
 *
 * @param data - `n * dim` float32 values, row-major; row i has label i.
 * @param n - number of data rows (≥ 0).
 * @param dim - values per row (≥ 1).
 * @param queries - `nq * dim` float32 values, row-major.
 * @param nq - number of queries.
 * @param k - neighbours per query (≥ 1); rows beyond n are padded with label −1 and distance +∞.
 * @param metric - `l2` (squared Euclidean) or `cosine` (1 − cosine similarity).
 * @returns `nq * k` labels (row indices) and distances, ascending per query; ties keep the lower row.
 * @throws DejaError BAD_ARGUMENT when k is not a positive integer.
 * @example
 * const nn = exactKnn(data, 50_000, 3072, queries, 100, 10, 'l2');
 * nn.labels[0]; // row of query 0's nearest neighbour
 *
 * References: Torralba, Fergus & Freeman, "80 million tiny images", PAMI 2008, §4 (exhaustive
 * nearest-neighbour search over 32 × 32 × 3 descriptors); Johnson, Douze & Jégou, "Billion-scale
 * similarity search with GPUs", 2017, §3 (exact search as a GEMM plus k-selection).
 */
export function exactKnn(
  data: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
  k: number,
  metric: Metric,
): Neighbours {
  checkShapes(data, n, dim, queries, nq, k);
  const labels = new Int32Array(nq * k);
  const distances = new Float32Array(nq * k);
  knnRange(data, n, dim, null, queries, 0, nq, k, metric, labels, distances);
  return { nq, k, labels, distances };
}

/**
 * Exact k-NN of queries `qStart … qStart + qCount − 1`, written into `outLabels` / `outDistances` at
 * rows `qStart …` (so threads can share one output). Steps as in `exactKnn`; the dot products run on
 * the WebAssembly SIMD kernel (`SimdDot`) where available, else on the scalar `dotBlock`.
 *
 * @param dataNorms - squared norms of the `n` data rows (`rowSquaredNorms`), or null to compute them
 *   (the SIMD path computes them per staged block and ignores this).
 * @param useSimd - false forces the scalar kernel (tests compare the two).
 */
export function knnRange(
  data: Float32Array,
  n: number,
  dim: number,
  dataNorms: Float64Array | null,
  queries: Float32Array,
  qStart: number,
  qCount: number,
  k: number,
  metric: Metric,
  outLabels: Int32Array,
  outDistances: Float32Array,
  useSimd = true,
): void {
  const simd = useSimd ? threadSimd() : null;
  if (simd) {
    knnRangeSimd(simd, data, n, dim, queries, qStart, qCount, k, metric, outLabels, outDistances);
    return;
  }
  const norms = dataNorms ?? rowSquaredNorms(data, n, dim);
  const tile = new Float64Array(QUERY_BLOCK * DATA_BLOCK);
  for (let q0 = qStart; q0 < qStart + qCount; q0 += QUERY_BLOCK) {
    const qb = Math.min(QUERY_BLOCK, qStart + qCount - q0);
    const qNorms = rowSquaredNorms(queries.subarray(q0 * dim, (q0 + qb) * dim), qb, dim);
    const top = new TopK(qb, k);
    for (let d0 = 0; d0 < n; d0 += DATA_BLOCK) {
      const db = Math.min(DATA_BLOCK, n - d0);
      dotBlock(queries, q0, qb, data, d0, db, dim, tile);
      dotsToDistances(tile, qNorms, 0, qb, norms, d0, db, metric);
      selectBlock(top, 0, tile, qb, db, db, d0);
    }
    const res = top.finish();
    outLabels.set(res.labels, q0 * k);
    outDistances.set(res.distances, q0 * k);
  }
}

/** Query bytes staged in WebAssembly memory at once (the data is streamed block by block past them). */
const STAGED_QUERY_BYTES = 16 << 20;

/**
 * `knnRange` on the SIMD kernel: a chunk of queries is staged (rows zero-padded to a multiple of 4
 * floats); each 256-row data block is staged once per chunk, its squared norms taken in SIMD, and met
 * by every 64-query block.
 */
function knnRangeSimd(
  simd: SimdDot,
  data: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  qStart: number,
  qCount: number,
  k: number,
  metric: Metric,
  outLabels: Int32Array,
  outDistances: Float32Array,
): void {
  const paddedDim = roundUp(dim, 4);
  const rowBytes = paddedDim * 4;
  const chunkRows = Math.min(qCount, Math.max(QUERY_BLOCK, Math.floor(STAGED_QUERY_BYTES / rowBytes / QUERY_BLOCK) * QUERY_BLOCK));
  const dataAt = chunkRows * rowBytes;
  const normsAt = dataAt + DATA_BLOCK * rowBytes;
  const tileAt = normsAt + DATA_BLOCK * 8;
  simd.reserve(tileAt + QUERY_BLOCK * DATA_BLOCK * 8);
  for (let c0 = qStart; c0 < qStart + qCount; c0 += chunkRows) {
    const cq = Math.min(chunkRows, qStart + qCount - c0);
    simd.stageRows(queries, c0, cq, dim, paddedDim, cq, 0);
    const qNorms = rowSquaredNorms(queries.subarray(c0 * dim, (c0 + cq) * dim), cq, dim);
    const top = new TopK(cq, k);
    for (let d0 = 0; d0 < n; d0 += DATA_BLOCK) {
      const db = Math.min(DATA_BLOCK, n - d0);
      const dbPad = roundUp(db, SIMD_ROW_PAD);
      simd.stageRows(data, d0, db, dim, paddedDim, dbPad, dataAt);
      simd.squaredNorms(dataAt, db, paddedDim, normsAt);
      const blockNorms = simd.doubles.subarray(normsAt >> 3, (normsAt >> 3) + db);
      for (let q0 = 0; q0 < cq; q0 += QUERY_BLOCK) {
        const qb = Math.min(QUERY_BLOCK, cq - q0);
        simd.dot(q0 * rowBytes, qb, dataAt, dbPad, paddedDim, tileAt);
        const tile = simd.doubles.subarray(tileAt >> 3, (tileAt >> 3) + qb * dbPad);
        dotsToDistances(tile, qNorms, q0, qb, blockNorms, 0, db, metric, dbPad);
        selectBlock(top, q0, tile, qb, db, dbPad, d0);
      }
    }
    const res = top.finish();
    outLabels.set(res.labels, c0 * k);
    outDistances.set(res.distances, c0 * k);
  }
}

/** Offers a block of distances (`qb` rows of `db`, row stride `stride`) to heaps `q0 …`; row j is data row `d0 + j`. */
function selectBlock(top: TopK, q0: number, tile: Float64Array, qb: number, db: number, stride: number, d0: number): void {
  for (let i = 0; i < qb; i++) {
    const q = q0 + i;
    let thr = top.threshold(q);
    const o = i * stride;
    for (let j = 0; j < db; j++) {
      const d = tile[o + j];
      if (d <= thr) {
        top.push(q, d, d0 + j);
        thr = top.threshold(q);
      }
    }
  }
}

let simdContext: SimdDot | null | undefined;

/** This thread's SIMD kernel (created on first use), or null without WebAssembly SIMD. */
function threadSimd(): SimdDot | null {
  if (simdContext === undefined) simdContext = SimdDot.create();
  return simdContext;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/** Options of `exactKnnParallel`. */
export interface ParallelKnnOptions {
  /** Worker threads (default: all cores, or DEJA_THREADS). */
  threads?: number;
  /**
   * `auto` (default): `gemm` from `GEMM_MIN_QUERIES` (64) queries up, else `wasm`. `gemm`: `gemmKnn` (onnxruntime's GEMM
   * and TopK). `wasm`: the WebAssembly SIMD kernel over worker threads, bit-identical to `exactKnn`.
   */
  kernel?: 'auto' | 'gemm' | 'wasm';
}

/**
 * Queries from which `exactKnnParallel` hands a batch to `gemmKnn` (`npm run bench:knn-kernel`,
 * bench/knn-kernel.md): on 2 cores the two kernels are within noise of each other from 1 to 64
 * queries, and from 256 the GEMM is 8–19× faster (the SIMD kernel then also pays for its worker threads).
 */
export const GEMM_MIN_QUERIES = 64;

/**
 * Exact k-NN of a batch of queries on every core. From `GEMM_MIN_QUERIES` queries (kernel `auto`) the
 * batch goes to `gemmKnn`: one matrix product and TopK per block of rows on onnxruntime's threads, its
 * candidates re-ranked in float64, so the neighbours are `exactKnn`'s up to ties within float rounding
 * and the distances agree to float32 rounding. Otherwise `exactKnn` runs with the queries split across
 * worker threads: the data, the queries and the outputs live in `SharedArrayBuffer`s that every worker
 * reads in place (an input not already shared is copied into shared memory once per call, never per query).
 *
 * @returns the neighbours, as `exactKnn` (with kernel `wasm`: identical labels and distances).
 * @example
 * const nn = await exactKnnParallel(data, 50_000, 3072, queries, 10_000, 10, 'l2', { threads: 2 });
 *
 * References: as `exactKnn`.
 */
export async function exactKnnParallel(
  data: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
  k: number,
  metric: Metric,
  options: ParallelKnnOptions = {},
): Promise<Neighbours> {
  checkShapes(data, n, dim, queries, nq, k);
  const kernel = options.kernel ?? 'auto';
  if (kernel === 'gemm' || (kernel === 'auto' && nq >= GEMM_MIN_QUERIES)) return gemmKnn(data, n, dim, queries, nq, k, metric, { threads: options.threads });
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), Math.ceil(nq / QUERY_BLOCK)));
  if (threads === 1) return exactKnn(data, n, dim, queries, nq, k, metric);
  const sharedData = toShared(data.subarray(0, n * dim));
  const sharedQueries = toShared(queries.subarray(0, nq * dim));
  const labels = new Int32Array(new SharedArrayBuffer(nq * k * 4));
  const distances = new Float32Array(new SharedArrayBuffer(nq * k * 4));
  // Several chunks per thread balance uneven progress; chunk starts align to query blocks.
  const chunk = Math.max(QUERY_BLOCK, Math.ceil(nq / (threads * 4) / QUERY_BLOCK) * QUERY_BLOCK);
  const pool = new WorkerPool<FlatTask, null>(workerModuleUrl(import.meta.url, './flatWorker'), threads);
  try {
    const jobs: Promise<null>[] = [];
    for (let q0 = 0; q0 < nq; q0 += chunk) {
      const task: FlatTask = {
        data: sharedData, n, dim, queries: sharedQueries,
        qStart: q0, qCount: Math.min(chunk, nq - q0), k, metric, labels, distances,
      };
      jobs.push(pool.run(task));
    }
    await Promise.all(jobs);
  } finally {
    await pool.close();
  }
  return { nq, k, labels, distances };
}

/** One worker job of `exactKnnParallel` (all arrays backed by `SharedArrayBuffer`). */
export interface FlatTask {
  data: Float32Array;
  n: number;
  dim: number;
  queries: Float32Array;
  qStart: number;
  qCount: number;
  k: number;
  metric: Metric;
  labels: Int32Array;
  distances: Float32Array;
}

function toShared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float32Array(new SharedArrayBuffer(a.length * 4));
  s.set(a);
  return s;
}

/**
 * Exact index (FAISS `IndexFlatL2` / `IndexFlatIP` on normalised vectors): stores every vector and
 * answers with `exactKnn`. Labels are the caller's ids; `remove` moves the last row into the hole.
 * Saved as `<path>` (int32 labels, then float32 rows) plus the `<path>.json` sidecar.
 *
 * @example
 * const index = new FlatIndex(3072, 'l2');
 * index.add(vectors, labels);
 * const nn = index.search(query, 1, 10);
 *
 * References: Torralba, Fergus & Freeman, PAMI 2008, §4; Hays & Efros, "Scene completion using
 * millions of photographs", SIGGRAPH 2007, §3 (exhaustive gist matching).
 */
export class FlatIndex implements VectorIndex {
  readonly spec = 'Flat';
  readonly dim: number;
  readonly metric: Metric;
  readonly isTrained = true;
  private vectors: Float32Array;
  private labels: Int32Array;
  private count = 0;
  private readonly rowOf = new Map<number, number>();

  constructor(dim: number, metric: Metric) {
    assert(Number.isInteger(dim) && dim >= 1, `FlatIndex: dim ${dim} >= 1`);
    this.dim = dim;
    this.metric = metric;
    this.vectors = new Float32Array(0);
    this.labels = new Int32Array(0);
  }

  get size(): number {
    return this.count;
  }

  /** Flat needs no training. */
  train(_vectors: Float32Array, _n: number): void {}

  add(vectors: Float32Array, labels: Int32Array): void {
    checkNewLabels(vectors, labels, this.dim, (l) => this.rowOf.has(l));
    const m = labels.length;
    this.reserve(this.count + m);
    this.vectors.set(vectors.subarray(0, m * this.dim), this.count * this.dim);
    this.labels.set(labels, this.count);
    for (let i = 0; i < m; i++) this.rowOf.set(labels[i], this.count + i);
    this.count += m;
  }

  search(queries: Float32Array, nq: number, k: number): Neighbours {
    const nn = exactKnn(this.vectors, this.count, this.dim, queries, nq, k, this.metric);
    return relabel(nn, this.labels);
  }

  /** Same as `search` on every core (`exactKnnParallel`: a GEMM from 64 queries, else worker threads). */
  async searchParallel(queries: Float32Array, nq: number, k: number, options: ParallelKnnOptions = {}): Promise<Neighbours> {
    const nn = await exactKnnParallel(this.vectors, this.count, this.dim, queries, nq, k, this.metric, options);
    return relabel(nn, this.labels);
  }

  remove(labels: Int32Array): void {
    const dim = this.dim;
    for (const label of labels) {
      const row = this.rowOf.get(label);
      if (row === undefined) continue;
      const last = this.count - 1;
      if (row !== last) {
        this.vectors.copyWithin(row * dim, last * dim, (last + 1) * dim);
        this.labels[row] = this.labels[last];
        this.rowOf.set(this.labels[row], row);
      }
      this.rowOf.delete(label);
      this.count = last;
    }
  }

  save(path: string, source?: IndexSource): FileDigest {
    const labels = this.labels.subarray(0, this.count);
    const rows = this.vectors.subarray(0, this.count * this.dim);
    const write = (tmp: string) => {
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
        fs.writeSync(fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
      } finally {
        fs.closeSync(fd);
      }
    };
    return saveIndexFiles(path, write, { version: 1, spec: this.spec, dim: this.dim, metric: this.metric, count: this.count, source });
  }

  /**
   * Reads an index written by `save`; `meta` is its checked sidecar (`readIndexMeta`).
   *
   * @throws DejaError IO_ERROR when the data file's size or checksum does not match the sidecar.
   */
  static load(path: string, meta: IndexMeta): FlatIndex {
    const bytes = readVerifiedIndexFile(path, meta);
    const { count, dim } = meta;
    if (meta.version !== 1 || bytes.byteLength !== count * 4 * (1 + dim)) {
      throw new DejaError('IO_ERROR', `flat index holds ${bytes.byteLength} bytes, expected ${count * 4 * (1 + dim)} for ${count} vectors of ${dim} values`, {
        file: path,
        hint: 'the file does not belong to its sidecar; rebuild the index',
      });
    }
    const index = new FlatIndex(dim, meta.metric);
    const copy = new Uint8Array(bytes); // aligned copy
    index.add(new Float32Array(copy.buffer, count * 4, count * dim), new Int32Array(copy.buffer, 0, count));
    return index;
  }

  /** Raw rows held (row-major, `size * dim`) and their labels: for wrappers and re-ranking. */
  rows(): { vectors: Float32Array; labels: Int32Array } {
    return { vectors: this.vectors.subarray(0, this.count * this.dim), labels: this.labels.subarray(0, this.count) };
  }

  private reserve(capacity: number): void {
    if (this.labels.length >= capacity) return;
    const cap = Math.max(capacity, Math.ceil(this.labels.length * 1.5), 16);
    const vectors = new Float32Array(cap * this.dim);
    vectors.set(this.vectors.subarray(0, this.count * this.dim));
    const labels = new Int32Array(cap);
    labels.set(this.labels.subarray(0, this.count));
    this.vectors = vectors;
    this.labels = labels;
  }
}

/**
 * Checks vectors and labels given to `VectorIndex.add`: one row of `dim` values per label, labels
 * non-negative 31-bit integers, unique within the batch and not yet held (`held`).
 *
 * @throws DejaError BAD_ARGUMENT naming the offending label or size.
 */
export function checkNewLabels(vectors: Float32Array, labels: Int32Array, dim: number, held: (label: number) => boolean): void {
  if (vectors.length !== labels.length * dim) {
    throw new DejaError('BAD_ARGUMENT', `Expected ${labels.length} x ${dim} = ${labels.length * dim} values for ${labels.length} labels but received ${vectors.length}`, {
      hint: 'pass one row of dim values per label',
    });
  }
  const seen = new Set<number>();
  for (const label of labels) {
    if (label < 0 || held(label) || seen.has(label)) {
      throw new DejaError('BAD_ARGUMENT', `Expected unique non-negative labels but label ${label} is ${label < 0 ? 'negative' : 'already used'}`, {
        hint: 'remove the old vector first, or give each vector its own id',
      });
    }
    seen.add(label);
  }
}

/** Maps row indices of `nn` to `labels[row]` (−1 stays −1). */
function relabel(nn: Neighbours, labels: Int32Array): Neighbours {
  const out = new Int32Array(nn.labels.length);
  for (let i = 0; i < out.length; i++) out[i] = nn.labels[i] < 0 ? -1 : labels[nn.labels[i]];
  return { nq: nn.nq, k: nn.k, labels: out, distances: nn.distances };
}
