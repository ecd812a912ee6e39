/**
 * `npm run bench:classify`: recognition by label transfer (Torralba, Fergus & Freeman, "80 million tiny
 * images", PAMI 2008) on CIFAR-10 and the scene-category sets of ../shared/data.
 *
 * CIFAR-10: the 50,000 training images are the labelled collection, a seeded class-balanced sample of
 * the 10,000 test images the queries (`--queries`, default 1,000: brute force costs the same per query,
 * so the search-time figure for all 10,000 is the measured time × 10,000 / queries, and is printed as
 * such). Accuracy vs k, vs encoder, vs collection size (1k, 5k, 10k, 50k nested seeded subsets), a
 * confusion matrix, and the search time of `exactKnnParallel` against faiss IndexFlatL2 on the same
 * vectors in the same run (/usr/bin/python3). Raw-pixel L1 comes from faiss (METRIC_L1).
 * Images are read straight from the tar.gz and encoded in worker threads (the ingest worker), without
 * a collection: the same encoders and the same vote as `deja eval classify`.
 *
 * Scene sets (each skipped, with a line saying so, when missing from ../shared/data): scene15 (gray), ot8-64px and a seeded 6,000-photo subset of intel-scenes, each split
 * 80/20 with a seeded shuffle.
 *
 * Writes bench/classify.md, bench/classify-size.png, bench/classify-k.png and bench/out/classify/results.json.
 *
 *   npm run bench:classify -- [--queries 1000] [--only cifar|scenes] [--no-faiss]
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.ts';
import { defaultThreads } from '../src/core/workerPool.ts';
import { readCsv, column } from '../src/io/csv.ts';
import { linePlotSvg, writePlot } from '../src/io/plot.ts';
import { exactKnnParallel } from '../src/ann/flat.ts';
import type { Neighbours } from '../src/ann/vectorIndex.ts';
import { knnPredict, type VoteWeighting } from '../src/decoders/recognize/knnVote.ts';
import { accuracy, confusionMarkdown, confusionMatrix } from '../src/decoders/recognize/confusionMatrix.ts';
import { combinedScale, concatenateCombined } from '../src/ann/combined.ts';
import { balancedSample, classIndex, encodeItems, readItems, rows, type Matrix } from './labelledItems.ts';
import { machineLine, today } from './machine.ts';

const data = path.resolve(import.meta.dirname, '../../shared/data');
const work = path.resolve(import.meta.dirname, 'out/classify');
const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '1000' },
    only: { type: 'string' },
    'no-faiss': { type: 'boolean', default: false },
    'gist-train': { type: 'string', default: '10000' },
    /** Debugging only: a balanced subset of the training set. */
    'train-limit': { type: 'string' },
  },
});
const NQ = Number(values.queries);
const KS = [1, 3, 5, 10, 20, 50, 100];
const WEIGHTING: VoteWeighting = 'kernel';
const threads = defaultThreads();
fs.mkdirSync(work, { recursive: true });

/**
 * The combined descriptor of `deja classify` (ann/combined.ts `concatenateCombined`): parts side by side,
 * each scaled by √(w / s) with s its median pair distance over the training rows (`combinedScale`), so
 * squared L2 on the concatenation is the combined distance Σ w d / s of search and locate.
 */
function combine(train: Matrix[], test: Matrix[], weights: number[]): { train: Matrix; test: Matrix } {
  const dim = train.reduce((s, m) => s + m.dim, 0);
  const scales = train.map((m) => combinedScale(m.data, m.n, m.dim, 'l2'));
  const cat = (ms: Matrix[]): Matrix => ({
    data: concatenateCombined(ms.map((m, i) => ({ data: m.data, dim: m.dim, metric: 'l2' as const, weight: weights[i], scale: scales[i] })), ms[0].n),
    n: ms[0].n,
    dim,
  });
  return { train: cat(train), test: cat(test) };
}

