import fs from 'node:fs';
import { assert, DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { Rng } from '../core/rng.ts';
import { covariance } from '../math/covariance.ts';
import { fastDotBlock } from '../math/fastDotBlock.ts';
import { identity, jacobiEigen } from '../math/symmetricEigen.ts';
import { checkNewLabels } from './flat.ts';
import type { FileDigest } from './digest.ts';
import { readIndexMeta, readVerifiedIndexFile, saveIndexFiles, type IndexMeta, type IndexSource } from './indexMeta.ts';
import type { Neighbours, VectorIndex } from './vectorIndex.ts';

/** A trained PCA: y = P (x − μ), P with orthonormal rows sorted by decreasing variance. */
export interface PcaTransform {
  readonly dim: number;
  readonly outDim: number;
  /** μ, `dim` values. */
  readonly mean: Float32Array;
  /** P, row-major `outDim * dim`: row j is the j-th principal direction (unit length). */
  readonly components: Float32Array;
  /** Variance along each component (eigenvalues of the covariance), decreasing, `outDim` values. */
  readonly variances: Float64Array;
}

/** Options of `trainPca`. */
export interface PcaTrainOptions {
  /** Rows drawn (without replacement) to estimate the covariance; default 20,000. */
  maxSample?: number;
  /** Subspace iterations; default 8 (error shrinks as (λ_{l+1}/λ_j)^iterations). */
  iterations?: number;
  /** Seed of the row sample and of the random start basis. */
  seed?: number;
}

/**
 * Principal component analysis by randomized subspace iteration on the sample covariance.
 *
 * Algorithm:
 * 1. Draw ≤ `maxSample` rows; mean μ; covariance C = Xᶜᵀ Xᶜ / (s − 1) from the centred sample with
 *    the blocked SIMD kernel `fastDotBlock` (upper triangle only).
 * 2. l = outDim + max(10, outDim / 4) Gaussian start vectors Q; repeat: Q ← orth(C Q) (modified
 *    Gram–Schmidt, twice).
 * 3. Rayleigh–Ritz: T = Qᵀ C Q (l × l), eigen-decomposed by cyclic Jacobi rotations; the outDim Ritz
 *    vectors with the largest Ritz values are the components. If l reaches dim, Jacobi runs on C itself.
 *
 * @param data - `n * dim` float32 values, row-major.
 * @param outDim - number of components kept, 1 ≤ outDim ≤ dim.
 * @returns mean, components and their variances.
 * @example
 * const pca = trainPca(gist, 100_000, 960, 128);
 * const reduced = pcaProject(pca, gist, 100_000);
 *
 * References: Halko, Martinsson & Tropp, "Finding structure with randomness", SIAM Review 2011,
 * Algorithm 4.4 (randomized subspace iteration) and §5.5 (Rayleigh–Ritz); Golub & Van Loan, "Matrix
 * Computations", 4th ed., §8.5 (Jacobi methods); Torralba, Fergus & Freeman, PAMI 2008, §5 (PCA of
 * tiny-image descriptors before nearest-neighbour search).
 */
export function trainPca(data: Float32Array, n: number, dim: number, outDim: number, options: PcaTrainOptions = {}): PcaTransform {
  assert(Number.isInteger(outDim) && outDim >= 1 && outDim <= dim, `trainPca: 1 <= outDim ${outDim} <= dim ${dim}`);
  assert(n >= 2 && data.length >= n * dim, 'trainPca: at least two rows of dim values');
  const rng = new Rng(options.seed ?? 1);
  const rows = sampleRows(n, Math.min(n, options.maxSample ?? 20_000), rng);
  const mean = new Float64Array(dim);
  for (const r of rows) for (let t = 0; t < dim; t++) mean[t] += data[r * dim + t];
  for (let t = 0; t < dim; t++) mean[t] /= rows.length;
  const cov = covariance(data, dim, rows, mean);
  const l = Math.min(dim, outDim + Math.max(10, Math.ceil(outDim / 4)));
  let basis: Float64Array;
  let ritz: { values: Float64Array; vectors: Float64Array };
  if (l === dim) {
    basis = identity(dim);
    ritz = jacobiEigen(Float64Array.from(cov), dim);
  } else {
    basis = Float64Array.from({ length: l * dim }, () => rng.normal());
    orthonormalizeRows(basis, l, dim, rng);
    for (let it = 0; it < (options.iterations ?? 8); it++) {
      basis = multiplyRows(cov, dim, basis, l);
      orthonormalizeRows(basis, l, dim, rng);
    }
    const cq = multiplyRows(cov, dim, basis, l);
    const t = new Float64Array(l * l);
    for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) t[i * l + j] = dot64(basis, i * dim, cq, j * dim, dim);
    ritz = jacobiEigen(t, l);
  }
  return assemble(ritz, basis, l, dim, outDim, mean);
}

