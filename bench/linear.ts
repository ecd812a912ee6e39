/**
 * `npm run bench:linear`: linear classifiers trained by minibatch SGD (softmax and multiclass SVM, L2
 * regularisation; CS231n's "Linear classification" and "Optimization" lectures) on raw pixels and on gist,
 * in one table with the k-NN label-transfer figures of bench/classify.md for the same descriptors (cited,
 * not rerun) and the CNN cards of models/manifest.json.
 *
 * CIFAR-10: raw pixels (`tiny(norm=0)`, the 32×32 RGB image flattened) on all 50,000 training images,
 * tested on all 10,000 test images; gist (`gist(size=32)`, ~50 ms an image here) on the same seeded
 * class-balanced 10,000 training images and 1,000 test queries as bench/classify.ts's gist row, with raw
 * pixels on the same 10,000 beside it. intel-scenes: the same seeded 6,000-photo subset and 80/20 split as
 * bench/classify.ts (4,800 train / 1,200 test), raw pixels downsampled to 32×32 and `gist(size=64)`.
 * λ and η₀ are chosen on a seeded stratified 10 % of the training photos (never the test photos) with the
 * defaults of `deja train-linear`, then the model is trained on all training photos.
 *
 * Descriptors are cached in bench/out/linear/cache (keyed by spec and photo list), so a rerun only trains.
 * Writes bench/linear.md (the section of each set run; `--only` keeps the other), bench/linear-templates.png
 * (the CIFAR-10 raw-pixel softmax and SVM templates) and the models in bench/out/linear/.
 *
 *   npm run bench:linear -- [--only cifar|scenes]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.ts';
import { createEncoder } from '../src/encoders/factory.ts';
import { DEFAULT_LEARNING_RATES, TrainLinearOptions } from '../src/actions/trainLinear.ts';
import { linearTemplateSheet } from '../src/actions/trainLinear/linearTemplateSheet.ts';
import { fitLinearClassifier, type FitLinearResult } from '../src/decoders/recognize/fitLinearClassifier.ts';
import { linearScores, scoreAccuracy, type LinearModel } from '../src/decoders/recognize/linearModel.ts';
import { linearModelToJson } from '../src/decoders/recognize/linearModelJson.ts';
import { LINEAR_LOSSES, type LinearLoss } from '../src/decoders/recognize/linearLoss.ts';
import { argmaxRows, softmaxRows } from '../src/decoders/recognize/networkClassifier.ts';
import { expectedCalibration } from '../src/decoders/recognize/calibration.ts';
import { balancedSample, classIndex, encodeItems, readItems, rows, type Item, type Matrix } from './labelledItems.ts';
import { keptSection } from './reportSections.ts';
import { machineLine, today } from './machine.ts';

const data = path.resolve(import.meta.dirname, '../../shared/data');
const work = path.resolve(import.meta.dirname, 'out/linear');
const cacheDir = path.join(work, 'cache');
const mdFile = path.resolve(import.meta.dirname, 'linear.md');
const { values } = parseArgs({ options: { only: { type: 'string' } } });
fs.mkdirSync(cacheDir, { recursive: true });
/** The defaults of `deja train-linear`, so the bench measures what the command does. */
const defaults = TrainLinearOptions.parse({ source: ['-'], out: '-' });
/** λ of the strongly regularised softmax row (CS231n's reg = 2.5e4 on raw 0–255 pixels is about λ = 7 on standardised ones). */
const STRONG_LAMBDA = 10;

function log(s: string): void {
  process.stderr.write(s + '\n');
}
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const int = (n: number) => n.toLocaleString('en-US');

/** Seconds spent encoding the descriptors each section uses (measured when they were encoded, kept in the cache). */
const encodeSeconds: string[] = [];

