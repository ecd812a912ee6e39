/**
 * `npm run bench:ann`: nearest-neighbour search against FAISS, measured in the same run on the same vectors.
 * Exact (Flat) and HNSW32 search latency (single query and batched), recall@10 of HNSW against exact
 * search, build time and index size at 10k, 100k and 1M descriptor-like vectors; a PCA wrapper row;
 * batched exact search against the BLAS floor (numpy + the system BLAS: GEMM alone, and GEMM +
 * argpartition); quantised HNSW storage (HNSW32_SQfp16, HNSW32_SQ8) with bytes per vector and the
 * extrapolation to 10M × 512-D, also on a collection's real descriptors (`--real dir:spec`); and the
 * CIFAR-shaped exact-search throughput row (10,000 queries × 50,000 vectors × 3072-D). Writes bench/ann.md.
 *
 *   npm run bench:ann -- [--sizes 10000,100000,1000000] [--hnsw-max 1000000] [--cifar-queries 10000]
 *                        [--faiss-cifar-queries 200] [--ef 32,64,128] [--gt-queries 1000]
 *                        [--real <collection dir>:<encoder spec>] [--real-source "<how it was made>"]
 *                        [--no-faiss] [--out bench/ann.md]
 *
 * `--hnsw-max n`: sizes above n run only the exact-search and BLAS-floor parts (the HNSW builds are the
 * slow part). FAISS and numpy link the system libblas.so.3: install libopenblas0-pthread first (Debian),
 * or the FAISS columns measure the reference BLAS.
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
import { gemmKnn } from '../src/ann/gemmKnn.ts';
import { HnswIndex, type HnswParams } from '../src/ann/hnsw.ts';
import { readIndexMeta } from '../src/ann/indexMeta.ts';
import type { Neighbours } from '../src/ann/vectorIndex.ts';
import { benchQuantised, benchReal, extrapolationRows, quantisedRows, type OpenMemory, type QuantisedResult } from './annQuantised.ts';
import { machineLine, median, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'cifar-queries': { type: 'string', default: '10000' },
    'faiss-cifar-queries': { type: 'string', default: '200' },
    ef: { type: 'string', default: '32,64,128' },
    'gt-queries': { type: 'string', default: '1000' },
    'hnsw-max': { type: 'string', default: '1000000' },
    real: { type: 'string', default: '' },
    /** How the --real collection was made, printed in the table notes (e.g. the deja index command). */
    'real-source': { type: 'string', default: '' },
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
interface NumpyFloor { numpy: string; queries: number; gemm_ms: number; gemm_gflops: number; knn_ms: number; recall: number | null }
interface FaissResult { faiss: string; blas: string; flat: FaissFlat; hnsw?: FaissHnsw; numpy?: NumpyFloor }
let blasSeen = '';

