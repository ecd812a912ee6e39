/**
 * `npm run bench:classify-speed`: time to classify all 10,000 CIFAR-10 test images against the
 * 50,000 training images of a collection, batched exact search with and without PCA, against faiss
 * IndexFlatL2 (/usr/bin/python3) on the same vectors in the same run.
 *
 * The collection is built once with
 *   node --import tsx src/cli/entry.ts index ../shared/data/cifar10/train.tar.gz --label-from-folder \
 *     --encoders tiny --collection bench/out/cifar-collection --quiet
 * The test images are encoded once (worker threads, as `deja eval classify` encodes them); for each PCA
 * dimension the labelled set is built by `labelledSet` (the code path of `deja eval classify --pca`),
 * the queries projected, and `exactKnnParallel` timed; faiss then searches the same float32 vectors
 * (full-dimension: the first `--faiss-full-queries` queries, extrapolated, as netlib-BLAS faiss needs
 * about 2 minutes per 1,000 queries of 3072-D).
 *
 *   npm run bench:classify-speed -- [--collection bench/out/cifar-collection] [--encoder tiny] [--pca 32,64,128] [--no-faiss]
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../src/core/workerPool.ts';
import { listSources } from '../src/io/sources.ts';
import { exactKnnParallel } from '../src/ann/flat.ts';
import { knnPredict } from '../src/decoders/recognize/knnVote.ts';
import { labelledSet } from '../src/actions/classify.ts';
import { Collection } from '../src/store/collection.ts';
import type { EncodeTask } from '../src/actions/encode/encodeWorker.ts';
import type { EncodedPhoto } from '../src/actions/encode/encodePhoto.ts';
import { machineLine, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    collection: { type: 'string', default: path.resolve(import.meta.dirname, 'out/cifar-collection') },
    test: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/cifar10/test.tar.gz') },
    encoder: { type: 'string', default: 'tiny' },
    pca: { type: 'string', default: '32,64,128' },
    'faiss-full-queries': { type: 'string', default: '1000' },
    'no-faiss': { type: 'boolean', default: false },
  },
});
const K = 10;
const threads = defaultThreads();
const work = path.resolve(import.meta.dirname, 'out/classify');
fs.mkdirSync(work, { recursive: true });
const log = (s: string) => process.stderr.write(s + '\n');

/** Encodes the test photos with the encoder in worker threads: `nq * dim` values and the folder labels. */
async function encodeTests(): Promise<{ data: Float32Array; nq: number; dim: number; labels: string[] }> {
  const items: { bytes: Buffer; name: string; label: string }[] = [];
  for await (const it of listSources([values.test!])) items.push({ bytes: it.read(), name: it.path, label: it.folder ?? '' });
  const pool = new WorkerPool<EncodeTask, EncodedPhoto>(workerModuleUrl(import.meta.url, '../src/actions/encode/encodeWorker'), threads);
  let results: EncodedPhoto[];
  try {
    results = await Promise.all(items.map((it) => pool.run({ bytes: it.bytes, name: it.name, specs: [values.encoder!] })));
  } finally {
    await pool.close();
  }
  const spec = Object.keys(results[0].descriptors)[0];
  const dim = results[0].descriptors[spec].length;
  const data = new Float32Array(items.length * dim);
  results.forEach((r, i) => data.set(r.descriptors[spec], i * dim));
  return { data, nq: items.length, dim, labels: items.map((i) => i.label) };
}

/** faiss IndexFlatL2 search of the first `nq` queries: seconds and first-neighbour rows. */
function faissFlat(data: Float32Array, n: number, dim: number, queries: Float32Array, nq: number): { seconds: number; first: Int32Array; version: string } | null {
  if (values['no-faiss']) return null;
  const [a, b, o] = ['speed-base.f32', 'speed-queries.f32', 'speed-out.i64'].map((f) => path.join(work, f));
  fs.writeFileSync(a, new Uint8Array(data.buffer, data.byteOffset, n * dim * 4));
  fs.writeFileSync(b, new Uint8Array(queries.buffer, queries.byteOffset, nq * dim * 4));
  const py = `
import time, numpy as np, faiss
d=${dim}; x=np.fromfile('${a}',dtype='float32').reshape(-1,d); q=np.fromfile('${b}',dtype='float32').reshape(-1,d)
idx=faiss.IndexFlatL2(d); idx.add(x); t=time.perf_counter(); D,I=idx.search(q,${K}); s=time.perf_counter()-t
I[:,0].astype('int64').tofile('${o}'); print(s, faiss.__version__)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const out = r.status === 0 ? r.stdout.trim().split(/\s+/) : null;
  const first = out ? Int32Array.from(new BigInt64Array(new Uint8Array(fs.readFileSync(o)).buffer), Number) : null;
  for (const f of [a, b, o]) fs.rmSync(f, { force: true });
  if (!out || !first) {
    log(`  faiss failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return { seconds: Number(out[0]), first, version: out[1] };
}

const t0 = performance.now();
const tests = await encodeTests();
log(`encoded ${tests.nq} test photos (${tests.dim}-D) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const collection = Collection.open(values.collection!);
const rows: string[] = [];
let faissVersion = 'not run';
try {
  for (const pca of [undefined, ...values.pca!.split(',').map(Number)]) {
    const set = await labelledSet(collection, values.encoder!, { pca });
    const classOf = new Map(set.classNames.map((c, i) => [c, i]));
    const truth = tests.labels.map((l) => classOf.get(l) ?? -1);
    const t1 = performance.now();
    const q = set.toSearchSpace(tests.data, tests.nq);
    const nb = await exactKnnParallel(set.data, set.n, set.dim, q, tests.nq, K, 'l2', { threads });
    const ours = (performance.now() - t1) / 1000;
    const acc = [1, 10].map((k) => {
      const pred = knnPredict(nb.labels, nb.distances, tests.nq, K, set.rowClass, set.classNames.length, k, 'kernel');
      return pred.reduce((s, p, i) => s + (p === truth[i] ? 1 : 0), 0) / tests.nq;
    });
    const fq = pca === undefined ? Math.min(tests.nq, Number(values['faiss-full-queries'])) : tests.nq;
    const f = faissFlat(set.data, set.n, set.dim, q, fq);
    if (f) faissVersion = f.version;
    const faissAll = f ? (f.seconds * tests.nq) / fq : undefined;
    const agree = f ? f.first.reduce((s, r, i) => s + (r === nb.labels[i * K] ? 1 : 0), 0) / fq : undefined;
    const row = `| ${pca ?? `none (${set.dim})`} | ${set.pcaSeconds.toFixed(2)} | ${ours.toFixed(2)} | ${(100 * acc[0]).toFixed(2)}% | ${(100 * acc[1]).toFixed(2)}% | ${faissAll === undefined ? '–' : `${faissAll.toFixed(2)}${fq < tests.nq ? ` (${fq} queries ×${tests.nq / fq})` : ''}`} | ${faissAll === undefined ? '–' : `${(faissAll / ours).toFixed(2)}×`} | ${agree === undefined ? '–' : `${(100 * agree).toFixed(1)}%`} |`;
    log(row);
    rows.push(row);
  }
} finally {
  collection.close();
}
process.stdout.write(`Run ${today()} on ${machineLine()}; ${threads} search threads; faiss ${faissVersion} (/usr/bin/python3); k = ${K}, kernel vote.

| PCA dims | PCA train + project collection s | Deja search s (project queries + exactKnnParallel) | k=1 | k=10 | faiss IndexFlatL2 s | faiss / Deja time | same 1st neighbour |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`);