/** Descriptors of `items` with `spec`, from the cache when the same photos were encoded with the same spec before. */
async function cachedEncode(key: string, items: Item[], spec: string, what: string): Promise<Matrix> {
  const digest = crypto.createHash('sha256').update(spec + '\n' + items.map((i) => i.name).join('\n')).digest('hex');
  const meta = path.join(cacheDir, `${key}.json`);
  const bin = path.join(cacheDir, `${key}.f32`);
  if (fs.existsSync(meta) && fs.existsSync(bin)) {
    const m = JSON.parse(fs.readFileSync(meta, 'utf8'));
    if (m.digest === digest) {
      const bytes = fs.readFileSync(bin);
      log(`  ${what}: ${m.n} × ${m.dim} ${spec} descriptors from the cache`);
      encodeSeconds.push(`${int(m.n)} × ${spec} ${m.seconds === undefined ? '(time not recorded)' : `${Math.round(m.seconds)} s`} (cached)`);
      return { data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), n: m.n, dim: m.dim };
    }
  }
  const t = performance.now();
  const out = (await encodeItems(items, [spec], what))[createEncoder(spec).spec];
  const seconds = (performance.now() - t) / 1000;
  fs.writeFileSync(bin, out.data);
  fs.writeFileSync(meta, JSON.stringify({ spec, digest, n: out.n, dim: out.dim, seconds }));
  encodeSeconds.push(`${int(out.n)} × ${spec} ${Math.round(seconds)} s`);
  return out;
}

/** One linear model measured: what it was trained on, what it chose, how it scored. */
interface LinearRow {
  features: string;
  spec: string;
  loss: LinearLoss;
  trainN: number;
  testN: number;
  fit: FitLinearResult;
  test: number;
  /** Accuracy on the k-NN benchmark's query sample (CIFAR-10), when that differs from the test set. */
  sample: number | null;
  ece: number;
  model: LinearModel;
}

function trainAndTest(
  features: string,
  spec: string,
  loss: LinearLoss,
  train: Matrix,
  trainCls: Int32Array,
  classes: string[],
  test: Matrix,
  testCls: Int32Array,
  sample?: Int32Array,
  given: { lambda?: number; learningRate?: number } = {},
): LinearRow {
  const C = classes.length;
  const set = { ...train, labels: trainCls, numClasses: C };
  log(`  ${features} ${loss}: ${train.n} train, ${test.n} test`);
  const fit = fitLinearClassifier(set, {
    ...given,
    loss,
    lambdas: defaults.lambdas,
    learningRates: DEFAULT_LEARNING_RATES[loss],
    searchEpochs: defaults.searchEpochs,
    validationFraction: defaults.validation,
    momentum: defaults.momentum,
    epochs: defaults.epochs,
    batchSize: defaults.batch,
    lrDecay: defaults.lrDecay,
    seed: defaults.seed,
  }, (line) => log(`    ${line}`));
  const model: LinearModel = {
    loss,
    classes,
    dim: train.dim,
    weights: fit.weights,
    bias: fit.bias,
    standardization: fit.standardization,
    provenance: {
      descriptor: { spec, version: createEncoder(spec).version },
      lambda: fit.lambda,
      learningRate: fit.learningRate,
      chosenOnValidation: fit.chosenOnValidation,
      momentum: defaults.momentum,
      lrDecay: defaults.lrDecay,
      batchSize: defaults.batch,
      epochs: defaults.epochs,
      seed: defaults.seed,
      trainPhotos: train.n,
      source: [],
      validation: fit.validation ? { photos: fit.validation.rows, accuracy: fit.validation.accuracy } : null,
      trainedAt: new Date().toISOString(),
    },
  };
  const scores = linearScores(model, test.data, test.n);
  const { predicted, confidence } = argmaxRows(softmaxRows(scores, test.n, C), test.n, C);
  const ece = expectedCalibration(confidence, Array.from(predicted, (p, i) => p === testCls[i])).ece;
  const acc = scoreAccuracy(scores, testCls, test.n, C);
  let sampleAcc: number | null = null;
  if (sample) {
    let right = 0;
    for (const i of sample) if (predicted[i] === testCls[i]) right++;
    sampleAcc = right / sample.length;
  }
  log(`    → λ=${fit.lambda} η₀=${fit.learningRate}: test ${pct(acc)}${sampleAcc !== null ? `, on the 1,000 queries ${pct(sampleAcc)}` : ''} (search ${fit.seconds.search.toFixed(1)} s, train ${fit.seconds.train.toFixed(1)} s)`);
  const name = `${features.replace(/[^a-z0-9]+/gi, '-')}-${loss}${given.lambda !== undefined ? `-lambda${given.lambda}` : ''}`;
  fs.writeFileSync(path.join(work, `${name}.json`), linearModelToJson(model));
  return { features, spec, loss, trainN: train.n, testN: test.n, fit, test: acc, sample: sampleAcc, ece, model };
}

