/**
 * `npm run bench:ann`: nearest-neighbour search against FAISS, measured in the same run on the same vectors.
 * Exact (Flat) and HNSW32 search latency (single query and batched), recall@10 of HNSW against exact
 * search, build time and index size at 10k, 100k and 1M descriptor-like vectors; a PCA wrapper row; and
 * the CIFAR-shaped exact-search throughput row (10,000 queries × 50,000 vectors × 3072-D). Writes bench/ann.md.
 *
 *   npm run bench:ann -- [--sizes 10000,100000,1000000] [--cifar-queries 10000] [--faiss-cifar-queries 200]
 *                        [--ef 32,64,128] [--gt-queries 1000] [--no-faiss] [--out bench/ann.md]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.ts';
import { defaultThreads } from '../src/core/workerPool.ts';
import { createIndex } from '../src/ann/factory.ts';
import { exactKnn, exactKnnParallel } from '../src/ann/flat.ts';
import { HnswIndex, type HnswParams } from '../src/ann/hnsw.ts';
import { readIndexMeta } from '../src/ann/indexMeta.ts';
import type { Neighbours } from '../src/ann/vectorIndex.ts';
import { machineLine, median, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'cifar-queries': { type: 'string', default: '10000' },
    'faiss-cifar-queries': { type: 'string', default: '200' },
    ef: { type: 'string', default: '32,64,128' },
    'gt-queries': { type: 'string', default: '1000' },
    'no-faiss': { type: 'boolean', default: false },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'ann.md') },
  },
});
const K = 10;
const M = 32;
const EFC = 128;
const efs = values.ef.split(',').map(Number);
const threads = defaultThreads();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-ann-'));
const faissScript = path.resolve(import.meta.dirname, 'faiss_reference.py');
const log = (s: string) => console.error(`bench:ann ${new Date().toISOString().slice(11, 19)} ${s}`);

/** Descriptor dimension per collection size: gist-like at 10k, smaller at 1M to keep memory and time feasible. */
function dimFor(n: number): number {
  return n <= 20_000 ? 512 : n <= 200_000 ? 256 : 128;
}

/**
 * Descriptor-like vectors: a Gaussian mixture whose centres and within-cluster spread both follow a
 * decaying spectrum σ_t = (1 + t)^−0.6 (like gist or CNN features), queries drawn from the same mixture.
 */
function descriptorLike(n: number, nq: number, dim: number, seed: number): { base: Float32Array; queries: Float32Array } {
  const rng = new Rng(seed);
  const clusters = Math.max(16, Math.round(Math.sqrt(n) / 2));
  const sigma = Float64Array.from({ length: dim }, (_, t) => (1 + t) ** -0.6);
  const centres = Float32Array.from({ length: clusters * dim }, (_, i) => 1.5 * sigma[i % dim] * rng.normal());
  const draw = (rows: number) => {
    const out = new Float32Array(new SharedArrayBuffer(rows * dim * 4));
    for (let i = 0; i < rows; i++) {
      const c = rng.int(clusters) * dim;
      for (let t = 0; t < dim; t++) out[i * dim + t] = centres[c + t] + sigma[t] * rng.normal();
    }
    return out;
  };
  return { base: draw(n), queries: draw(nq) };
}

function writeF32(file: string, a: Float32Array | Int32Array): string {
  fs.writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return file;
}

function recall(got: Neighbours, truth: Neighbours): number {
  let hits = 0;
  for (let q = 0; q < truth.nq; q++) {
    const t = new Set(truth.labels.subarray(q * K, (q + 1) * K));
    for (let j = 0; j < K; j++) if (t.has(got.labels[q * got.k + j])) hits++;
  }
  return hits / (truth.nq * K);
}

function timeMs<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

function singleQueryMs(search: (q: Float32Array) => unknown, queries: Float32Array, dim: number, runs: number): number {
  search(queries.subarray(0, dim)); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(timeMs(() => search(queries.subarray(i * dim, (i + 1) * dim)))[1]);
  return median(ms);
}

