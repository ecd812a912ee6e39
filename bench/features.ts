/**
 * `npm run bench:features`: deep representations for lookup (issue 13 §4). The penultimate features of
 * the shipped CNNs (`cnn(model=<name>,output=features)`, L2-normalised, cosine) against gist and their
 * combination (each distance divided by its collection median, summed with weight 1: one meaning of a
 * combined descriptor, src/ann/combined.ts), in one run on the same photos, per capability:
 *
 * - classify: kNN label transfer (distance-weighted vote, the best k of 1 … 50, and k = 10);
 * - search: retrieval precision of same-class neighbours (P@1, P@10, P@50);
 * - locate: world-streetview leave-one-out, kNN mean-shift (the im2gps protocol of bench:locate).
 *
 * Data: CIFAR-10 for the CIFAR-trained models (the 10,000-image gist collection of bench:classify,
 * balanced seed 2, and its 1,000 test queries, seed 1, so the gist row is bench:classify's); intel-scenes
 * for the scene models (bench:classify's seeded 6,000, Rng(5), queried by its first 1,200, which the
 * scene CNN's held-out split contains); world-streetview for locate. A model that is not shipped yet
 * (no card in models/manifest.json) is skipped and said so.
 *
 *   npm run bench:features -- [--cifar-model cifar-airbench] [--scene-model intel-scenes-cnn] [--only cifar,scenes,locate]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.ts';
import { defaultThreads } from '../src/core/workerPool.ts';
import { exactKnnParallel } from '../src/ann/flat.ts';
import { combinedScale, concatenateCombined, type CombinedRows } from '../src/ann/combined.ts';
import { knnPredict } from '../src/decoders/recognize/knnVote.ts';
import { readManifest } from '../src/nn/modelRegistry.ts';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { evalLocate } from '../src/actions/evalLocate.ts';
import { evalLocateTable } from '../src/cli/commands/evalLocate.ts';
import { balancedSample, classIndex, encodeItems, readItems, type Item, type Matrix } from './labelledItems.ts';
import { machineLine, today } from './machine.ts';

const data = path.resolve(import.meta.dirname, '../../shared/data');
const { values } = parseArgs({
  options: {
    'cifar-model': { type: 'string', default: 'cifar-airbench' },
    'scene-model': { type: 'string', default: 'intel-scenes-cnn' },
    only: { type: 'string', default: 'cifar,scenes,locate' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'features.md') },
    work: { type: 'string', default: path.resolve(import.meta.dirname, 'out/features') },
  },
});
const only = new Set(values.only.split(','));
const KS = [1, 5, 10, 20, 50];
const PRECISION_AT = [1, 10, 50];
const threads = defaultThreads();

function log(s: string): void {
  process.stderr.write(s + '\n');
}

const shipped = new Set(readManifest().models.filter((m) => m.task === 'classification' && m.trained !== false).map((m) => m.name));
const cnnSpec = (model: string) => `cnn(model=${model},output=features)`;

/** One descriptor's collection and query rows, with how they are compared. */
interface Descriptor {
  name: string;
  train: Matrix;
  test: Matrix;
  metric: 'l2' | 'cosine';
}

/** The combination of several descriptors: each part scaled by its collection median distance (weight 1), side by side. */
function combine(name: string, parts: Descriptor[]): Descriptor {
  const scaled = (m: Matrix, p: Descriptor, scale: number): CombinedRows => ({ data: m.data, dim: m.dim, metric: p.metric, weight: 1, scale });
  const scales = parts.map((p) => combinedScale(p.train.data, p.train.n, p.train.dim, p.metric));
  const dim = parts.reduce((s, p) => s + p.train.dim, 0);
  const n = parts[0].train.n;
  const nq = parts[0].test.n;
  return {
    name,
    metric: 'l2',
    train: { data: concatenateCombined(parts.map((p, i) => scaled(p.train, p, scales[i])), n), n, dim },
    test: { data: concatenateCombined(parts.map((p, i) => scaled(p.test, p, scales[i])), nq), n: nq, dim },
  };
}

interface LookupRow {
  name: string;
  dim: number;
  accByK: { k: number; acc: number }[];
  precision: { at: number; p: number }[];
  seconds: number;
}

