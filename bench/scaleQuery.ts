/**
 * One stage of `npm run bench:scale`, in its own process so its memory is its own: opens the collection,
 * loads one encoder's descriptors, builds (or loads) each index, times single-query search and its
 * recall@10 against exact search, then one scene completion and one locate query. Prints JSON.
 *
 *   node --import tsx bench/scaleQuery.ts --collection DIR --encoder SPEC --indexes "HNSW32;PCA64,HNSW32"
 *     --queries 200 --complete PHOTO --mask MASK --locate PHOTO --locate-encoder SPEC
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Collection } from '../src/store/collection.ts';
import { upToDateIndex } from '../src/store/vectorIndexCache.ts';
import { exactKnn, exactKnnParallel } from '../src/ann/flat.ts';
import { completePhoto } from '../src/actions/complete.ts';
import { locatePhoto } from '../src/actions/locate.ts';
import { Rng } from '../src/core/rng.ts';

const { values } = parseArgs({
  options: {
    collection: { type: 'string' },
    encoder: { type: 'string', default: 'gist-gray(size=64)' },
    indexes: { type: 'string', default: 'HNSW32' },
    queries: { type: 'string', default: '200' },
    complete: { type: 'string' },
    mask: { type: 'string' },
    locate: { type: 'string' },
    'locate-encoder': { type: 'string', default: 'gist-gray(size=64)+lab-hist' },
  },
});

const K = 10;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const out: Record<string, unknown> = {};
const rss0 = rssMiB();
let t = performance.now();
const collection = Collection.open(values.collection!);
out.photos = collection.count();
out.openMs = performance.now() - t;
out.openRssMiB = rssMiB() - rss0;

t = performance.now();
const matrix = collection.descriptorMatrix(values.encoder!);
out.loadMs = performance.now() - t;
out.loadedRssMiB = rssMiB() - rss0;
const { n, dim, data } = matrix;

// Queries: rows of the collection itself, its own row left out of both answers.
const rng = new Rng(7);
const nq = Math.min(Number(values.queries), n);
const rows = Array.from({ length: nq }, () => rng.int(n));
const queries = new Float32Array(nq * dim);
rows.forEach((r, i) => queries.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
const withoutSelf = (labels: Int32Array, q: number, k: number): number[] => {
  const l = Array.from(labels.subarray(q * k, (q + 1) * k)).filter((x) => x !== rows[q] && x >= 0);
  return l.slice(0, K);
};

t = performance.now();
const truth = await exactKnnParallel(data, n, dim, queries, nq, K + 1, 'l2');
out.exactBatchedMsPerQuery = (performance.now() - t) / nq;
const exactTruth = Array.from({ length: nq }, (_, q) => new Set(withoutSelf(truth.labels, q, K + 1)));
const single = (search: (q: Float32Array) => void, count: number): { p50: number; p99: number } => {
  const ms: number[] = [];
  for (let q = 0; q < count; q++) {
    const s = performance.now();
    search(queries.subarray(q * dim, (q + 1) * dim));
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)], p99: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] };
};
out.exactSingle = single((q) => exactKnn(data, n, dim, q, 1, K + 1, 'l2'), Math.min(nq, 30));

const indexes: Record<string, unknown>[] = [];
for (const spec of values.indexes!.split(';').filter(Boolean)) {
  t = performance.now();
  const before = rssMiB();
  const index = upToDateIndex(collection, matrix, spec, 'l2');
  const buildS = (performance.now() - t) / 1000;
  const prefix = `${safeName(values.encoder!)}.${safeName(spec)}`;
  const dir = collection.cacheDir();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && !f.endsWith('.json')) : [];
  const found = index.search(queries, nq, K + 1);
  let hits = 0;
  for (let q = 0; q < nq; q++) for (const l of withoutSelf(found.labels, q, K + 1)) if (exactTruth[q].has(l)) hits++;
  indexes.push({
    spec,
    buildS,
    fileMiB: files.length ? files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0) / 2 ** 20 : null,
    rssGrowthMiB: rssMiB() - before,
    recall10: hits / (nq * K),
    ...single((q) => index.search(q, 1, K + 1), nq),
  });
}
out.indexes = indexes;

if (values.complete && values.mask) {
  // One completion: its cost is mostly context matching, seams and blending over the 200 scenes, the same
  // at any size; above 50,000 scenes it also builds the HNSW index its candidates come from (once).
  t = performance.now();
  await completePhoto(collection, values.complete, { mask: values.mask, encoder: values.encoder, k: 3 });
  out.complete_s = (performance.now() - t) / 1000;
}
if (values.locate) {
  for (const pass of ['first', 'second']) {
    t = performance.now();
    await locatePhoto(collection, values.locate, { encoder: values['locate-encoder'] });
    out[`locate_${pass}_s`] = (performance.now() - t) / 1000;
  }
}
out.peakRssMiB = process.resourceUsage().maxRSS / 1024;
collection.close();
process.stdout.write(JSON.stringify(out) + '\n');

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '_');
}
