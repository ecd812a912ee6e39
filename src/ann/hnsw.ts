import usearch from 'usearch';
import { assert, DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { checkNewLabels } from './flat.ts';
import type { FileDigest } from './digest.ts';
import { saveIndexFiles, withVerifiedIndexFile, type IndexMeta, type IndexSource } from './indexMeta.ts';
import type { Neighbours, VectorIndex } from './vectorIndex.ts';

const { Index, MetricKind, ScalarKind } = usearch;
const SCALAR_KIND = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 } as const;

/** HNSW build and search parameters (Malkov & Yashunin 2018, §4: M, efConstruction, ef). */
export interface HnswParams {
  /** Links per node per layer, M (spec `HNSW<M>`); 16–64 is typical, 32 a good default for descriptors. */
  m: number;
  /** Candidate list size while inserting (efConstruction); larger builds slower and better graphs. */
  efConstruction: number;
  /** Candidate list size while searching (ef); raises recall at the cost of latency; at least k is used. */
  efSearch: number;
  /**
   * How the graph stores its vectors (spec suffix, FAISS `IndexHNSWSQ` style): `f32` (none, 4 bytes a
   * value), `f16` (`_SQfp16`, 2 bytes) or `i8` (`_SQ8`, 1 byte; usearch scales each vector to unit length
   * first, so only with the cosine metric). Defaults to `f32`.
   */
  scalar?: HnswScalar;
}

/** Storage of the vectors inside an HNSW graph: see `HnswParams.scalar`. */
export type HnswScalar = 'f32' | 'f16' | 'i8';

/** Spec suffix of each quantised storage (none for f32). */
export const HNSW_SCALAR_SUFFIX: Readonly<Record<HnswScalar, string>> = Object.freeze({ f32: '', f16: '_SQfp16', i8: '_SQ8' });

/** Bytes a stored value takes, per scalar kind. */
export const HNSW_SCALAR_BYTES: Readonly<Record<HnswScalar, number>> = Object.freeze({ f32: 4, f16: 2, i8: 1 });

/** usearch's defaults, which reach recall@10 ≥ 0.95 on clustered descriptor-like data at M = 32. */
export const HNSW_DEFAULTS = { efConstruction: 128, efSearch: 64 } as const;

/**
 * Spec string of an HNSW index: `HNSW<M>`, the storage suffix (`_SQfp16`, `_SQ8`) when quantised, then
 * `_efc<n>` and `_ef<n>` only where they differ from `HNSW_DEFAULTS` (e.g. `HNSW32`, `HNSW32_SQfp16`,
 * `HNSW16_ef200`, `HNSW48_SQ8_efc400_ef128`).
 */
export function hnswSpec(p: HnswParams): string {
  let spec = `HNSW${p.m}${HNSW_SCALAR_SUFFIX[p.scalar ?? 'f32']}`;
  if (p.efConstruction !== HNSW_DEFAULTS.efConstruction) spec += `_efc${p.efConstruction}`;
  if (p.efSearch !== HNSW_DEFAULTS.efSearch) spec += `_ef${p.efSearch}`;
  return spec;
}

/**
 * Approximate k-NN with a hierarchical navigable small-world graph, backed by usearch (native,
 * SIMD distances, multi-threaded batch search). Distances match `FlatIndex`: squared L2 (usearch
 * `l2sq`) or 1 − cosine similarity (usearch `cos`). Supports incremental `add` and `remove`; saved as
 * usearch's own file at `<path>` plus the `<path>.json` sidecar.
 *
 * @example
 * const index = new HnswIndex(512, 'l2', { m: 32, ...HNSW_DEFAULTS });
 * index.add(vectors, labels);
 * const nn = index.search(queries, 100, 10);
 *
 * References: Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
 * hierarchical navigable small world graphs", IEEE PAMI 2018, §4 (Algorithms 1–5, parameters M, ef).
 */
export class HnswIndex implements VectorIndex {
  readonly spec: string;
  readonly dim: number;
  readonly metric: Metric;
  readonly isTrained = true;
  readonly params: HnswParams;
  private readonly native: InstanceType<typeof Index>;
  /** True when the graph is a read-only memory map of a saved file (`load(..., { view: true })`). */
  private viewed = false;

