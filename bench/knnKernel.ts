/**
 * `npm run bench:knn-kernel`: which exact-search kernel `exactKnnParallel` should run for a batch of a
 * given size. The WebAssembly SIMD kernel over worker threads against `gemmKnn` (onnxruntime's GEMM +
 * TopK), at 1 … 256 queries, with FAISS `IndexFlatL2` (Debian's build on the system BLAS) on the same
 * vectors and queries in the same run as the baseline. It justifies `GEMM_MIN_QUERIES` (src/ann/flat.ts).
 * Writes bench/knn-kernel.md.
 *
 *   npm run bench:knn-kernel -- [--sizes 10000x512,100000x256,50000x3072] [--queries 1,4,16,64,256] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exactKnnParallel, GEMM_MIN_QUERIES } from '../src/ann/flat.ts';
import { Rng } from '../src/core/rng.ts';
import { machineLine, median, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000x512,100000x256,50000x3072' },
    queries: { type: 'string', default: '1,4,16,64,256' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'knn-kernel.md') },
  },
});
const K = 10;
const threads = Number(values.threads);
const runs = Number(values.runs);
const batches = values.queries.split(',').map(Number);
const sizes = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const faissScript = path.resolve(import.meta.dirname, 'faiss_reference.py');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-knn-kernel-'));
const log = (s: string) => process.stderr.write(s + '\n');

/** Median wall ms of `runs` calls, after one warm-up call (session creation, worker start-up paid once as a server pays it). */
async function timed(f: () => Promise<unknown>): Promise<number> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** FAISS IndexFlatL2 on the same files: ms for the whole batch of `nq` (its script times one batched search). */
function faissBatchMs(base: string, queries: string, dim: number, nq: number): number | null {
  const r = spawnSync('/usr/bin/python3', [faissScript, '--base', base, '--queries', queries, '--dim', String(dim), '--k', String(K), '--flat-queries', String(nq), '--single', '1', '--no-hnsw'], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (r.status !== 0) {
    log(`faiss reference failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout).flat.batched_ms * nq;
}

const rows: string[] = [];
const rng = new Rng(7);
for (const [n, dim] of sizes) {
  const data = Float32Array.from({ length: n * dim }, () => rng.next());
  const maxQ = Math.max(...batches);
  const queries = Float32Array.from({ length: maxQ * dim }, () => rng.next());
  const baseFile = path.join(tmp, 'base.f32');
  const queryFile = path.join(tmp, 'queries.f32');
  fs.writeFileSync(baseFile, new Uint8Array(data.buffer));
  fs.writeFileSync(queryFile, new Uint8Array(queries.buffer));
  for (const nq of batches) {
    log(`${n} × ${dim}, ${nq} queries`);
    const q = queries.subarray(0, nq * dim);
    const wasm = await timed(() => exactKnnParallel(data, n, dim, q, nq, K, 'l2', { threads, kernel: 'wasm' }));
    const gemm = await timed(() => exactKnnParallel(data, n, dim, q, nq, K, 'l2', { threads, kernel: 'gemm' }));
    const auto = nq >= GEMM_MIN_QUERIES ? gemm : wasm;
    const faiss = faissBatchMs(baseFile, queryFile, dim, nq);
    const x = (a: number) => (faiss === null ? '–' : `${(a / faiss).toFixed(2)}×`);
    rows.push(`| ${n.toLocaleString('en')} × ${dim} | ${nq} | ${wasm.toFixed(1)} | ${gemm.toFixed(1)} | ${(wasm / gemm).toFixed(2)}× | ${nq >= GEMM_MIN_QUERIES ? 'gemm' : 'wasm'} | ${faiss === null ? '–' : faiss.toFixed(1)} | ${x(auto)} |`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const md = [
  '# Exact search: which kernel for which batch',
  '',
  `\`npm run bench:knn-kernel\` on ${today()}, ${machineLine()}; ${threads} threads, k = ${K}, uniform random vectors, median of ${runs} calls after a warm-up call.`,
  '"wasm": the WebAssembly SIMD kernel over worker threads (`kernel: \'wasm\'`, bit-identical to `exactKnn`); "gemm": `gemmKnn`, onnxruntime\'s',
  `GEMM + TopK per 8,192-row block with the k + 8 best re-ranked in float64. \`exactKnnParallel\` picks gemm from ${GEMM_MIN_QUERIES} queries ("auto").`,
  'Baseline in the same run: FAISS `IndexFlatL2` (Debian build, system BLAS) on the same vectors and queries, one batched search; "auto × faiss" below 1 is faster than FAISS.',
  '',
  '| n × dim | queries | wasm ms | gemm ms | gemm speed-up | auto picks | faiss Flat ms | auto × faiss |',
  '|---|---:|---:|---:|---:|---|---:|---:|',
  ...rows,
  '',
];
fs.writeFileSync(values.out, md.join('\n'));
log(`wrote ${values.out}`);