/**
 * Projects rows onto a trained PCA: `out[i * outDim + j] = P_j · (x_i − μ)`.
 *
 * @param vectors - `n * dim` float32 values, row-major.
 * @returns `n * outDim` float32 values, row-major.
 */
export function pcaProject(pca: PcaTransform, vectors: Float32Array, n: number): Float32Array {
  const { dim, outDim, components, mean } = pca;
  assert(vectors.length >= n * dim, 'pcaProject: vectors hold n * dim values');
  const shift = new Float64Array(outDim);
  for (let j = 0; j < outDim; j++) for (let t = 0; t < dim; t++) shift[j] += components[j * dim + t] * mean[t];
  const out = new Float32Array(n * outDim);
  const block = 256;
  const tile = new Float64Array(block * outDim);
  for (let r0 = 0; r0 < n; r0 += block) {
    const rb = Math.min(block, n - r0);
    fastDotBlock(vectors, r0, rb, components, 0, outDim, dim, tile);
    for (let i = 0; i < rb; i++) for (let j = 0; j < outDim; j++) out[(r0 + i) * outDim + j] = tile[i * outDim + j] - shift[j];
  }
  return out;
}

function sampleRows(n: number, count: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const x = all[i];
    all[i] = all[j];
    all[j] = x;
  }
  return all.subarray(0, count).sort();
}

/** Rows of (C Q) for Q given by rows: `out_j = C q_j` (C symmetric, float32; accumulation float64). */
function multiplyRows(cov: Float32Array, dim: number, basis: Float64Array, l: number): Float64Array {
  const q32 = Float32Array.from(basis);
  const tile = new Float64Array(dim * l);
  fastDotBlock(cov, 0, dim, q32, 0, l, dim, tile);
  const out = new Float64Array(l * dim);
  for (let t = 0; t < dim; t++) for (let j = 0; j < l; j++) out[j * dim + t] = tile[t * l + j];
  return out;
}

/** Modified Gram–Schmidt, applied twice; a row that vanishes (rank deficiency) restarts from noise. */
function orthonormalizeRows(m: Float64Array, rows: number, dim: number, rng: Rng): void {
  for (let i = 0; i < rows; i++) {
    const oi = i * dim;
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(dot64(m, oi, m, oi, dim));
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          const p = dot64(m, oi, m, j * dim, dim);
          for (let t = 0; t < dim; t++) m[oi + t] -= p * m[j * dim + t];
        }
      }
      const norm = Math.sqrt(dot64(m, oi, m, oi, dim));
      if (norm > 1e-9 * before && norm > 1e-300) {
        for (let t = 0; t < dim; t++) m[oi + t] /= norm;
        break;
      }
      assert(attempt < 8, 'orthonormalizeRows: cannot find an independent direction');
      for (let t = 0; t < dim; t++) m[oi + t] = rng.normal();
    }
  }
}

