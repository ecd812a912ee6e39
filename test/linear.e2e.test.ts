import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';
import { isDejaError } from '../src/core/errors.ts';
import { trainLinear } from '../src/actions/trainLinear.ts';
import { evalClassifyLinear } from '../src/actions/evalClassifyLinear.ts';

// Linear classifiers on real photos: a softmax model trained by `deja train-linear` on the first 60
// photos of each CIFAR-10 training class (600), evaluated by `deja eval classify --linear` on the first 30
// of each test class (300). Chance is 10 %; raw-pixel softmax on 600 photos lands near 25–30 %.
const skip = !hasSharedData && 'needs ../shared/data';
let dir: string;
let model: string;
let templates: string;
let train: { code: number; stdout: string; stderr: string };

before(() => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-linear-');
  model = path.join(dir, 'softmax.json');
  templates = path.join(dir, 'templates.png');
  train = deja([
    'train-linear', '--source', path.join(sharedData, 'cifar10/train.tar.gz'), '--limit', '60', '--features', 'pixels', '--loss', 'softmax',
    '--lambdas', '0.01,1', '--learning-rates', '1e-3,3e-3', '--epochs', '8', '--out', model, '--templates', templates, '--json',
  ]);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const oneLine = (r: { code: number; stderr: string }, pattern: RegExp) => {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^deja: /);
  assert.match(lines[0], pattern);
};

test('deja train-linear trains a softmax model on 600 CIFAR photos, choosing λ and η₀ on its own validation photos', { skip }, async () => {
  assert.equal(train.code, 0, train.stderr);
  const r = JSON.parse(train.stdout);
  assert.equal(r.photos.total, 600);
  assert.equal(r.features.spec, 'tiny(norm=0)');
  assert.equal(r.validation.photos, 60, '10 % of each class held out');
  const grid: { lambda: number; learningRate: number; accuracy: number }[] = r.validation.grid;
  assert.ok(grid.length >= 4, 'the 2 × 2 grid, and steps past its edge when its best step size is on one');
  const best = Math.max(...grid.map((c) => c.accuracy));
  assert.ok(grid.some((c) => c.lambda === r.lambda && c.learningRate === r.learningRate && c.accuracy === best), 'the chosen pair is the best validation cell');
  assert.ok([0.01, 1].includes(r.lambda));
  assert.ok(r.history.at(-1).loss < r.history[0].loss, 'the objective goes down');
  assert.ok(r.trainAccuracy > 0.35 && r.trainAccuracy < 0.95, `training accuracy ${r.trainAccuracy}`);
  const saved = JSON.parse(fs.readFileSync(model, 'utf8'));
  assert.equal(saved.format, 'deja-linear-classifier');
  assert.deepEqual(saved.provenance.descriptor, { spec: 'tiny(norm=0)', version: 1 });
  assert.equal(saved.provenance.seed, 1);
  assert.equal(saved.weights.length, 10);
  const meta = await sharp(templates).metadata();
  assert.equal(meta.format, 'png');
  assert.ok(meta.width! >= 10 * 96, `a strip of 10 templates, ${meta.width} px wide`);
});

test('deja eval classify --linear scores 300 CIFAR test photos well above chance, with confusion and ECE', { skip }, () => {
  const r = deja(['eval', 'classify', '--linear', model, '--test', path.join(sharedData, 'cifar10/test.tar.gz'), '--limit', '30', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.equal(e.tests, 300);
  assert.ok(e.accuracy > 0.18 && e.accuracy < 0.5, `accuracy ${e.accuracy} (chance 0.10)`);
  assert.equal(e.confusion.counts.reduce((a: number, b: number) => a + b, 0), 300);
  assert.equal(e.confusion.perClassAccuracy.length, 10);
  assert.ok(e.calibration.ece >= 0 && e.calibration.ece < 0.3, `ECE ${e.calibration.ece}`);
  assert.equal(e.provenance.trainPhotos, 600);
});

test('bad input to train-linear and eval classify --linear is one line, before any photo is read', { skip }, async () => {
  const src = path.join(sharedData, 'cifar10/train.tar.gz');
  oneLine(deja(['train-linear', '--source', src, '--out', path.join(dir, 'm.txt')]), /--out cannot write "\.txt" files.*\.json/);
  const notModel = path.join(dir, 'package.json');
  fs.writeFileSync(notModel, '{"name": "x"}');
  oneLine(deja(['eval', 'classify', '--linear', notModel, '--test', src]), /not a Deja linear model.*package\.json.*train-linear/);
  const refused = (p: Promise<unknown>, code: string, pattern: RegExp) => assert.rejects(p, (e: unknown) => isDejaError(e) && e.code === code && pattern.test(e.oneLine()));
  const out = path.join(dir, 'g.json');
  await refused(trainLinear({ source: [src], features: 'gist', templates: path.join(dir, 't.png'), out }), 'BAD_ARGUMENT', /templates are pictures of raw-pixel weights, and gist features are not pixels/);
  await refused(trainLinear({ source: [src], features: 'sift', out }), 'UNKNOWN_NAME', /unknown encoder "sift"/);
  await refused(trainLinear({ source: [path.join(dir, 'missing')], out }), 'NOT_FOUND', /no such file or folder/);
  await refused(trainLinear({ source: [src], loss: 'hinge' as 'svm', out }), 'BAD_ARGUMENT', /loss/);
  await refused(trainLinear({ source: [src], out: path.join(dir, 'no', 'm.json') }), 'NOT_FOUND', /folder of --out does not exist/);
  await refused(evalClassifyLinear({ linear: path.join(dir, 'none.json'), test: [src] }), 'NOT_FOUND', /none\.json/);
  assert.ok(!fs.existsSync(out), 'nothing written');
  const help = deja(['train-linear', '--help']).stdout;
  assert.match(help, /--source <paths\.\.\.>\s+required:/);
  assert.match(help, /--lambda <λ>/);
});
