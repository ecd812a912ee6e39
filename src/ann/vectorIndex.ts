import type { Metric } from '../core/metric.ts';
import type { FileDigest } from './digest.ts';
import type { IndexSource } from './indexMeta.ts';

/**
 * k nearest neighbours of `nq` queries: row-major `nq * k` arrays. `labels[q * k + j]` is the label
 * (the caller's id, e.g. a descriptor row) of the j-th nearest neighbour of query q, `-1` where fewer
 * than k vectors exist; distances ascend (squared L2 for `l2`, 1 - cosine similarity for `cosine`).
 */
export interface Neighbours {
  readonly nq: number;
  readonly k: number;
  readonly labels: Int32Array;
  readonly distances: Float32Array;
}

/**
 * One interface for every index (FAISS's `Index`): flat, HNSW and wrappers such as PCA that are indexes too.
 * Vectors are row-major float32, `n * dim` values.
 */
export interface VectorIndex {
  /** Factory string that rebuilds this index, e.g. `PCA128,HNSW32`. */
  readonly spec: string;
  readonly dim: number;
  readonly metric: Metric;
  /** Number of vectors held. */
  readonly size: number;
  /** True once the index can take vectors (wrappers such as PCA must be trained first). */
  readonly isTrained: boolean;
  /** Learn what the index needs from sample vectors (`n * dim`); a no-op for flat and HNSW. */
  train(vectors: Float32Array, n: number): void;
  /** Adds `labels.length` vectors with the given labels (non-negative, unique). */
  add(vectors: Float32Array, labels: Int32Array): void;
  /** k-NN of `nq` queries (`nq * dim`). Exact for flat; approximate for HNSW. */
  search(queries: Float32Array, nq: number, k: number): Neighbours;
  /** Removes vectors by label; unknown labels are ignored. */
  remove(labels: Int32Array): void;
  /**
   * Writes the index to `path` and its sidecar (spec, dim, metric, the data file's size and SHA-256,
   * and `source`, the descriptor rows it was built from, when given) to `<path>.json`, each file
   * replaced atomically. Returns the data file's size and checksum.
   */
  save(path: string, source?: IndexSource): FileDigest;
}