/** Components = Ritz vectors (basisᵀ · eigenvector) of the outDim largest Ritz values. */
function assemble(
  ritz: { values: Float64Array; vectors: Float64Array },
  basis: Float64Array,
  l: number,
  dim: number,
  outDim: number,
  mean: Float64Array,
): PcaTransform {
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => ritz.values[y] - ritz.values[x]);
  const components = new Float32Array(outDim * dim);
  const variances = new Float64Array(outDim);
  for (let j = 0; j < outDim; j++) {
    const e = order[j];
    variances[j] = Math.max(0, ritz.values[e]);
    for (let i = 0; i < l; i++) {
      const w = ritz.vectors[i * l + e];
      if (w === 0) continue;
      for (let t = 0; t < dim; t++) components[j * dim + t] += w * basis[i * dim + t];
    }
  }
  return { dim, outDim, mean: Float32Array.from(mean), components, variances };
}

function dot64(a: Float64Array, ao: number, b: Float64Array, bo: number, dim: number): number {
  let s = 0;
  for (let t = 0; t < dim; t++) s += a[ao + t] * b[bo + t];
  return s;
}

/**
 * PCA wrapper (FAISS `IndexPreTransform` with a `PCAMatrix`): reduces vectors to `outDim` principal
 * components, then hands them to an inner index of that dimension (spec `PCA<d>,<inner>`). For the
 * cosine metric vectors are L2-normalised first and the inner index runs squared L2, so
 * 1 − cos(x, y) = ‖x̂ − ŷ‖² / 2 is reported. Saved as `<path>` (float32 mean, then components, then
 * float64 variances), the inner index at `<path>.inner`, and the `<path>.json` sidecar.
 *
 * @example
 * const index = new PcaIndex(3072, 128, 'l2', new HnswIndex(128, 'l2', { m: 32, ...HNSW_DEFAULTS }));
 * index.train(sample, 20_000);
 * index.add(vectors, labels);
 *
 * References: Torralba, Fergus & Freeman, PAMI 2008, §5; Jégou, Douze & Schmid, "Product quantization
 * for nearest neighbor search", PAMI 2011, §V (PCA before indexing high-dimensional gist).
 */
export class PcaIndex implements VectorIndex {
  readonly dim: number;
  readonly outDim: number;
  readonly metric: Metric;
  readonly inner: VectorIndex;
  private pca: PcaTransform | null = null;

  /** @param inner - index over `outDim`-dimensional vectors with metric `l2`. */
  constructor(dim: number, outDim: number, metric: Metric, inner: VectorIndex) {
    assert(outDim >= 1 && outDim <= dim, `PcaIndex: 1 <= outDim ${outDim} <= dim ${dim}`);
    assert(inner.dim === outDim && inner.metric === 'l2', 'PcaIndex: inner index takes outDim-D squared-L2 vectors');
    this.dim = dim;
    this.outDim = outDim;
    this.metric = metric;
    this.inner = inner;
  }

  get spec(): string {
    return `PCA${this.outDim},${this.inner.spec}`;
  }

  get size(): number {
    return this.inner.size;
  }

  get isTrained(): boolean {
    return this.pca !== null;
  }

  /** The trained transform, or null before `train`. */
  get transform(): PcaTransform | null {
    return this.pca;
  }

  /**
   * Learns the PCA from `n` sample vectors (at most 20,000 are used), then trains an untrained inner
   * index on the projected sample (at most 65,536 rows).
   *
   * @throws DejaError NO_DATA with fewer than two sample vectors.
   */
  train(vectors: Float32Array, n: number): void {
    if (n < 2) throw new DejaError('NO_DATA', `PCA needs at least 2 training vectors but received ${n}`, { hint: 'train on a sample of the collection' });
    this.pca = trainPca(this.prepare(vectors, n), n, this.dim, this.outDim);
    if (!this.inner.isTrained) {
      // Chains such as PCA256,PCA64,HNSW32 train each stage on the previous stage's output.
      const m = Math.min(n, 65_536);
      this.inner.train(this.project(vectors, m), m);
    }
  }