/** kNN label transfer and same-class retrieval precision of one descriptor (cosine rows are unit length, so L2 ranks them alike). */
async function lookup(d: Descriptor, trainCls: Int32Array, testCls: Int32Array, numClasses: number): Promise<LookupRow> {
  const t = performance.now();
  const k = Math.max(...KS, ...PRECISION_AT);
  const nb = await exactKnnParallel(d.train.data, d.train.n, d.train.dim, d.test.data, d.test.n, k, 'l2', { threads });
  const seconds = (performance.now() - t) / 1000;
  const accByK = KS.map((kk) => {
    const pred = knnPredict(nb.labels, nb.distances, nb.nq, nb.k, trainCls, numClasses, kk, 'kernel');
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === testCls[i]) right++;
    return { k: kk, acc: right / pred.length };
  });
  const precision = PRECISION_AT.map((at) => {
    let same = 0;
    for (let q = 0; q < nb.nq; q++) for (let j = 0; j < at; j++) if (trainCls[nb.labels[q * nb.k + j]] === testCls[q]) same++;
    return { at, p: same / (nb.nq * at) };
  });
  return { name: d.name, dim: d.train.dim, accByK, precision, seconds };
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function lookupTables(title: string, note: string, rowsOut: LookupRow[]): string[] {
  const best = (r: LookupRow) => r.accByK.reduce((a, b) => (b.acc > a.acc ? b : a));
  return [
    `## ${title}`,
    '',
    note,
    '',
    '### classify: kNN label transfer (distance-weighted vote)',
    '',
    `| descriptor | dim | ${KS.map((k) => `k=${k}`).join(' | ')} | best |`,
    `|---|---:|${KS.map(() => '---:|').join('')}---:|`,
    ...rowsOut.map((r) => `| ${r.name} | ${r.dim} | ${r.accByK.map((a) => pct(a.acc)).join(' | ')} | ${pct(best(r).acc)} (k=${best(r).k}) |`),
    '',
    '### search: same-class precision of the nearest neighbours',
    '',
    `| descriptor | ${PRECISION_AT.map((a) => `P@${a}`).join(' | ')} | search s |`,
    `|---|${PRECISION_AT.map(() => '---:|').join('')}---:|`,
    ...rowsOut.map((r) => `| ${r.name} | ${r.precision.map((p) => pct(p.p)).join(' | ')} | ${r.seconds.toFixed(1)} |`),
    '',
  ];
}

async function lookupSection(model: string, trainItems: Item[], testItems: Item[], gistSpec: string, title: string, note: string): Promise<string[]> {
  const specs = [gistSpec, cnnSpec(model)];
  const tr = await encodeItems(trainItems, specs, 'collection');
  const te = await encodeItems(testItems, specs, 'queries');
  const trainCls = classIndex(trainItems.map((i) => i.label));
  const names = trainCls.names;
  const testCls = Int32Array.from(testItems, (i) => names.indexOf(i.label));
  // The matrices are keyed by each encoder's canonical spec (a cnn spec gains its model's sha256 prefix).
  const key = (prefix: string) => Object.keys(tr).find((k) => k.startsWith(prefix))!;
  const gist: Descriptor = { name: gistSpec, train: tr[key('gist')], test: te[key('gist')], metric: 'l2' };
  const cnn: Descriptor = { name: `cnn: ${model} features`, train: tr[key('cnn')], test: te[key('cnn')], metric: 'cosine' };
  const out: LookupRow[] = [];
  for (const d of [gist, cnn, combine(`${gistSpec} + cnn (each ÷ median, w=1)`, [gist, cnn])]) {
    out.push(await lookup(d, trainCls.idx, testCls, names.length));
    log(`  ${d.name}: best ${pct(Math.max(...out.at(-1)!.accByK.map((a) => a.acc)))}, P@10 ${pct(out.at(-1)!.precision[1].p)}`);
  }
  return lookupTables(title, note, out);
}