interface KnnRun {
  nb: Neighbours;
  seconds: number;
}

async function knn(train: Matrix, test: Matrix, k: number): Promise<KnnRun> {
  const t = performance.now();
  const nb = await exactKnnParallel(train.data, train.n, train.dim, test.data, test.n, Math.min(k, train.n), 'l2', { threads });
  return { nb, seconds: (performance.now() - t) / 1000 };
}

function accByK(nb: Neighbours, trainCls: Int32Array, testCls: Int32Array, numClasses: number, ks = KS, weighting = WEIGHTING): { k: number; acc: number }[] {
  return ks
    .filter((k) => k <= nb.k)
    .map((k) => {
      const pred = knnPredict(nb.labels, nb.distances, nb.nq, nb.k, trainCls, numClasses, k, weighting);
      let right = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === testCls[i]) right++;
      return { k, acc: right / pred.length };
    });
}

/** faiss IndexFlatL2 (or METRIC_L1) on the same vectors: seconds of search and its neighbour rows. */
function faissSearch(train: Matrix, test: Matrix, k: number, metric: 'l2' | 'l1'): { seconds: number; labels: Int32Array; threads: number } | null {
  if (values['no-faiss']) return null;
  const a = path.join(work, 'faiss-train.f32');
  const b = path.join(work, 'faiss-test.f32');
  const o = path.join(work, 'faiss-out.i64');
  fs.writeFileSync(a, Buffer.from(train.data.buffer, train.data.byteOffset, train.n * train.dim * 4));
  fs.writeFileSync(b, Buffer.from(test.data.buffer, test.data.byteOffset, test.n * test.dim * 4));
  const py = `
import sys, time, numpy as np, faiss
d=${train.dim}; x=np.fromfile('${a}',dtype='float32').reshape(-1,d); q=np.fromfile('${b}',dtype='float32').reshape(-1,d)
idx=faiss.IndexFlatL2(d) if '${metric}'=='l2' else faiss.IndexFlat(d, faiss.METRIC_L1)
idx.add(x); t=time.perf_counter(); D,I=idx.search(q,${k}); s=time.perf_counter()-t
I.astype('int64').tofile('${o}'); print(s, faiss.omp_get_max_threads())
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    log(`  faiss failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return null;
  }
  const [s, th] = r.stdout.trim().split(/\s+/).map(Number);
  const i64 = new BigInt64Array(new Uint8Array(fs.readFileSync(o)).buffer);
  const labels = Int32Array.from(i64, (v) => Number(v));
  for (const f of [a, b, o]) fs.rmSync(f, { force: true });
  return { seconds: s, labels, threads: th };
}

/** The hand-written "Reading the numbers" part of an existing report, kept across re-runs (check it still fits). */
function keptReading(file: string): string {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = old.indexOf('\n## Reading the numbers');
  return at < 0 ? '' : '\n<!-- kept from the previous run: re-read it against the new figures -->' + old.slice(at);
}

function log(s: string): void {
  process.stderr.write(s + '\n');
}
const secs = (t: number) => ((performance.now() - t) / 1000).toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

interface EncoderResult {
  name: string;
  spec: string;
  dim: number;
  collection: number;
  byK: { k: number; acc: number }[];
  uniformBest: number;
  /** Best accuracy (and its k) for each vote weighting. */
  weightings: Record<string, { k: number; acc: number }>;
  seconds: number;
  faiss?: { seconds: number; agreement: number; threads: number };
}

const md: string[] = [];
const json: Record<string, unknown> = { date: today(), machine: machineLine(), queries: NQ };