  constructor(dim: number, metric: Metric, params: HnswParams) {
    assert(Number.isInteger(dim) && dim >= 1, `HnswIndex: dim ${dim} >= 1`);
    assert(params.m >= 2 && params.efConstruction >= 1 && params.efSearch >= 1, 'HnswIndex: M >= 2, ef >= 1');
    const scalar = params.scalar ?? 'f32';
    if (scalar === 'i8' && metric !== 'cosine') {
      throw new DejaError('BAD_ARGUMENT', `Expected the cosine metric for HNSW${params.m}_SQ8 but received ${metric}`, {
        hint: 'usearch scales int8 vectors to unit length, which only cosine allows; for l2 use _SQfp16 (e.g. HNSW32_SQfp16) or PCA<d>,HNSW32_SQfp16',
      });
    }
    this.dim = dim;
    this.metric = metric;
    this.params = params;
    this.spec = hnswSpec(params);
    this.native = new Index({
      dimensions: dim,
      metric: metric === 'l2' ? MetricKind.L2sq : MetricKind.Cos,
      quantization: SCALAR_KIND[scalar],
      connectivity: params.m,
      expansion_add: params.efConstruction,
      expansion_search: params.efSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.native.size();
  }

  /** HNSW needs no training. */
  train(_vectors: Float32Array, _n: number): void {}

  /** True when the graph is a read-only memory map (see `load`): `add` and `remove` are refused. */
  get isView(): boolean {
    return this.viewed;
  }

  add(vectors: Float32Array, labels: Int32Array): void {
    assert(!this.viewed, 'HnswIndex.add: a viewed (memory-mapped) index is read-only; load it instead');
    if (labels.length === 0) return;
    const keys = toKeys(labels);
    const present = this.native.contains(keys) as boolean[];
    const held = new Set<number>();
    present.forEach((p, i) => p && held.add(labels[i]));
    checkNewLabels(vectors, labels, this.dim, (l) => held.has(l));
    this.native.add(keys, vectors, 0);
  }

  /** k-NN of `nq` queries; a single query runs on the calling thread, a batch on all cores. */
  search(queries: Float32Array, nq: number, k: number): Neighbours {
    if (!Number.isInteger(k) || k < 1) {
      throw new DejaError('BAD_ARGUMENT', `Expected a positive integer for k but received ${k}`, { hint: 'ask for at least one neighbour' });
    }
    assert(queries.length >= nq * this.dim, 'HnswIndex.search: queries hold nq * dim values');
    const labels = new Int32Array(nq * k).fill(-1);
    const distances = new Float32Array(nq * k).fill(Infinity);
    if (nq === 0 || this.size === 0) return { nq, k, labels, distances };
    // One query yields Matches (trimmed to its count); several yield BatchMatches (k slots per query).
    const res = this.native.search(queries.subarray(0, nq * this.dim), k, nq === 1 ? 1 : 0) as SearchResult;
    const counts = res.counts ?? null;
    for (let q = 0; q < nq; q++) {
      const c = counts ? Number(counts[q]) : res.keys.length;
      for (let j = 0; j < c; j++) {
        labels[q * k + j] = Number(res.keys[q * k + j]);
        distances[q * k + j] = Math.max(0, res.distances[q * k + j]);
      }
    }
    return { nq, k, labels, distances };
  }

  remove(labels: Int32Array): void {
    assert(!this.viewed, 'HnswIndex.remove: a viewed (memory-mapped) index is read-only; load it instead');
    if (labels.length > 0) this.native.remove(toKeys(labels));
  }

  save(path: string, source?: IndexSource): FileDigest {
    return saveIndexFiles(path, (tmp) => this.native.save(tmp), { version: 1, spec: this.spec, dim: this.dim, metric: this.metric, count: this.size, source });
  }

  /**
   * Reads an index written by `save`; `meta` is its checked sidecar, `params` come from its spec.
   * The file's size and SHA-256 are checked against the sidecar first: usearch's loader trusts its
   * input, and a torn or corrupt file crashes the process (double free, segfault) instead of throwing.
   *
   * With `view`, the file is memory-mapped read-only (usearch `Index.view`) instead of read into the
   * heap: pages are read as searches touch them, so opening costs no resident memory, and `add` and
   * `remove` are refused. The mapping holds the verified file's inode, so a later save that renames a
   * new file into place does not change what the view reads.
   *
   * @throws DejaError NOT_FOUND when the usearch file is missing; IO_ERROR when it does not match the sidecar.
   */
  static load(path: string, meta: IndexMeta, params: HnswParams, options: { view?: boolean } = {}): HnswIndex {
    return withVerifiedIndexFile(path, meta, (verified) => {
      const index = new HnswIndex(meta.dim, meta.metric, params);
      try {
        if (options.view) index.native.view(verified);
        else index.native.load(verified);
        index.viewed = options.view === true;
      } catch (e) {
        throw new DejaError('IO_ERROR', `cannot read HNSW index: ${(e as Error).message}`, { file: path, hint: 'rebuild the index', cause: e });
      }
      if (index.native.dimensions() !== meta.dim || index.size !== meta.count) {
        throw new DejaError('IO_ERROR', `HNSW index holds ${index.size} vectors of ${index.native.dimensions()} values, its sidecar says ${meta.count} of ${meta.dim}`, {
          file: path,
          hint: 'the file does not belong to its sidecar; rebuild the index',
        });
      }
      return index;
    });
  }
}

/** usearch's `Matches` or `BatchMatches`, seen through their common fields. */
interface SearchResult {
  keys: BigUint64Array;
  distances: Float32Array;
  counts?: BigUint64Array;
}

function toKeys(labels: Int32Array): BigUint64Array {
  const keys = new BigUint64Array(labels.length);
  for (let i = 0; i < labels.length; i++) keys[i] = BigInt(labels[i] < 0 ? 0 : labels[i]);
  return keys;
}