  add(vectors: Float32Array, labels: Int32Array): void {
    checkNewLabels(vectors, labels, this.dim, () => false);
    this.inner.add(this.project(vectors, labels.length), labels);
  }

  search(queries: Float32Array, nq: number, k: number): Neighbours {
    const nn = this.inner.search(this.project(queries, nq), nq, k);
    if (this.metric === 'l2') return nn;
    const distances = nn.distances.map((d) => d / 2);
    return { nq: nn.nq, k: nn.k, labels: nn.labels, distances };
  }

  remove(labels: Int32Array): void {
    this.inner.remove(labels);
  }

  /** Saves the inner index at `<path>.inner` first; this sidecar names its checksum (`innerSha256`). */
  save(path: string, source?: IndexSource): FileDigest {
    const pca = this.trained();
    const inner = this.inner.save(`${path}.inner`);
    const write = (tmp: string) => {
      const fd = fs.openSync(tmp, 'w');
      try {
        for (const a of [pca.mean, pca.components, pca.variances]) fs.writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      } finally {
        fs.closeSync(fd);
      }
    };
    const meta = { version: 1, spec: this.spec, dim: this.dim, metric: this.metric, count: this.size, innerSha256: inner.sha256, source };
    return saveIndexFiles(path, write, meta);
  }

  /**
   * Reads an index written by `save`; `meta` is its checked sidecar, `loadInner` the factory's
   * `loadIndexWithMeta`. Both halves must come from the same save: the inner sidecar's checksum must
   * be the one this sidecar recorded.
   *
   * @throws DejaError IO_ERROR when the PCA file's size or checksum does not match, or the inner index is from another save.
   */
  static load(path: string, meta: IndexMeta, outDim: number, loadInner: (path: string, meta: IndexMeta) => VectorIndex): PcaIndex {
    const bytes = new Uint8Array(readVerifiedIndexFile(path, meta)); // aligned copy
    const { dim } = meta;
    const want = 4 * dim * (1 + outDim) + 8 * outDim;
    if (meta.version !== 1 || bytes.byteLength !== want) {
      throw new DejaError('IO_ERROR', `PCA file holds ${bytes.byteLength} bytes, expected ${want} for ${meta.spec} on ${dim}-D vectors`, {
        file: path,
        hint: 'the file does not belong to its sidecar; rebuild the index',
      });
    }
    const innerPath = `${path}.inner`;
    const innerMeta = readIndexMeta(innerPath);
    if (innerMeta.sha256 !== meta.innerSha256) {
      throw new DejaError('IO_ERROR', 'PCA index and its inner index come from different saves', { file: innerPath, hint: 'rebuild the index' });
    }
    const index = new PcaIndex(dim, outDim, meta.metric, loadInner(innerPath, innerMeta));
    index.pca = {
      dim,
      outDim,
      mean: new Float32Array(bytes.buffer, 0, dim),
      components: new Float32Array(bytes.buffer, 4 * dim, outDim * dim),
      variances: new Float64Array(bytes.buffer.slice(4 * dim * (1 + outDim))),
    };
    return index;
  }

  private trained(): PcaTransform {
    if (!this.pca) {
      throw new DejaError('BAD_ARGUMENT', `index ${this.spec} is not trained`, { hint: 'call train() with a sample of the vectors before add, search or save' });
    }
    return this.pca;
  }

  private project(vectors: Float32Array, n: number): Float32Array {
    return pcaProject(this.trained(), this.prepare(vectors, n), n);
  }

  /** Cosine: unit-length copies of the rows; L2: the rows as they are. */
  private prepare(vectors: Float32Array, n: number): Float32Array {
    if (this.metric === 'l2') return vectors;
    const dim = this.dim;
    const out = vectors.slice(0, n * dim);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < dim; t++) s += out[i * dim + t] ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let t = 0; t < dim; t++) out[i * dim + t] *= inv;
    }
    return out;
  }
}
