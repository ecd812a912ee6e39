/**
 * The quantised-HNSW part of `npm run bench:ann`: for each storage (HNSW32 float32, HNSW32_SQfp16,
 * HNSW32_SQ8) the saved bytes per vector, the part of it that is graph rather than vectors, the
 * resident-memory growth of the build, recall@10 against exact search and batched latency; and the
 * extrapolation of those bytes to 10M × 512-D. Also the same indexes on real descriptors of a
 * collection (`--real <collection>:<encoder spec>`), with the resident memory of opening it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exactKnnParallel } from '../src/ann/flat.ts';
import { createIndex } from '../src/ann/factory.ts';
import { HNSW_DEFAULTS, HNSW_SCALAR_BYTES, HnswIndex, type HnswScalar } from '../src/ann/hnsw.ts';
import { PcaIndex } from '../src/ann/pca.ts';
import { readIndexMeta, type IndexMeta } from '../src/ann/indexMeta.ts';
import type { Neighbours } from '../src/ann/vectorIndex.ts';
import type { Metric } from '../src/core/metric.ts';
import { Collection } from '../src/store/collection.ts';

/**
 * One storage kind: its spec suffix's scalar, the metric it is measured with (SQ8 is cosine-only), and
 * whether a PCA to half the dimension comes first (`PCA<dim/2>,HNSW32_SQfp16`: the l2 route to the
 * memory goal).
 */
export const QUANTISED_KINDS: readonly { scalar: HnswScalar; metric: Metric; pca?: boolean }[] = [
  { scalar: 'f32', metric: 'l2' },
  { scalar: 'f16', metric: 'l2' },
  { scalar: 'i8', metric: 'cosine' },
  { scalar: 'f16', metric: 'l2', pca: true },
];

/** What one quantised build measured. */
export interface QuantisedResult {
  label: string;
  n: number;
  dim: number;
  spec: string;
  metric: Metric;
  scalar: HnswScalar;
  /** Dimension the graph stores: dim, or dim / 2 after PCA. */
  storedDim: number;
  buildS: number;
  fileBytesPerVector: number;
  /** File bytes per vector minus the stored vector itself (dim × bytes per value): links, keys, headers. */
  graphBytesPerVector: number;
  rssBytesPerVector: number;
  recalls: { ef: number; recall: number; batchedMs: number }[];
}

function recallAt(got: Neighbours, truth: Neighbours, k: number): number {
  let hits = 0;
  for (let q = 0; q < truth.nq; q++) {
    const t = new Set(truth.labels.subarray(q * truth.k, q * truth.k + k));
    for (let j = 0; j < k; j++) if (t.has(got.labels[q * got.k + j])) hits++;
  }
  return hits / (truth.nq * k);
}

/**
 * Builds each quantised kind on `base` (`n * dim`), saves it under `tmp`, reloads it memory-mapped
 * and measures recall@k of `queries` against exact search of the same metric, per ef.
 */
export async function benchQuantised(
  label: string,
  base: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
  k: number,
  m: number,
  efs: number[],
  threads: number,
  tmp: string,
  log: (s: string) => void,
): Promise<QuantisedResult[]> {
  const truths = new Map<Metric, Neighbours>();
  const out: QuantisedResult[] = [];
  const labels = Int32Array.from({ length: n }, (_, i) => i);
  for (const { scalar, metric, pca } of QUANTISED_KINDS) {
    if (!truths.has(metric)) truths.set(metric, await exactKnnParallel(base, n, dim, queries, nq, k, metric, { threads }));
    const params = { m, ...HNSW_DEFAULTS, scalar };
    const storedDim = pca ? Math.floor(dim / 2) : dim;
    const hnsw = new HnswIndex(storedDim, metric, params).spec;
    const spec = pca ? `PCA${storedDim},${hnsw}` : hnsw;
    log(`${label}: ${spec} build (${metric})`);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const index = createIndex(spec, dim, metric);
    const t0 = performance.now();
    index.train(base, n);
    index.add(base, labels);
    const buildS = (performance.now() - t0) / 1000;
    const rss = process.memoryUsage().rss - rss0;
    const file = path.join(tmp, `q-${label.replace(/\W+/g, '_')}-${spec.replace(/\W+/g, '_')}.idx`);
    index.save(file);
    // Per vector: the graph file (after PCA, the inner index; the PCA matrix is a fixed cost, not per vector).
    const graphFile = pca ? `${file}.inner` : file;
    const bytes = fs.statSync(graphFile).size;
    const recalls = efs.map((ef) => {
      const graph = (p: string, meta: IndexMeta) => HnswIndex.load(p, meta, { ...params, efSearch: ef }, { view: true });
      const viewed = pca ? PcaIndex.load(file, readIndexMeta(file), storedDim, graph) : graph(file, readIndexMeta(file));
      const t = performance.now();
      const got = viewed.search(queries, nq, k);
      return { ef, recall: recallAt(got, truths.get(metric)!, k), batchedMs: (performance.now() - t) / nq };
    });
    out.push({
      label,
      n,
      dim,
      spec,
      metric,
      scalar,
      storedDim,
      buildS,
      fileBytesPerVector: bytes / n,
      graphBytesPerVector: bytes / n - storedDim * HNSW_SCALAR_BYTES[scalar],
      rssBytesPerVector: rss / n,
      recalls,
    });
    for (const f of [file, `${file}.json`, `${file}.inner`, `${file}.inner.json`]) fs.rmSync(f, { force: true });
  }
  return out;
}