/** The k-NN figures of bench/classify.md: the date it was made, and the best accuracy over k of a row of the first table under a heading. */
function classifyMd(): { date: string; best(heading: string, row: string, column?: string): string } {
  const file = path.resolve(import.meta.dirname, 'classify.md');
  const md = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const date = /on (\d{4}-\d{2}-\d{2})/.exec(md)?.[1] ?? 'unknown date';
  const lines = md.split('\n');
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  return {
    date,
    best(heading, row, column) {
      const at = lines.findIndex((l) => l.startsWith(heading));
      if (at < 0) return '–';
      const h = lines.findIndex((l, i) => i > at && l.startsWith('|'));
      const header = cells(lines[h]);
      for (let i = h + 2; i < lines.length && lines[i].startsWith('|'); i++) {
        const c = cells(lines[i]);
        if (c[0] !== row) continue;
        if (column) return c[header.indexOf(column)] ?? '–';
        let best = -1;
        let bestK = '';
        header.forEach((name, j) => {
          const v = parseFloat(c[j]);
          if (/^k=\d+$/.test(name) && v > best) [best, bestK] = [v, name];
        });
        return best < 0 ? '–' : `${best.toFixed(1)}% (${bestK})`;
      }
      return '–';
    },
  };
}

/** Classification cards of models/manifest.json with a measured accuracy on this set, as table rows. */
function cnnRows(dataName: string): string[] {
  const file = path.resolve(import.meta.dirname, '../models/manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  const cards: { name: string; task: string; data?: string; split?: string; metrics?: Record<string, number> }[] = manifest.models ?? [];
  return cards
    .filter((c) => c.task === 'classification' && c.metrics?.accuracy !== undefined && `${c.data ?? ''} ${c.split ?? ''}`.includes(dataName))
    .map((c) => `| (the photos) | CNN ${c.name} | ${c.data ?? ''} | ${c.split ?? ''} | | | | ${pct(c.metrics!.accuracy)} | | ${c.metrics!.ece !== undefined ? pct(c.metrics!.ece) : ''} | its card in models/manifest.json |`);
}

/** The table header; `withSample` adds the column of accuracy on the k-NN benchmark's 1,000 CIFAR-10 queries. */
function header(withSample: boolean): string[] {
  const cols = ['features', 'classifier', 'train photos', 'test photos', 'λ', 'η₀', 'validation', 'test accuracy', ...(withSample ? ["on the k-NN's 1,000 queries"] : []), 'ECE', 'train s (search + final)'];
  return [`| ${cols.join(' | ')} |`, `|---|---|${'---:|'.repeat(cols.length - 2)}`];
}

function rowLine(r: LinearRow, withSample: boolean): string {
  const v = r.fit.validation;
  const cells = [
    r.features,
    `${r.loss === 'svm' ? 'linear SVM (hinge)' : 'linear softmax'}${r.fit.diverged ? ' (diverged)' : ''}`,
    int(r.trainN),
    int(r.testN),
    String(r.fit.lambda),
    String(r.fit.learningRate),
    v ? pct(v.accuracy) : '–',
    `**${pct(r.test)}**`,
    ...(withSample ? [r.sample !== null ? pct(r.sample) : pct(r.test)] : []),
    pct(r.ece),
    `${r.fit.seconds.search.toFixed(0)} + ${r.fit.seconds.train.toFixed(0)}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** A k-NN row cited from bench/classify.md (its queries: 1,000 for CIFAR-10, so the sample column repeats it). */
function knnLine(features: string, trainN: number, testN: number, acc: string, date: string, withSample: boolean): string {
  const cells = [features, 'k-NN label transfer (kernel vote, best k)', int(trainN), int(testN), '', '', '', acc, ...(withSample ? [acc.replace(/ \(.*\)$/, '')] : []), '', `from bench/classify.md, ${date}`];
  return `| ${cells.join(' | ')} |`;
}

function gridLines(rs: LinearRow[]): string[] {
  const out = ['Validation search (accuracy on the held-out 10 % of the training photos, each run 3 epochs on the other 90 %):', ''];
  for (const r of rs) {
    const v = r.fit.validation;
    if (!v) continue;
    out.push(`- ${r.features}, ${r.loss} (${int(v.rows)} validation photos): ${v.grid.map((c) => `λ=${c.lambda} η₀=${c.learningRate} ${c.diverged ? 'diverged' : pct(c.accuracy)}`).join('; ')}`);
  }
  return [...out, ''];
}

async function cifar(): Promise<string[]> {
  const t0 = performance.now();
  log('CIFAR-10: reading train and test tars');
  const trainItems = await readItems([path.join(data, 'cifar10/train.tar.gz')]);
  const testItems = await readItems([path.join(data, 'cifar10/test.tar.gz')]);
  const trainCls = classIndex(trainItems.map((i) => i.label));
  const testCls = classIndex(testItems.map((i) => i.label));
  const classes = trainCls.names;
  // The k-NN benchmark's samples (bench/classify.ts): 1,000 test queries (seed 1), 10,000 gist training images (seed 2).
  const q = balancedSample(testCls.idx, 10, 1000, 1);
  const sub = balancedSample(trainCls.idx, 10, 10000, 2);
  const px = 'tiny(norm=0)';
  const gist = 'gist(size=32)';
  const trP = await cachedEncode('cifar-train-pixels', trainItems, px, 'train');
  const teP = await cachedEncode('cifar-test-pixels', testItems, px, 'test');
  const trG = await cachedEncode('cifar-train10k-gist32', Array.from(sub, (i) => trainItems[i]), gist, 'train subset');
  const teG = await cachedEncode('cifar-test1k-gist32', Array.from(q, (i) => testItems[i]), gist, 'test queries');
  const subCls = Int32Array.from(sub, (i) => trainCls.idx[i]);
  const qCls = Int32Array.from(q, (i) => testCls.idx[i]);
  const out: LinearRow[] = [];
  for (const loss of LINEAR_LOSSES) out.push(trainAndTest('raw pixels', px, loss, trP, trainCls.idx, classes, teP, testCls.idx, q));
  // CS231n's regularisation (reg 2.5e4 on 0–255 pixels with the mean subtracted) is about λ = 7 on standardised pixels:
  // a softmax with λ = 10 given, at the step size the search chose, shows what strong L2 does to accuracy and to the templates.
  const strong = trainAndTest('raw pixels', px, 'softmax', trP, trainCls.idx, classes, teP, testCls.idx, q, { lambda: STRONG_LAMBDA, learningRate: out[0].fit.learningRate });
  const trPsub = rows(trP, sub);
  for (const loss of LINEAR_LOSSES) out.push(trainAndTest('raw pixels (same 10k)', px, loss, trPsub, subCls, classes, teP, testCls.idx, q));
  for (const loss of LINEAR_LOSSES) out.push(trainAndTest('gist(size=32) (10k)', gist, loss, trG, subCls, classes, teG, qCls));
  const pixels = [...out.filter((r) => r.trainN === trP.n), strong];
  const sheet = await linearTemplateSheet(
    pixels.map((r) => ({ name: r === strong ? `softmax λ=${STRONG_LAMBDA}` : r.loss === 'svm' ? 'SVM' : 'softmax', model: r.model })),
    `CIFAR-10 templates W_c/σ (50k images): softmax λ=${out[0].fit.lambda}, SVM λ=${out[1].fit.lambda} chosen on validation; λ=${STRONG_LAMBDA} given`,
  );
  fs.writeFileSync(path.resolve(import.meta.dirname, 'linear-templates.png'), sheet);
  const k = classifyMd();
  const md = [
    '## CIFAR-10',
    '',
    `Raw pixels: all ${int(trP.n)} training images, tested on all ${int(teP.n)} test images (standard error ±0.5 points), and on the`,
    'k-NN benchmark\'s seeded class-balanced 1,000 queries (±1.5 points). Gist costs ~50 ms an image on these shared cores, so, as in',
    `bench/classify.md, it runs on the same seeded class-balanced ${int(trG.n)} training images and the same 1,000 queries; raw pixels on`,
    'those 10,000 are there to compare the descriptors at equal data. Chance is 10.0%.',
    '',
    ...header(true),
    ...out.slice(0, 2).map((r) => rowLine(r, true)),
    rowLine(strong, true).replace('| linear softmax |', `| linear softmax, λ = ${STRONG_LAMBDA} given (CS231n-strength L2) |`),
    knnLine('raw pixels', 50000, 1000, k.best('## CIFAR-10', 'raw pixels (L2)'), k.date, true),
    ...out.slice(2, 4).map((r) => rowLine(r, true)),
    knnLine('raw pixels (same 10k)', 10000, 1000, `${k.best('### How many images', 'raw pixels (L2)', '10k').replace(/ \(.*\)$/, '')} (best k ≤ 50)`, k.date, true),
    ...out.slice(4).map((r) => rowLine(r, true)),
    knnLine('gist(size=32) (10k)', 10000, 1000, k.best('## CIFAR-10', 'gist (10k train)'), k.date, true),
    ...cnnRows('cifar10'),
    '',
    ...(cnnRows('cifar10').length
      ? []
      : [
          'No CNN row yet: models/manifest.json holds no classification card with measured CIFAR-10 metrics when this ran (the recipes',
          'train/cifar_airbench.py and train/cifar_resnet20.py write them; their papers report 94 % and 91.25 %). Rerun to add them.',
          '',
        ]),
    ...gridLines(out),
    '![learned templates](linear-templates.png)',
    '',
    `CIFAR-10 section: ${((performance.now() - t0) / 1000).toFixed(0)} s this run. Encoding (2 worker threads): ${encodeSeconds.splice(0).join('; ')}.`,
    '',
  ];
  return md;
}

async function scenes(): Promise<string[]> {
  const t0 = performance.now();
  log('intel-scenes: reading the archive');
  // bench/classify.ts's split: a seeded shuffle (seed 5) of all photos, the first 6,000, the first 20 % of them the test set.
  const all = await readItems([path.join(data, 'intel-scenes/train.tar.gz')]);
  const items = new Rng(5).shuffle(all).slice(0, 6000);
  const nTest = Math.round(items.length * 0.2);
  const { names, idx } = classIndex(items.map((i) => i.label));
  const px = 'tiny(norm=0)';
  const gist = 'gist(size=64)';
  const P = await cachedEncode('intel6000-pixels', items, px, 'intel-scenes');
  const G = await cachedEncode('intel6000-gist64', items, gist, 'intel-scenes');
  const testRows = Int32Array.from({ length: nTest }, (_, i) => i);
  const trainRows = Int32Array.from({ length: items.length - nTest }, (_, i) => i + nTest);
  const testCls = idx.subarray(0, nTest);
  const trainCls = idx.subarray(nTest);
  const out: LinearRow[] = [];
  for (const [features, spec, m] of [['raw pixels (32×32)', px, P], ['gist(size=64)', gist, G]] as const)
    for (const loss of LINEAR_LOSSES) out.push(trainAndTest(features, spec, loss, rows(m, trainRows), trainCls, names, rows(m, testRows), testCls));
  const k = classifyMd();
  const chance = Math.max(...names.map((_, c) => testCls.filter((x) => x === c).length)) / nTest;
  return [
    '## intel-scenes',
    '',
    `The seeded 6,000 of the 14,034 photos and the 80/20 split of bench/classify.md: ${int(items.length - nTest)} training / ${int(nTest)} test photos, ${names.length} classes;`,
    `majority-class baseline ${pct(chance)}; standard error ±1.4 points. Raw pixels are the 150×150 photos downsampled to 32×32 (3,072 values);`,
    'the k-NN row beside them is on the normalised tiny image (bench/classify.md has no raw-pixel row for this set).',
    '',
    ...header(false),
    ...out.slice(0, 2).map((r) => rowLine(r, false)),
    knnLine('tiny, normalised', 4800, 1200, k.best('### intel-scenes', 'tiny'), k.date, false),
    ...out.slice(2).map((r) => rowLine(r, false)),
    knnLine('gist(size=64)', 4800, 1200, k.best('### intel-scenes', 'gist(size=64)'), k.date, false),
    '',
    ...gridLines(out),
    `intel-scenes section: ${((performance.now() - t0) / 1000).toFixed(0)} s this run. Encoding (2 worker threads): ${encodeSeconds.splice(0).join('; ')}.`,
    '',
  ];
}

/** The section `name` of the report: this run's, else the existing report's. */
function section(name: string, fresh: string[] | null): string {
  return keptSection(mdFile, name, fresh);
}

/** The hand-written reading of the numbers, kept across reruns (re-read it against the new figures). */
function reading(): string {
  const old = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '';
  const at = old.indexOf('\n## Reading the numbers');
  return at < 0 ? '' : old.slice(at + 1);
}

const c = values.only === 'scenes' ? null : await cifar();
const s = values.only === 'cifar' ? null : await scenes();
const title = [
  '# Linear classifiers trained by SGD: benchmark',
  '',
  `Generated by \`npm run bench:linear${values.only ? ` -- --only ${values.only}` : ''}\` on ${today()} (${machineLine()}; the cores are shared with other jobs, so`,
  'seconds are upper bounds). Softmax and multiclass SVM (Weston–Watkins hinge, Δ = 1) with L2 regularisation λ‖W‖² on standardised',
  `features, minibatch SGD with momentum ${defaults.momentum}, minibatches of ${defaults.batch}, ${defaults.epochs} epochs, step size × ${defaults.lrDecay} per epoch`,
  `(src/decoders/recognize/sgdTrainer.ts); λ ∈ {${defaults.lambdas.join(', ')}} and η₀ ∈ {${DEFAULT_LEARNING_RATES.softmax.join(', ')}} (softmax) or {${DEFAULT_LEARNING_RATES.svm.join(', ')}} (SVM)`,
  `chosen on a seeded stratified ${100 * defaults.validation}% of the training photos (${defaults.searchEpochs} epochs per run), then trained on all of them: the`,
  'defaults of `deja train-linear`. ECE: of the softmax of the scores, 15 bins (for the SVM, of raw margins). k-NN rows are cited from',
  'bench/classify.md, not rerun; CNN rows come from the classification cards of models/manifest.json that carry measured metrics.',
  'Descriptors are cached in bench/out/linear/cache; "train s" is the validation search plus the final model, single-threaded.',
  '',
].join('\n');
fs.writeFileSync(mdFile, title + '\n' + section('cifar', c) + '\n' + section('scenes', s) + '\n' + reading());
log(`wrote ${mdFile}`);