async function cifarSection(model: string): Promise<string[]> {
  log(`CIFAR-10 with ${model}`);
  const trainAll = await readItems([path.join(data, 'cifar10/train.tar.gz')]);
  const testAll = await readItems([path.join(data, 'cifar10/test.tar.gz')]);
  const trainPick = balancedSample(classIndex(trainAll.map((i) => i.label)).idx, 10, 10_000, 2);
  const testPick = balancedSample(classIndex(testAll.map((i) => i.label)).idx, 10, 1000, 1);
  return lookupSection(
    model,
    Array.from(trainPick, (i) => trainAll[i]),
    Array.from(testPick, (i) => testAll[i]),
    'gist(size=32)',
    `CIFAR-10: ${model}`,
    `Collection: 10,000 training images (balanced, seed 2: bench:classify's gist collection); queries: 1,000 test images (100 a class, seed 1). ` +
      `The network was trained on all 50,000 training images (so the collection's labels were seen in training) and never on the test images.`,
  );
}

async function scenesSection(model: string): Promise<string[]> {
  log(`intel-scenes with ${model}`);
  const all = await readItems([path.join(data, 'intel-scenes/train.tar.gz')]);
  const picked = new Rng(5).shuffle(Array.from({ length: all.length }, (_, i) => i)).slice(0, 6000);
  const nq = Math.round(picked.length * 0.2);
  return lookupSection(
    model,
    picked.slice(nq).map((i) => all[i]),
    picked.slice(0, nq).map((i) => all[i]),
    'gist(size=64)',
    `intel-scenes: ${model}`,
    `bench:classify's seeded 6,000 photos (Rng(5)): its first ${nq} are the queries (held out of the scene CNN's training too), the other ${6000 - nq} the collection.`,
  );
}

async function locateSection(models: string[]): Promise<string[]> {
  const specs = ['gist', ...models.map(cnnSpec)];
  log(`world-streetview: ingest ${specs.join(', ')}`);
  const c = Collection.open(path.join(values.work, 'world-streetview'), { create: true });
  try {
    await ingest(c, [path.join(data, 'world-streetview/images')], { encoders: specs, geoCsv: path.join(data, 'world-streetview/photos.csv') });
    const out = ['## locate: world-streetview, leave-one-out', '', '1,183 Street View crops, one per location, 88 countries (bench:locate\'s set). Each row locates every photo from the others.', ''];
    for (const encoders of [['gist'], ...specs.slice(1).map((spec) => ['gist', spec])]) {
      const r = await evalLocate(c, { encoders });
      out.push(evalLocateTable(r), '');
    }
    return out;
  } finally {
    c.close();
  }
}

const t0 = performance.now();
const md: string[] = [
  '# Deep representations for lookup: gist against CNN features',
  '',
  `\`npm run bench:features\` on ${today()}, ${machineLine()}. CNN features: the shipped network's penultimate`,
  'layer (`cnn(model=<name>,output=features)`), L2-normalised and compared by cosine; gist: squared L2; the',
  'combination: each distance divided by its median over 2,000 collection pairs, summed with weight 1 (as `deja search`).',
  '',
];
const cifarModel = values['cifar-model'];
const sceneModel = values['scene-model'];
const skipped: string[] = [];
if (only.has('cifar')) {
  if (shipped.has(cifarModel)) md.push(...(await cifarSection(cifarModel)));
  else skipped.push(`${cifarModel} (CIFAR-10) is not shipped yet`);
}
if (only.has('scenes')) {
  if (shipped.has(sceneModel)) md.push(...(await scenesSection(sceneModel)));
  else skipped.push(`${sceneModel} (intel-scenes) is not shipped yet`);
}
if (only.has('locate')) {
  const models = [sceneModel, cifarModel].filter((m) => shipped.has(m));
  if (models.length) md.push(...(await locateSection(models)));
  else skipped.push('locate: no CNN shipped yet');
}
if (skipped.length) md.push('## Not measured in this run', '', ...skipped.map((s) => `- ${s}`), '');
md.push(`Reproduce: \`npm run bench:features -- --only ${values.only}\` (${((performance.now() - t0) / 60_000).toFixed(1)} min here).`, '');
fs.mkdirSync(values.work, { recursive: true });
fs.writeFileSync(values.out, md.join('\n'));
log(`wrote ${values.out}`);