const f = (x: number, d = 3) => x.toFixed(d);

/** Table rows of `benchQuantised` results. */
export function quantisedRows(results: QuantisedResult[]): string {
  return results
    .map(
      (r) =>
        `| ${r.label} | ${r.n.toLocaleString('en')} | ${r.dim} | ${r.spec} | ${r.metric} | ${f(r.buildS, 1)} | ${f(r.fileBytesPerVector, 0)} | ${f(r.graphBytesPerVector, 0)} | ` +
        `${f(r.rssBytesPerVector, 0)} | ${r.recalls.map((x) => f(x.recall)).join(' / ')} | ${r.recalls.map((x) => f(x.batchedMs, 4)).join(' / ')} |`,
    )
    .join('\n');
}

/**
 * Extrapolation to `targetN` vectors of `targetDim` values: the graph bytes per vector measured at the
 * largest synthetic n (they depend on M, not on the dimension, and grow only with the number of upper
 * layers, ~log n / ln M), plus the vector itself at the storage's bytes per value.
 */
export function extrapolationRows(results: QuantisedResult[], targetN: number, targetDim: number): string {
  const rows: string[] = [];
  for (const { scalar, metric, pca } of QUANTISED_KINDS) {
    const same = (r: QuantisedResult) => r.scalar === scalar && r.metric === metric && (r.storedDim < r.dim) === (pca === true);
    const measured = results.filter((r) => same(r) && r.label === 'synthetic').sort((a, b) => a.n - b.n);
    const last = measured[measured.length - 1];
    if (!last) continue;
    const graphs = measured.map((r) => `${f(r.graphBytesPerVector, 0)} at ${r.n.toLocaleString('en')}`).join(', ');
    const stored = pca ? targetDim / 2 : targetDim;
    const perVector = last.graphBytesPerVector + stored * HNSW_SCALAR_BYTES[scalar];
    const gb = (perVector * targetN) / 1e9;
    const spec = `${pca ? `PCA${stored},` : ''}${last.spec.replace(/^PCA\d+,/, '')}`;
    const recall = results.find((r) => r.label !== 'synthetic' && same(r))?.recalls;
    rows.push(`| ${spec} | ${metric} | ${graphs} | ${f(perVector, 0)} | ${f(gb, 1)} | ${gb < 10 ? 'yes' : 'no'} | ${recall ? recall.map((x) => f(x.recall)).join(' / ') : '–'} |`);
  }
  return rows.join('\n');
}

/** What opening a collection and its first search cost in resident memory. */
export interface OpenMemory {
  photos: number;
  descriptorBytes: number;
  rssOpenMb: number;
  rssMatrixMb: number;
}

/**
 * Real descriptors: `collectionDir`'s `spec` matrix, every 4th row (at most `maxQueries`) as queries
 * against the rest; the resident memory of opening the collection and of reading the matrix.
 */
export async function benchReal(
  collectionDir: string,
  spec: string,
  maxQueries: number,
  k: number,
  m: number,
  efs: number[],
  threads: number,
  tmp: string,
  log: (s: string) => void,
): Promise<{ results: QuantisedResult[]; memory: OpenMemory }> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const collection = Collection.open(collectionDir);
  const rssOpen = process.memoryUsage().rss - rss0;
  const matrix = collection.descriptorMatrix(spec);
  const rssMatrix = process.memoryUsage().rss - rss0;
  const { dim, n } = matrix;
  const isQuery = (r: number) => r % 4 === 0 && r / 4 < maxQueries;
  const nq = Array.from({ length: n }, (_, r) => r).filter(isQuery).length;
  const base = new Float32Array(new SharedArrayBuffer((n - nq) * dim * 4));
  const queries = new Float32Array(new SharedArrayBuffer(nq * dim * 4));
  let b = 0;
  let q = 0;
  for (let r = 0; r < n; r++) {
    const row = matrix.data.subarray(r * dim, (r + 1) * dim);
    if (isQuery(r)) queries.set(row, dim * q++);
    else base.set(row, dim * b++);
  }
  const descriptorBytes = fs.readdirSync(path.join(collectionDir, 'descriptors')).reduce((s, file) => s + fs.statSync(path.join(collectionDir, 'descriptors', file)).size, 0);
  collection.close();
  const results = await benchQuantised(spec, base, b, dim, queries, nq, k, m, efs, threads, tmp, log);
  return { results, memory: { photos: n, descriptorBytes, rssOpenMb: rssOpen / 2 ** 20, rssMatrixMb: rssMatrix / 2 ** 20 } };
}