function runFaiss(args: string[]): FaissResult | null {
  if (values['no-faiss']) return null;
  const r = spawnSync('/usr/bin/python3', [faissScript, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log(`faiss reference failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  const result = JSON.parse(r.stdout) as FaissResult;
  blasSeen = result.blas;
  return result;
}

const fmt = (x: number | undefined | null, digits = 3) => (x === undefined || x === null ? '–' : x.toFixed(digits));
const ratio = (faiss: number | undefined, ours: number) => (faiss === undefined ? '–' : `${(faiss / ours).toFixed(2)}×`);

interface SizeResult { flatRow: string; floorRow: string; hnswRows: string[]; pcaRow?: string; quantised: QuantisedResult[] }

/**
 * Deja's batched exact search (WebAssembly kernel, and `gemmKnn` on onnxruntime's GEMM with its
 * recall against the first) against numpy + BLAS on the same queries: the GEMM floor and the full k-NN.
 */
function floorRow(label: string, wasmMs: number, gemm: { ms: number; recall: number }, np: NumpyFloor | undefined, faissMs: number | undefined): string {
  const times = (ours: number, x: number | undefined) => (x === undefined ? '–' : `${(ours / x).toFixed(2)}×`);
  return (
    `| ${label} | ${np?.queries ?? '–'} | ${fmt(wasmMs)} | ${fmt(gemm.ms)} | ${fmt(gemm.recall)} | ${fmt(np?.gemm_ms)} (${fmt(np?.gemm_gflops, 1)} GFLOP/s) | ` +
    `${times(wasmMs, np?.gemm_ms)} | **${times(gemm.ms, np?.gemm_ms)}** | ${fmt(np?.knn_ms)} | ${times(gemm.ms, np?.knn_ms)} | ${fmt(faissMs)} | ${fmt(np?.recall)} |`
  );
}

/** `gemmKnn` on the same queries: ms/query (after one warm-up chunk) and recall@10 against `truth`. */
async function timeGemm(base: Float32Array, n: number, dim: number, queries: Float32Array, nq: number, truth: Neighbours): Promise<{ ms: number; recall: number }> {
  await gemmKnn(base, Math.min(n, 8192), dim, queries, Math.min(nq, 64), K, 'l2', { threads }); // session creation
  const t = performance.now();
  const got = await gemmKnn(base, n, dim, queries, nq, K, 'l2', { threads });
  const ms = (performance.now() - t) / nq;
  const sub: Neighbours = { nq: truth.nq, k: K, labels: got.labels.subarray(0, truth.nq * K), distances: got.distances.subarray(0, truth.nq * K) };
  return { ms, recall: recall(sub, truth) };
}

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
  log('gemmKnn (onnxruntime GEMM + TopK)');
  const gemm = await timeGemm(base, n, dim, queries, gtq, truth);

  const withHnsw = n <= Number(values['hnsw-max']);
  if (!withHnsw) {
    log('faiss + numpy reference (flat only)');
    const faiss = runFaiss(['--base', baseFile, '--queries', queryFile, '--dim', String(dim), '--gt', gtFile, '--k', String(K), '--flat-queries', String(gtq), '--single', '5', '--no-hnsw', '--numpy']);
    for (const f of [baseFile, queryFile, gtFile]) fs.rmSync(f, { force: true });
    return {
      flatRow: `| ${n.toLocaleString('en')} | ${dim} | ${gtq} | ${fmt(flatBatched)} | ${fmt(faiss?.flat.batched_ms)} | ${ratio(faiss?.flat.batched_ms, flatBatched)} | ${fmt(flatSingle)} | ${fmt(faiss?.flat.single_ms)} | ${ratio(faiss?.flat.single_ms, flatSingle)} | ${fmt(faiss?.flat.recall)} |`,
      floorRow: floorRow(`${n.toLocaleString('en')} × ${dim}`, flatBatched, gemm, faiss?.numpy, faiss?.flat.batched_ms),
      hnswRows: [],
      quantised: [],
    };
  }

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
    '--flat-queries', String(gtq), '--hnsw-m', String(M), '--efc', String(EFC), '--efs', efs.join(','), '--numpy',
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
  const quantised = await benchQuantised('synthetic', base, n, dim, queries, gtq, K, M, efs, threads, tmp, log);
  return { flatRow, floorRow: floorRow(`${n.toLocaleString('en')} × ${dim}`, flatBatched, gemm, faiss?.numpy, faiss?.flat.batched_ms), hnswRows, pcaRow, quantised };
}

/** 10,000 queries × 50,000 vectors × 3072-D (CIFAR-10 tiny images as raw pixels), synthetic pixels in [0, 1]. */
async function benchCifar(): Promise<{ row: string; floor: string }> {
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
  log('gemmKnn (CIFAR-shaped)');
  const gemm = await timeGemm(base, n, dim, queries, nq, ours);
  const fq = Math.min(nq, Number(values['faiss-cifar-queries']));
  const baseFile = writeF32(path.join(tmp, 'cifar-base.f32'), base);
  const queryFile = writeF32(path.join(tmp, 'cifar-queries.f32'), queries.subarray(0, fq * dim));
  const gtFile = writeF32(path.join(tmp, 'cifar-gt.i32'), ours.labels.subarray(0, fq * K));
  log('faiss reference (CIFAR-shaped)');
  const faiss = runFaiss(['--base', baseFile, '--queries', queryFile, '--dim', String(dim), '--gt', gtFile, '--k', String(K), '--flat-queries', String(fq), '--single', '5', '--no-hnsw', '--numpy']);
  for (const f of [baseFile, queryFile, gtFile]) fs.rmSync(f, { force: true });
  const oursMs = (seconds * 1000) / nq;
  const row = `| ${nq.toLocaleString('en')} × ${n.toLocaleString('en')} × ${dim} | ${fmt(seconds, 1)} | ${fmt(oursMs)} | ${fmt(gmacs, 1)} | ${fq} | ${fmt(faiss?.flat.batched_ms)} | ${ratio(faiss?.flat.batched_ms, oursMs)} | ${fmt(faiss ? (faiss.flat.batched_ms * nq) / 1000 : undefined, 0)} | ${fmt(faiss?.flat.recall)} |`;
  return { row, floor: floorRow(`${n.toLocaleString('en')} × ${dim} (CIFAR-shaped)`, oursMs, gemm, faiss?.numpy, faiss?.flat.batched_ms) };
}

const load0 = os.loadavg()[0];
const sizes = values.sizes.split(',').filter(Boolean).map(Number);
const results: SizeResult[] = [];
// Real descriptors first: the resident memory of opening the collection is measured in a fresh process.
let real: { results: QuantisedResult[]; memory: OpenMemory; spec: string } | null = null;
if (values.real) {
  const at = values.real.lastIndexOf(':');
  const spec = values.real.slice(at + 1);
  log(`real descriptors: ${spec}`);
  real = { ...(await benchReal(values.real.slice(0, at), spec, Number(values['gt-queries']), K, M, efs, threads, tmp, log)), spec };
}
for (const n of sizes) results.push(await benchSize(n));
const cifar = Number(values['cifar-queries']) > 0 ? await benchCifar() : null;
const quantised = [...results.flatMap((r) => r.quantised), ...(real?.results ?? [])];
const realName = real ? path.basename(values.real.slice(0, values.real.lastIndexOf(':'))) : '';
fs.rmSync(tmp, { recursive: true, force: true });

const faissVersion = values['no-faiss'] ? 'not run' : (spawnSync('/usr/bin/python3', ['-c', 'import faiss; print(faiss.__version__)'], { encoding: 'utf8' }).stdout.trim() || 'unavailable');
const md = `# Nearest-neighbour search benchmark

Run ${today()} on ${machineLine()}; FAISS ${faissVersion} (Debian build, ${threads} OpenMP threads) and numpy on the system BLAS
(${blasSeen || 'not run'}, from Debian's libopenblas0-pthread);
${threads} threads for Deja. Load average ${load0.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end (the
machine is shared, so timings carry that noise). Command: \`npm run bench:ann -- --sizes ${values.sizes} --hnsw-max ${values['hnsw-max']}${values['cifar-queries'] !== '10000' ? ` --cifar-queries ${values['cifar-queries']}` : ''}${values.real ? ` --real <collection>:${real?.spec}` : ''}\`
(sizes above ${Number(values['hnsw-max']).toLocaleString('en')} ran the exact-search and BLAS-floor parts only).

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

## Exact search against the BLAS floor

The same batched queries (k = ${K}, ${threads} threads). Deja two ways: \`exactKnnParallel\` (the WebAssembly
SIMD kernel over worker threads, as in the Flat table) and \`gemmKnn\` (onnxruntime's CPU GEMM and TopK, MLAS,
per block of 8,192 rows, the k + 8 best re-ranked in float64; its recall is against \`exactKnnParallel\`). numpy on
the system BLAS: "GEMM" is the matrix product alone (queries × base rowsᵀ in blocks of 50,000 base rows into one
reused buffer: the floor of the dot products, no selection); "k-NN" adds the squared distances and argpartition
per block merged into a running top-${K} (the practical limit of a BLAS-based exact search). "× floor" is Deja's
time divided by the GEMM's (Deja's includes distances and top-k selection; the goal is ≤ 1.5×). Below 1×:
onnxruntime's GEMM (MLAS) outran OpenBLAS's on this loaded machine, where both share the cores with other work.

| n × dim | queries | Deja WASM ms/query | Deja GEMM ms/query | GEMM recall | numpy GEMM ms/query | WASM × floor | GEMM × floor | numpy k-NN ms/query | GEMM × k-NN | faiss Flat ms/query | numpy recall vs Deja |
|---|---|---|---|---|---|---|---|---|---|---|---|
${results.map((r) => r.floorRow).join('\n')}
${cifar?.floor ?? ''}

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

## Quantised HNSW storage

\`HNSW${M}\` (float32 vectors), \`HNSW${M}_SQfp16\` (float16) and \`HNSW${M}_SQ8\` (int8; usearch scales each vector to unit
length, so cosine only, measured against exact cosine search), efConstruction ${EFC}. Bytes per vector: the saved
file (what a loaded index holds in memory), the part of it that is not the vector (graph links, key, level),
and the resident-memory growth of the build. Recall@10 and batched ms/query at ef = ${efs.join(' / ')}, searched on
the saved file memory-mapped (\`loadIndex(path, { view: true })\`).${real ? ` "${real.spec}" rows: the real descriptors of
${real.memory.photos.toLocaleString('en')} photos (collection \`${realName}\`${values['real-source'] ? `, made with \`${values['real-source']}\`` : ''}), every 4th photo as a query against the rest.` : ''}

| data | n | dim | spec | metric | build s | file B/vector | graph B/vector | RSS B/vector | recall@10 | batched ms/query |
|---|---|---|---|---|---|---|---|---|---|---|
${quantisedRows(quantised)}

### Extrapolation to 10M × 512-D (the issue's goal: under 10 GB at recall@10 ≥ 0.9)

Bytes per vector = graph bytes measured above at the largest synthetic n + 512 (or 256 after PCA) values at
the storage's bytes per value; 10M vectors. Recall: measured on the real descriptors where given (full dimension).

| spec | metric | graph B/vector measured | B/vector at 512-D | GB for 10M | < 10 GB | recall@10 (real, ef ${efs.join(' / ')}) |
|---|---|---|---|---|---|---|
${extrapolationRows(quantised, 10_000_000, 512)}
${
  real
    ? `
### Opening a collection

\`Collection.open\` of \`${realName}\` (${real.memory.photos.toLocaleString('en')} photos, ${(real.memory.descriptorBytes / 2 ** 20).toFixed(1)} MiB of descriptor files): resident memory
+${real.memory.rssOpenMb.toFixed(1)} MiB after opening (no descriptor file is read), +${real.memory.rssMatrixMb.toFixed(1)} MiB after the first
\`descriptorMatrix('${real.spec}')\` (the one encoder a search reads, as float32). Saved HNSW indexes that already hold every row
are memory-mapped (usearch \`view\`) after their SHA-256 is checked by streaming the file.
`
    : ''
}
## CIFAR-shaped exact search

All ${values['cifar-queries']} queries against 50,000 vectors of 3072 values (CIFAR-10 as raw 32 × 32 × 3 pixels; synthetic
uniform pixels, since brute-force cost does not depend on the values). FAISS \`IndexFlatL2\` is timed on the first
queries only and extrapolated; its recall column is the
agreement of its top-10 with Deja's.

| queries × vectors × dim | Deja s | Deja ms/query | GMAC/s | faiss queries | faiss ms/query | × faiss | faiss s (extrapolated) | faiss agreement |
|---|---|---|---|---|---|---|---|---|
${cifar?.row ?? '| not run | | | | | | | | |'}
`;
fs.writeFileSync(values.out, md);
log(`wrote ${values.out}`);