interface FaissFlat { queries: number; batched_ms: number; single_ms: number; recall: number | null }
interface FaissHnsw { build_s: number; bytes: number; runs: { ef: number; batched_ms: number; single_ms: number; recall: number }[] }
interface FaissResult { faiss: string; flat: FaissFlat; hnsw?: FaissHnsw }

function runFaiss(args: string[]): FaissResult | null {
  if (values['no-faiss']) return null;
  const r = spawnSync('/usr/bin/python3', [faissScript, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log(`faiss reference failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout) as FaissResult;
}

const fmt = (x: number | undefined | null, digits = 3) => (x === undefined || x === null ? '–' : x.toFixed(digits));
const ratio = (faiss: number | undefined, ours: number) => (faiss === undefined ? '–' : `${(faiss / ours).toFixed(2)}×`);

interface SizeResult { flatRow: string; hnswRows: string[]; pcaRow?: string }

async function benchSize(n: number): Promise<SizeResult> {
  const dim = dimFor(n);
  const gtq = Math.min(Number(values['gt-queries']), n);
  log(`n=${n} dim=${dim}: generating`);
  const { base, queries } = descriptorLike(n, gtq, dim, n);
  const baseFile = writeF32(path.join(tmp, `base${n}.f32`), base);
  const queryFile = writeF32(path.join(tmp, `queries${n}.f32`), queries);

  log('exact ground truth (Flat, worker threads)');
  const t0 = performance.now();
  const truth = await exactKnnParallel(base, n, dim, queries, gtq, K, 'l2', { threads });
  const flatBatched = (performance.now() - t0) / gtq;
  const flatSingle = singleQueryMs((q) => exactKnn(base, n, dim, q, 1, K, 'l2'), queries, dim, n >= 1_000_000 ? 5 : 20);
  const gtFile = writeF32(path.join(tmp, `gt${n}.i32`), truth.labels);

  log('HNSW build');
  const labels = Int32Array.from({ length: n }, (_, i) => i);
  const rss0 = process.memoryUsage().rss;
  const build = new HnswIndex(dim, 'l2', { m: M, efConstruction: EFC, efSearch: efs[0] });
  const [, buildMs] = timeMs(() => build.add(base, labels));
  const rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
  const file = path.join(tmp, `hnsw${n}.usearch`);
  build.save(file);
  const bytes = fs.statSync(file).size;
  const meta = readIndexMeta(file);

  log('faiss reference');
  const faiss = runFaiss([
    '--base', baseFile, '--queries', queryFile, '--dim', String(dim), '--gt', gtFile, '--k', String(K),
    '--flat-queries', String(gtq), '--hnsw-m', String(M), '--efc', String(EFC), '--efs', efs.join(','),
  ]);

  const flatRow = `| ${n.toLocaleString('en')} | ${dim} | ${gtq} | ${fmt(flatBatched)} | ${fmt(faiss?.flat.batched_ms)} | ${ratio(faiss?.flat.batched_ms, flatBatched)} | ${fmt(flatSingle)} | ${fmt(faiss?.flat.single_ms)} | ${ratio(faiss?.flat.single_ms, flatSingle)} | ${fmt(faiss?.flat.recall)} |`;
  const hnswRows: string[] = [];
  for (const ef of efs) {
    const params: HnswParams = { m: M, efConstruction: EFC, efSearch: ef };
    const index = HnswIndex.load(file, meta, params);
    const [got, batchMs] = timeMs(() => index.search(queries, gtq, K));
    const single = singleQueryMs((q) => index.search(q, 1, K), queries, dim, Math.min(gtq, 500));
    const f = faiss?.hnsw?.runs.find((r) => r.ef === ef);
    const first = ef === efs[0];
    hnswRows.push(
      `| ${first ? n.toLocaleString('en') : ''} | ${first ? dim : ''} | ${first ? `${fmt(buildMs / 1000, 1)} / ${fmt(faiss?.hnsw?.build_s, 1)}` : ''} | ` +
        `${first ? `${fmt(bytes / 2 ** 20, 0)} / ${fmt(faiss?.hnsw ? faiss.hnsw.bytes / 2 ** 20 : undefined, 0)} (RSS +${rssMb.toFixed(0)})` : ''} | ` +
        `${ef} | ${fmt(recall(got, truth))} | ${fmt(f?.recall)} | ${fmt(single)} | ${fmt(f?.single_ms)} | ${ratio(f?.single_ms, single)} | ` +
        `${fmt(batchMs / gtq, 4)} | ${fmt(f?.batched_ms, 4)} | ${ratio(f?.batched_ms, batchMs / gtq)} |`,
    );
  }

  let pcaRow: string | undefined;
  if (n <= 200_000) {
    log('PCA wrapper');
    const spec = `PCA${dim / 4},HNSW${M}`;
    const pca = createIndex(spec, dim, 'l2');
    const [, trainMs] = timeMs(() => pca.train(base, n));
    const [, addMs] = timeMs(() => pca.add(base, labels));
    const [got, searchMs] = timeMs(() => pca.search(queries, gtq, K));
    pcaRow = `| ${n.toLocaleString('en')} | ${dim} | ${spec} | ${fmt(trainMs / 1000, 1)} | ${fmt(addMs / 1000, 1)} | ${fmt(recall(got, truth))} | ${fmt(searchMs / gtq, 4)} |`;
  }
  for (const f of [baseFile, queryFile, gtFile, file]) fs.rmSync(f, { force: true });
  return { flatRow, hnswRows, pcaRow };
}

/** 10,000 queries × 50,000 vectors × 3072-D (CIFAR-10 tiny images as raw pixels), synthetic pixels in [0, 1]. */
async function benchCifar(): Promise<string> {
  const n = 50_000, dim = 3072, nq = Number(values['cifar-queries']);
  log(`CIFAR-shaped exact search: ${nq} × ${n} × ${dim}`);
  const rng = new Rng(3072);
  const fill = (rows: number) => {
    const a = new Float32Array(new SharedArrayBuffer(rows * dim * 4));
    for (let i = 0; i < a.length; i++) a[i] = rng.next();
    return a;
  };
  const base = fill(n);
  const queries = fill(nq);
  const t0 = performance.now();
  const ours = await exactKnnParallel(base, n, dim, queries, nq, K, 'l2', { threads });
  const seconds = (performance.now() - t0) / 1000;
  const gmacs = (nq * n * dim) / seconds / 1e9;
  const fq = Math.min(nq, Number(values['faiss-cifar-queries']));
  const baseFile = writeF32(path.join(tmp, 'cifar-base.f32'), base);
  const queryFile = writeF32(path.join(tmp, 'cifar-queries.f32'), queries.subarray(0, fq * dim));
  const gtFile = writeF32(path.join(tmp, 'cifar-gt.i32'), ours.labels.subarray(0, fq * K));
  log('faiss reference (CIFAR-shaped)');
  const faiss = runFaiss(['--base', baseFile, '--queries', queryFile, '--dim', String(dim), '--gt', gtFile, '--k', String(K), '--flat-queries', String(fq), '--single', '5', '--no-hnsw']);
  for (const f of [baseFile, queryFile, gtFile]) fs.rmSync(f, { force: true });
  const oursMs = (seconds * 1000) / nq;
  return `| ${nq.toLocaleString('en')} × ${n.toLocaleString('en')} × ${dim} | ${fmt(seconds, 1)} | ${fmt(oursMs)} | ${fmt(gmacs, 1)} | ${fq} | ${fmt(faiss?.flat.batched_ms)} | ${ratio(faiss?.flat.batched_ms, oursMs)} | ${fmt(faiss ? (faiss.flat.batched_ms * nq) / 1000 : undefined, 0)} | ${fmt(faiss?.flat.recall)} |`;
}

const load0 = os.loadavg()[0];
const sizes = values.sizes.split(',').filter(Boolean).map(Number);
const results: SizeResult[] = [];
for (const n of sizes) results.push(await benchSize(n));
const cifar = Number(values['cifar-queries']) > 0 ? await benchCifar() : null;
fs.rmSync(tmp, { recursive: true, force: true });

const faissVersion = values['no-faiss'] ? 'not run' : (spawnSync('/usr/bin/python3', ['-c', 'import faiss; print(faiss.__version__)'], { encoding: 'utf8' }).stdout.trim() || 'unavailable');
const md = `# Nearest-neighbour search benchmark

Run ${today()} on ${machineLine()}; FAISS ${faissVersion} (Debian build on the reference netlib BLAS, ${threads} OpenMP threads);
${threads} threads for Deja. Load average ${load0.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end (the
machine is shared, so timings carry that noise). Command: \`npm run bench:ann -- --sizes ${values.sizes}\`.

Vectors: a Gaussian mixture (√n / 2 clusters) with a decaying spectrum σ_t = (1 + t)^−0.6, like gist/CNN
descriptors; ${K} neighbours, squared L2. "× faiss" is FAISS's time divided by Deja's (above 1: Deja is faster).
Ground truth: Deja's exact search of the first ${values['gt-queries']} queries (the "recall" column of the Flat table
checks FAISS's exact search against it).

## Exact search (Flat)

Batched: \`exactKnnParallel\` (WebAssembly SIMD kernel, queries split over worker threads) vs \`IndexFlatL2.search\` on the
same queries. Single: one query at a time (\`exactKnn\`, one thread).

| n | dim | queries | batched ms/query | faiss | × faiss | single ms | faiss | × faiss | faiss recall vs Deja |
|---|---|---|---|---|---|---|---|---|---|
${results.map((r) => r.flatRow).join('\n')}

## HNSW (M = ${M}, efConstruction = ${EFC})

Deja \`HnswIndex\` (usearch) vs FAISS \`IndexHNSWFlat\`, built with all threads; size = saved index file (MiB) and
Deja's resident-memory growth during the build. Batched search uses all threads; single-query search one thread.

| n | dim | build s (Deja / faiss) | MiB (Deja / faiss) | ef | recall@10 | faiss | single ms | faiss | × faiss | batched ms/query | faiss | × faiss |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${results.flatMap((r) => r.hnswRows).join('\n')}

## PCA wrapper

\`createIndex('PCA<dim/4>,HNSW32')\`: PCA trained on ≤ 20,000 vectors (subspace iteration), recall@10 against exact
search in the full dimension, batched search.

| n | dim | spec | train s | add s | recall@10 | batched ms/query |
|---|---|---|---|---|---|---|
${results.map((r) => r.pcaRow).filter(Boolean).join('\n')}

## CIFAR-shaped exact search

All ${values['cifar-queries']} queries against 50,000 vectors of 3072 values (CIFAR-10 as raw 32 × 32 × 3 pixels; synthetic
uniform pixels, since brute-force cost does not depend on the values). FAISS \`IndexFlatL2\` is timed on the first
queries only (its BLAS path here is the single-threaded reference BLAS) and extrapolated; its recall column is the
agreement of its top-10 with Deja's.

| queries × vectors × dim | Deja s | Deja ms/query | GMAC/s | faiss queries | faiss ms/query | × faiss | faiss s (extrapolated) | faiss agreement |
|---|---|---|---|---|---|---|---|---|
${cifar ?? '| not run | | | | | | | | |'}
`;
fs.writeFileSync(values.out, md);
log(`wrote ${values.out}`);