async function cifar(): Promise<void> {
  const t0 = performance.now();
  log('CIFAR-10: reading train and test tars');
  let trainItems = await readItems([path.join(data, 'cifar10/train.tar.gz')]);
  if (values['train-limit']) {
    const keep = balancedSample(classIndex(trainItems.map((i) => i.label)).idx, 10, Number(values['train-limit']), 9);
    trainItems = Array.from(keep, (i) => trainItems[i]);
  }
  const testAll = await readItems([path.join(data, 'cifar10/test.tar.gz')]);
  const trainCls = classIndex(trainItems.map((i) => i.label));
  const testAllCls = classIndex(testAll.map((i) => i.label));
  const q = balancedSample(testAllCls.idx, 10, NQ, 1);
  const testItems = Array.from(q, (i) => testAll[i]);
  const testCls = Int32Array.from(q, (i) => testAllCls.idx[i]);
  log(`  ${trainItems.length} train, ${testItems.length} of ${testAll.length} test as queries (${secs(t0)} s)`);
  const specs = ['tiny(norm=0)', 'tiny', 'tiny-gray', 'lab-hist'];
  const tr = await encodeItems(trainItems, specs, 'train');
  const te = await encodeItems(testItems, specs, 'test');
  const gistN = Math.min(trainItems.length, Number(values['gist-train']));
  const gistRows = balancedSample(trainCls.idx, 10, gistN, 2);
  const gistSpec = 'gist(size=32)';
  const trG = await encodeItems(Array.from(gistRows, (i) => trainItems[i]), [gistSpec], `train subset for ${gistSpec}`);
  const teG = await encodeItems(testItems, [gistSpec], 'test');
  const gistCls = Int32Array.from(gistRows, (i) => trainCls.idx[i]);
  const gistSub = (m: Matrix) => rows(m, gistRows);

  const runs: { name: string; spec: string; train: Matrix; test: Matrix; cls: Int32Array; faiss?: boolean }[] = [
    { name: 'raw pixels (L2)', spec: 'tiny(norm=0)', train: tr['tiny(norm=0)'], test: te['tiny(norm=0)'], cls: trainCls.idx },
    { name: 'tiny, normalised', spec: 'tiny', train: tr.tiny, test: te.tiny, cls: trainCls.idx, faiss: true },
    { name: 'tiny-gray, normalised', spec: 'tiny-gray', train: tr['tiny-gray'], test: te['tiny-gray'], cls: trainCls.idx },
    { name: 'lab-hist', spec: 'lab-hist', train: tr['lab-hist'], test: te['lab-hist'], cls: trainCls.idx, faiss: true },
  ];
  const tl = combine([tr.tiny, tr['lab-hist']], [te.tiny, te['lab-hist']], [1, 1]);
  runs.push({ name: 'tiny + lab-hist', spec: 'tiny+lab-hist:w=1,1', train: tl.train, test: tl.test, cls: trainCls.idx });
  runs.push({ name: `gist (${gistN / 1000}k train)`, spec: gistSpec, train: trG[gistSpec], test: teG[gistSpec], cls: gistCls });
  runs.push({ name: `tiny, normalised (same ${gistN / 1000}k)`, spec: 'tiny', train: gistSub(tr.tiny), test: te.tiny, cls: gistCls });
  const gtl = combine([trG[gistSpec], gistSub(tr.tiny), gistSub(tr['lab-hist'])], [teG[gistSpec], te.tiny, te['lab-hist']], [2, 1, 1]);
  runs.push({ name: `gist + tiny + lab-hist (${gistN / 1000}k)`, spec: `${gistSpec}+tiny+lab-hist:w=2,1,1`, train: gtl.train, test: gtl.test, cls: gistCls });

  const results: EncoderResult[] = [];
  const nbOf = new Map<string, Neighbours>();
  for (const r of runs) {
    const run = await knn(r.train, r.test, 100);
    nbOf.set(r.name, run.nb);
    const byK = accByK(run.nb, r.cls, testCls, 10);
    const uniform = accByK(run.nb, r.cls, testCls, 10, KS, 'uniform');
    const res: EncoderResult = {
      name: r.name,
      spec: r.spec,
      dim: r.train.dim,
      collection: r.train.n,
      byK,
      uniformBest: Math.max(...uniform.map((u) => u.acc)),
      weightings: Object.fromEntries(
        (['uniform', 'inverse', 'kernel'] as const).map((w) => [w, accByK(run.nb, r.cls, testCls, 10, KS, w).reduce((a, b) => (b.acc > a.acc ? b : a))]),
      ),
      seconds: run.seconds,
    };
    if (r.faiss) {
      const f = faissSearch(r.train, r.test, 100, 'l2');
      if (f) {
        let same = 0;
        for (let i = 0; i < testItems.length; i++) if (f.labels[i * 100] === run.nb.labels[i * 100]) same++;
        res.faiss = { seconds: f.seconds, agreement: same / testItems.length, threads: f.threads };
      }
    }
    results.push(res);
    log(`  ${r.name}: ${byK.map((b) => `k=${b.k} ${pct(b.acc)}`).join(', ')}; search ${run.seconds.toFixed(1)} s${res.faiss ? `, faiss ${res.faiss.seconds.toFixed(1)} s` : ''}`);
  }
  // Raw-pixel L1, from faiss (the issue's 39% reference point).
  const l1 = faissSearch(tr['tiny(norm=0)'], te['tiny(norm=0)'], 10, 'l1');
  let l1Acc: { k: number; acc: number }[] = [];
  if (l1) {
    const nb: Neighbours = { nq: testItems.length, k: 10, labels: l1.labels, distances: new Float32Array(l1.labels.length).map((_, i) => i % 10) };
    l1Acc = accByK(nb, trainCls.idx, testCls, 10, [1, 3, 5, 10], 'uniform');
    log(`  raw pixels (L1, faiss): ${l1Acc.map((b) => `k=${b.k} ${pct(b.acc)}`).join(', ')} (${l1.seconds.toFixed(1)} s)`);
  }

  // Collection size: nested seeded subsets of the training set.
  const sizes = [1000, 5000, 10000, 50000];
  const perm = Int32Array.from(new Rng(3).shuffle(Array.from({ length: trainItems.length }, (_, i) => i)));
  const curveRuns = runs.slice(0, 5);
  const curve: { name: string; points: { size: number; k1: number; best: number; bestK: number }[] }[] = [];
  for (const r of curveRuns) {
    const points: { size: number; k1: number; best: number; bestK: number }[] = [];
    for (const size of sizes) {
      let nb: Neighbours;
      let cls: Int32Array;
      if (size >= r.train.n) {
        nb = nbOf.get(r.name)!;
        cls = r.cls;
      } else {
        const idx = perm.subarray(0, size);
        nb = (await knn(rows(r.train, idx), r.test, 50)).nb;
        cls = Int32Array.from(idx, (i) => r.cls[i]);
      }
      const byK = accByK(nb, cls, testCls, 10, [1, 3, 5, 10, 20, 50]);
      const best = byK.reduce((a, b) => (b.acc > a.acc ? b : a));
      points.push({ size, k1: byK[0].acc, best: best.acc, bestK: best.k });
    }
    curve.push({ name: r.name, points });
    log(`  size curve ${r.name}: ${points.map((p) => `${p.size}: ${pct(p.best)}`).join(', ')}`);
  }

  // Confusion matrix of the best 50k encoder at its best k.
  const full = results.filter((r) => r.collection === trainItems.length);
  const bestEnc = full.reduce((a, b) => (Math.max(...b.byK.map((x) => x.acc)) > Math.max(...a.byK.map((x) => x.acc)) ? b : a));
  const bestK = bestEnc.byK.reduce((a, b) => (b.acc > a.acc ? b : a)).k;
  const nbBest = nbOf.get(bestEnc.name)!;
  const pred = knnPredict(nbBest.labels, nbBest.distances, nbBest.nq, nbBest.k, trainCls.idx, 10, bestK, WEIGHTING);
  const cm = confusionMatrix(testCls, pred, trainCls.names);

  await writePlot(
    linePlotSvg(
      curve.map((c) => ({ name: c.name, points: c.points.map((p) => [p.size, 100 * p.best] as [number, number]) })),
      { title: 'CIFAR-10: accuracy vs collection size (best k)', xLabel: 'labelled training images', yLabel: 'accuracy (%)', xLog: true },
    ),
    path.resolve(import.meta.dirname, 'classify-size.png'),
  );
  await writePlot(
    linePlotSvg(
      results.map((r) => ({ name: r.name, points: r.byK.map((b) => [b.k, 100 * b.acc] as [number, number]) })),
      { title: 'CIFAR-10: accuracy vs k (distance-weighted vote)', xLabel: 'k (neighbours voting)', yLabel: 'accuracy (%)', xLog: true, width: 860 },
    ),
    path.resolve(import.meta.dirname, 'classify-k.png'),
  );

  md.push(`## CIFAR-10 (50,000 training images as the collection, ${testItems.length} test images as queries)`, '');
  md.push(`Queries: a seeded class-balanced sample of ${testItems.length} of the 10,000 test images (${testItems.length / 10} per class); standard error of an accuracy near 35% is ±${(100 * Math.sqrt(0.35 * 0.65 / testItems.length)).toFixed(1)} points. Vote: ${WEIGHTING}-weighted (knnVote.ts); "uniform" = plain majority at its best k.`, '');
  md.push(`| encoder | dim | collection | ${KS.map((k) => `k=${k}`).join(' | ')} | best uniform | search s |`);
  md.push(`|---|---:|---:|${KS.map(() => '---:|').join('')}---:|---:|`);
  for (const r of results)
    md.push(`| ${r.name} | ${r.dim} | ${r.collection} | ${KS.map((k) => { const x = r.byK.find((b) => b.k === k); return x ? pct(x.acc) : ''; }).join(' | ')} | ${pct(r.uniformBest)} | ${r.seconds.toFixed(1)} |`);
  if (l1Acc.length) md.push(`| raw pixels (L1, faiss METRIC_L1, uniform vote) | 3072 | 50000 | ${KS.map((k) => { const x = l1Acc.find((b) => b.k === k); return x ? pct(x.acc) : ''; }).join(' | ')} | | ${l1!.seconds.toFixed(1)} |`);
  md.push('', '### Vote weighting (best k of each)', '', '| encoder | uniform | inverse 1/d | kernel (default) |', '|---|---:|---:|---:|');
  for (const r of results) md.push(`| ${r.name} | ${(['uniform', 'inverse', 'kernel'] as const).map((w) => `${pct(r.weightings[w].acc)} (k=${r.weightings[w].k})`).join(' | ')} |`);
  md.push('', '### How many images is enough: accuracy vs collection size', '');
  md.push(`Nested seeded random subsets of the training set; best k of {1, 3, 5, 10, 20, 50} (k=1 in brackets). Plot: classify-size.png.`, '');
  md.push(`| encoder | ${sizes.map((s) => `${s / 1000}k`).join(' | ')} |`, `|---|${sizes.map(() => '---:|').join('')}`);
  for (const c of curve) md.push(`| ${c.name} | ${c.points.map((p) => `${pct(p.best)} (${pct(p.k1)})`).join(' | ')} |`);
  md.push('', '![accuracy vs collection size](classify-size.png)', '', '![accuracy vs k](classify-k.png)', '');
  md.push(`### Confusion matrix: ${bestEnc.name}, k=${bestK} (accuracy ${pct(accuracy(cm))})`, '', confusionMarkdown(cm), '');
  md.push('### Speed: batched exact search, 50,000 × ' + testItems.length + ' queries', '');
  md.push(`exactKnnParallel (${threads} threads) vs faiss ${'IndexFlatL2'} (/usr/bin/python3, faiss 1.7.3) on the same float32 vectors in the same run, k = 100. Brute force costs the same per query, so the 10,000-query figure is measured × ${10000 / testItems.length}.`, '');
  md.push('| encoder | dim | Deja s | Deja s for 10,000 (×' + 10000 / testItems.length + ') | faiss s | faiss threads | Deja / faiss time | same 1st neighbour |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results)
    if (r.faiss)
      md.push(`| ${r.name} | ${r.dim} | ${r.seconds.toFixed(1)} | ${((r.seconds * 10000) / testItems.length).toFixed(0)} | ${r.faiss.seconds.toFixed(1)} | ${r.faiss.threads} | ${(r.seconds / r.faiss.seconds).toFixed(2)} | ${pct(r.faiss.agreement)} |`);
  md.push('');
  json.cifar = { results, l1: l1Acc, curve, confusion: { encoder: bestEnc.name, k: bestK, classes: trainCls.names, counts: Array.from(cm.counts) } };
  log(`CIFAR-10 done in ${secs(t0)} s`);
}

interface SceneSet {
  name: string;
  sources: string[];
  labelsCsv?: string;
  max?: number;
  specs: string[];
  combos: { name: string; parts: string[]; weights: number[] }[];
  note: string;
}

const SCENES: SceneSet[] = [
  {
    name: 'scene15',
    sources: ['scene15/images.tar'],
    specs: ['tiny-gray', 'gist-gray(size=128)'],
    combos: [{ name: 'gist-gray + tiny-gray', parts: ['gist-gray(size=128)', 'tiny-gray'], weights: [2, 1] }],
    note: '1,500 gray 200×200 photos, 15 classes (100 each); labels from the folder names (same as labels.csv)',
  },
  {
    name: 'ot8-64px',
    sources: ['ot8-64px/images.tar.gz'],
    labelsCsv: 'ot8-64px/labels.csv',
    specs: ['tiny', 'tiny-gray', 'lab-hist', 'gist(size=64)'],
    combos: [{ name: 'gist + tiny + lab-hist', parts: ['gist(size=64)', 'tiny', 'lab-hist'], weights: [2, 1, 1] }],
    note: '2,078 colour 64×64 photos, 8 outdoor classes; labels from labels.csv',
  },
  {
    name: 'intel-scenes',
    sources: ['intel-scenes/train.tar.gz'],
    max: 6000,
    specs: ['tiny', 'tiny-gray', 'lab-hist', 'gist(size=64)'],
    combos: [{ name: 'gist + tiny + lab-hist', parts: ['gist(size=64)', 'tiny', 'lab-hist'], weights: [2, 1, 1] }],
    note: 'a seeded 6,000 of the 14,034 colour 150×150 photos (gist costs ~40 ms a photo), 6 classes',
  },
];

async function scenes(): Promise<void> {
  md.push('## Scene categories (seeded 80/20 split of each set)', '');
  const all: Record<string, unknown> = {};
  const skipped: string[] = [];
  for (const s of SCENES) {
    const t0 = performance.now();
    const missing = s.sources.filter((x) => !fs.existsSync(path.join(data, x)));
    if (missing.length) {
      // Shared data changes (scene15 made room for statue-of-liberty): a missing set is skipped, said so.
      log(`skipping ${s.name}: ${missing.join(', ')} is not in ${data}`);
      md.push(`### ${s.name}: skipped`, '', `Not in the shared data when this ran (${missing.join(', ')} missing).`, '');
      skipped.push(s.name);
      continue;
    }
    let labelOf: ((p: string) => string | undefined) | undefined;
    if (s.labelsCsv) {
      const csv = readCsv(path.join(data, s.labelsCsv));
      const fi = column(csv, 'member', 'file');
      const li = column(csv, 'category', 'label');
      const m = new Map(csv.rows.map((r) => [r.cells[fi], r.cells[li]]));
      labelOf = (p) => m.get(p.slice(p.indexOf('#') + 1));
    }
    let items = await readItems(s.sources.map((x) => path.join(data, x)), labelOf);
    const total = items.length;
    items = new Rng(5).shuffle(items);
    if (s.max) items = items.slice(0, s.max);
    const nTest = Math.round(items.length * 0.2);
    const enc = await encodeItems(items, s.specs, s.name);
    const { names, idx } = classIndex(items.map((i) => i.label));
    const split = (m: Matrix) => ({ test: rows(m, Int32Array.from({ length: nTest }, (_, i) => i)), train: rows(m, Int32Array.from({ length: m.n - nTest }, (_, i) => i + nTest)) });
    const testCls = idx.subarray(0, nTest);
    const trainCls = idx.subarray(nTest);
    const lines: { name: string; dim: number; byK: { k: number; acc: number }[] }[] = [];
    const evalOne = async (name: string, train: Matrix, test: Matrix) => {
      const run = await knn(train, test, 50);
      lines.push({ name, dim: train.dim, byK: accByK(run.nb, trainCls, testCls, names.length, [1, 5, 10, 20, 50]) });
    };
    for (const spec of s.specs) {
      const { train, test } = split(enc[spec]);
      await evalOne(spec, train, test);
    }
    for (const c of s.combos) {
      const parts = c.parts.map((p) => split(enc[p]));
      const cm = combine(parts.map((p) => p.train), parts.map((p) => p.test), c.weights);
      await evalOne(`${c.name} (w=${c.weights.join(',')})`, cm.train, cm.test);
    }
    const chance = Math.max(...names.map((_, c) => testCls.filter((x) => x === c).length)) / nTest;
    md.push(`### ${s.name}: ${s.note}`, '', `${items.length - nTest} collection / ${nTest} queries${s.max ? ` (of ${total})` : ''}, ${names.length} classes; majority-class baseline ${pct(chance)}.`, '');
    md.push('| encoder | dim | k=1 | k=5 | k=10 | k=20 | k=50 |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const l of lines) md.push(`| ${l.name} | ${l.dim} | ${l.byK.map((b) => pct(b.acc)).join(' | ')} |`);
    md.push('');
    all[s.name] = { items: items.length, test: nTest, classes: names, lines };
    log(`${s.name}: ${lines.map((l) => `${l.name} ${pct(Math.max(...l.byK.map((b) => b.acc)))}`).join('; ')} (${secs(t0)} s)`);
  }
  json.scenes = all;
  json.skippedSets = skipped;
}

const tStart = performance.now();
md.push('# Recognition by label transfer: benchmark', '');
md.push(`Generated by \`npm run bench:classify -- --queries ${NQ}\` on ${today()} (${machineLine()}). Distance-weighted k-NN vote of the nearest labelled images (Torralba, Fergus & Freeman, PAMI 2008), batched exact search (src/ann/flat.ts).`, '');
const hasCifar = fs.existsSync(path.join(data, 'cifar10/train.tar.gz')) && fs.existsSync(path.join(data, 'cifar10/test.tar.gz'));
if (values.only !== 'scenes' && !hasCifar) {
  log(`skipping CIFAR-10: cifar10/train.tar.gz or test.tar.gz is not in ${data}`);
  md.push('## CIFAR-10: skipped', '', 'Not in the shared data when this ran.', '');
} else if (values.only !== 'scenes') await cifar();
if (values.only !== 'cifar') await scenes();
md.push(`Total bench time: ${secs(tStart)} s.`, '');
const mdFile = path.resolve(import.meta.dirname, values.only ? `out/classify/classify-${values.only}.md` : 'classify.md');
fs.writeFileSync(mdFile, md.join('\n') + keptReading(mdFile));
fs.writeFileSync(path.join(work, 'results.json'), JSON.stringify(json, null, 1));
log(`wrote ${mdFile}`);
