import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { listSources } from '../src/io/sources.ts';
import { meanColourClassifierModel } from '../src/nn/fixtureModels.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';
import { cifarColour, fixtureLogits, sceneColour, writeFixtureClassifier, type FixtureClassifier } from './classifierFixture.ts';

// Classification networks on real photos: a fixed linear classifier over the mean colour (its card in a
// manifest.json beside it), run by `deja classify --model` and `deja eval classify --model`, checked
// against the same classifier computed here from sharp's own pixel statistics.
const skip = !hasSharedData && 'needs ../shared/data';
const PER_CLASS = 3;
let dir: string;
let cifar: { file: string; manifest: string };
let scene: { file: string; manifest: string };
/** The first PER_CLASS photos of each cifar10 test class, as files test/<class>/<name>.jpg. */
let cifarPhotos: { file: string; label: string }[] = [];
/** The first 12 forest and 12 glacier photos of intel-scenes, in archive order. */
let scenePhotos: { file: string; label: string }[] = [];

async function firstPerClass(archive: string, classes: string[], n: number, into: string): Promise<{ file: string; label: string }[]> {
  const out: { file: string; label: string }[] = [];
  const count = new Map<string, number>();
  for await (const item of listSources([archive])) {
    if (!classes.includes(item.folder) || (count.get(item.folder) ?? 0) >= n) continue;
    count.set(item.folder, (count.get(item.folder) ?? 0) + 1);
    const file = path.join(into, item.folder, path.basename(item.relPath));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, item.read());
    out.push({ file, label: item.folder });
    if (classes.every((c) => count.get(c) === n)) break;
  }
  return out;
}

/** Mean R, G, B in [0, 1] of the photo as the model sees it: resized (shorter side) and centre-cropped to `size`. */
async function meanColour(file: string, size: number): Promise<number[]> {
  const { width, height } = await sharp(file).metadata();
  const img = width === size && height === size ? sharp(file) : sharp(file).resize(size, size, { fit: 'cover', kernel: 'lanczos3' });
  return (await img.stats()).channels.slice(0, 3).map((c) => c.mean / 255);
}

/** The fixture's prediction, its probabilities and the logit margin between the first two classes, computed here. */
async function expected(f: FixtureClassifier, file: string): Promise<{ label: string; p: number[]; margin: number }> {
  const z = fixtureLogits(f, await meanColour(file, f.size));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  const order = z.map((_, i) => i).sort((a, b) => z[b] - z[a]);
  return { label: f.classes[order[0]], p: e.map((v) => v / s), margin: z[order[0]] - z[order[1]] };
}

/** ECE over 15 equal-width bins ((m−1)/15, m/15], written out again here. */
function ece(conf: number[], right: boolean[]): number {
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, right: 0 }));
  conf.forEach((p, i) => {
    const b = bins[Math.min(14, Math.max(0, Math.ceil(p * 15) - 1))];
    b.n++;
    b.conf += p;
    b.right += right[i] ? 1 : 0;
  });
  return bins.reduce((s, b) => s + (b.n ? (b.n / conf.length) * Math.abs(b.right / b.n - b.conf / b.n) : 0), 0);
}

const oneLineError = (r: { code: number; stdout: string; stderr: string }, pattern: RegExp) => {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^deja: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0], pattern);
};

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-classify-model-');
  cifar = writeFixtureClassifier(path.join(dir, 'cifar'), cifarColour);
  scene = writeFixtureClassifier(path.join(dir, 'scene'), sceneColour);
  cifarPhotos = await firstPerClass(path.join(sharedData, 'cifar10/test.tar.gz'), cifarColour.classes, PER_CLASS, path.join(dir, 'cifar-test'));
  scenePhotos = await firstPerClass(path.join(sharedData, 'intel-scenes/train.tar.gz'), sceneColour.classes, 12, path.join(dir, 'scene-test'));
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('deja classify --model answers each photo with the classes and softmax probabilities the classifier gives, without a collection', { skip }, async () => {
  const photos = cifarPhotos.filter((_, i) => i % PER_CLASS === 0).slice(0, 6);
  const r = deja(['classify', ...photos.map((p) => p.file), '--model', cifar.file, '--top', '3', '--json', '-c', path.join(dir, 'no-collection')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, photos.length, 'several photos: one result each, in order');
  for (const [i, res] of out.entries()) {
    const want = await expected(cifarColour, photos[i].file);
    assert.equal(res.query, photos[i].file);
    assert.equal(res.model, 'cifar-colour');
    assert.equal(res.classes, 10);
    assert.equal(res.scores.length, 3);
    assert.equal(res.label, res.scores[0].label);
    if (want.margin > 1e-3) assert.equal(res.label, want.label, photos[i].file);
    for (const s of res.scores) assert.ok(Math.abs(s.score - want.p[cifarColour.classes.indexOf(s.label)]) < 1e-3, `${s.label} ${s.score} vs ${want.p}`);
    assert.ok(res.scores[0].score >= res.scores[1].score && res.scores[1].score >= res.scores[2].score);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'no-collection')), 'no collection is opened or created');
  // By name in a manifest, one photo: one object, and a real forest photo is called a forest.
  const forest = scenePhotos.find((p) => p.label === 'forest')!;
  const one = deja(['classify', forest.file, '--model', 'scene-colour', '--manifest', scene.manifest, '--json']);
  assert.equal(one.code, 0, one.stderr);
  const res = JSON.parse(one.stdout);
  assert.equal(res.label, 'forest');
  assert.equal(res.scores.length, 2, '--top is capped at the class count');
  assert.ok(Math.abs(res.scores[0].score + res.scores[1].score - 1) < 1e-6);
  const text = deja(['classify', forest.file, '--model', scene.file]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^forest {2}\(network scene-colour, softmax over 2 classes\)\n {2}forest +\d+\.\d%\n/);
});

test('deja eval classify --model reports accuracy, a confusion matrix summing to N and ECE that match an independent count, and draws both PNGs', { skip }, async () => {
  const out = path.join(dir, 'eval-out');
  const r = deja(['eval', 'classify', '--model', cifar.file, '--test', path.join(dir, 'cifar-test'), '--batch', '8', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const N = cifarPhotos.length;
  assert.equal(rep.tests, N);
  assert.deepEqual(rep.classes, cifarColour.classes);
  assert.equal(rep.confusion.counts.length, 100);
  assert.equal(rep.confusion.counts.reduce((s: number, x: number) => s + x, 0), N);
  const want = await Promise.all(cifarPhotos.map((p) => expected(cifarColour, p.file)));
  const right = want.map((w, i) => w.label === cifarPhotos[i].label);
  const close = want.filter((w) => w.margin <= 1e-3).length;
  const acc = right.filter(Boolean).length / N;
  assert.ok(Math.abs(rep.accuracy - acc) <= close / N + 1e-12, `accuracy ${rep.accuracy}, computed here ${acc}`);
  assert.ok(rep.accuracy > 0.1, `better than chance (${rep.accuracy})`);
  for (let c = 0; c < 10; c++) {
    const row = rep.confusion.counts.slice(c * 10, c * 10 + 10);
    assert.equal(row.reduce((s: number, x: number) => s + x, 0), PER_CLASS, `row ${cifarColour.classes[c]}`);
    assert.equal(rep.confusion.perClassAccuracy[c], row[c] / PER_CLASS);
  }
  assert.ok(rep.calibration.ece >= 0 && rep.calibration.ece <= 1);
  if (close === 0) assert.ok(Math.abs(rep.calibration.ece - ece(want.map((w) => Math.max(...w.p)), right)) < 1e-3, `ECE ${rep.calibration.ece}`);
  assert.equal(rep.calibration.bins.length, 15);
  assert.equal(rep.calibration.bins.reduce((s: number, b: { count: number }) => s + b.count, 0), N);
  assert.deepEqual(rep.card.metrics, cifarColour.metrics);
  for (const f of [rep.files.reliability, rep.files.confusion]) {
    const meta = await sharp(f).metadata();
    assert.equal(meta.format, 'png', f);
    assert.ok(meta.width! >= 400 && meta.height! >= 400, `${f} ${meta.width}×${meta.height}`);
  }
  const md = deja(['eval', 'classify', '--model', cifar.file, '--test', path.join(dir, 'cifar-test'), '-q']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^\| model \| photos \| accuracy \| ECE \| card accuracy \| card ECE \| photos\/s \|$/m);
  assert.match(md.stdout, new RegExp(`^\\| cifar-colour \\| ${N} \\| ${(100 * rep.accuracy).toFixed(2)}% \\| `, 'm'));
});

test("deja eval classify --model defaults to the card's split and --limit takes the first N of each class; forest vs glacier is mostly right", { skip }, async () => {
  const r = deja(['eval', 'classify', '--model', 'scene-colour', '--manifest', scene.manifest, '--limit', '12', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.testFromCard, true);
  assert.deepEqual(rep.test, [path.join(sharedData, 'intel-scenes/train.tar.gz')]);
  assert.equal(rep.tests, 24);
  assert.equal(rep.limitPerClass, 12);
  assert.ok(rep.otherLabels.some((o: { label: string }) => o.label === 'buildings'), 'photos of other classes are left out and counted');
  const want = await Promise.all(scenePhotos.map((p) => expected(sceneColour, p.file)));
  const acc = want.filter((w, i) => w.label === scenePhotos[i].label).length / 24;
  const close = want.filter((w) => w.margin < 0.05).length;
  assert.ok(Math.abs(rep.accuracy - acc) <= close / 24 + 1e-12, `accuracy ${rep.accuracy}, computed here ${acc} (${close} close calls)`);
  assert.ok(rep.accuracy >= 0.8 && rep.accuracy < 1, `forest vs glacier by mean colour: ${rep.accuracy}`);
  assert.equal(rep.confusion.counts.reduce((s: number, x: number) => s + x, 0), 24);
  assert.ok(rep.calibration.ece >= 0 && rep.calibration.ece <= 1);
});

test("a card whose split is a listed subset of a set (splitMembers) is evaluated on exactly those photos; a missing list is one line", { skip }, () => {
  const listed = path.join(dir, 'listed');
  const l = writeFixtureClassifier(listed, sceneColour);
  const members = ['train/forest/10007.jpg', 'train/forest/10010.jpg', 'train/glacier/10.jpg', 'train/buildings/0.jpg', 'train/forest/10007.jpg'];
  fs.writeFileSync(path.join(listed, 'held-out.txt'), members.join('\n') + '\n\n');
  const m = JSON.parse(fs.readFileSync(l.manifest, 'utf8'));
  m.models[0].splitMembers = 'held-out.txt';
  fs.writeFileSync(l.manifest, JSON.stringify(m));
  const r = deja(['eval', 'classify', '--model', 'scene-colour', '--manifest', l.manifest, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.testFromCard, true);
  assert.equal(rep.tests, 3, 'two forest and one glacier photo, each once');
  assert.deepEqual(rep.otherLabels, [{ label: 'buildings', count: 1 }]);
  fs.rmSync(path.join(listed, 'held-out.txt'));
  oneLineError(deja(['eval', 'classify', '--model', 'scene-colour', '--manifest', l.manifest]), /list of held-out photos held-out\.txt is missing.*rebuild it with: node --import tsx test\/classifierFixture\.ts scene-colour/);
});

test('a file that is not ONNX, or is not there, is refused in one line that names it and says what to do', { skip }, () => {
  const photo = cifarPhotos[0].file;
  const junk = path.join(dir, 'junk.onnx');
  fs.copyFileSync(photo, junk);
  oneLineError(deja(['classify', photo, '--model', junk]), /model junk\.onnx is not an ONNX file.*torch\.onnx\.export/);
  oneLineError(deja(['classify', photo, '--model', path.join(dir, 'missing.onnx')]), /ONNX model file not found/);
});

test('an unknown model name and an embedding model are refused in one line listing what there is', { skip }, () => {
  const photo = cifarPhotos[0].file;
  oneLineError(deja(['classify', photo, '--model', 'resnet', '--manifest', cifar.manifest]), /unknown model "resnet": must be one of \[cifar-colour\].*deja models/);
  oneLineError(deja(['classify', photo, '--model', 'tiny-cnn']), /model tiny-cnn is an embedding model, not a classifier.*cnn\(model=tiny-cnn\)/);
});

test('a card whose sha256 is not its file, or whose input does not fit the graph, is refused in one line with the fix', { skip }, () => {
  const photo = cifarPhotos[0].file;
  const stale = path.join(dir, 'stale');
  const s = writeFixtureClassifier(stale, cifarColour);
  const m = JSON.parse(fs.readFileSync(s.manifest, 'utf8'));
  m.models[0].sha256 = 'f'.repeat(64);
  fs.writeFileSync(s.manifest, JSON.stringify(m));
  oneLineError(deja(['eval', 'classify', '--model', s.file]), /model cifar-colour has sha256 [0-9a-f]{12}…, its card expects ffffffffffff… .* rebuild it with: node --import tsx test\/classifierFixture\.ts cifar-colour$/);
  // The graph takes 64×64 photos; the card says 32.
  const wrong = path.join(dir, 'wrong-size');
  const w = writeFixtureClassifier(wrong, cifarColour);
  const bytes = meanColourClassifierModel(64, cifarColour.centroids, new Array(10).fill(0));
  fs.writeFileSync(w.file, bytes);
  const card = JSON.parse(fs.readFileSync(w.manifest, 'utf8'));
  card.models[0].sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(w.manifest, JSON.stringify(card));
  oneLineError(deja(['classify', photo, '--model', w.file]), /model cifar-colour takes input image \[N, 3, 64, 64\] but its card says \[N, 3, 32, 32\].*fix the card/);
});

test('an evaluation without test photos of the model\'s classes is refused in one line', { skip }, () => {
  const own = path.join(dir, 'own-split');
  const o = writeFixtureClassifier(own, { ...cifarColour, split: 'our own holiday photos' });
  oneLineError(deja(['eval', 'classify', '--model', o.file]), /names no shared test set.*pass --test/);
  oneLineError(deja(['eval', 'classify', '--model', cifar.file], { DEJA_DATA: path.join(dir, 'no-data') }), /test set of cifar-colour, cifar10\/test\.tar\.gz, is not in the shared data folder.*DEJA_DATA/);
  oneLineError(deja(['eval', 'classify', '--model', cifar.file, '--test', path.join(dir, 'scene-test'), '-q']), /no test photo is labelled with a class of cifar-colour: found labels \[forest, glacier\]/);
});

test('a classifier card\'s features are a cnn encoder: dimension from the card, unit vectors, sha256 in the spec, and another model file is refused', { skip }, async () => {
  const { createEncoder } = await import('../src/encoders/factory.ts');
  const { encodeBatch } = await import('../src/encoders/encoder.ts');
  const { decodeFile } = await import('../src/io/decode.ts');
  const models = path.join(dir, 'encoder-models');
  const m = writeFixtureClassifier(models, cifarColour);
  const spec = `cnn(model=${m.file},output=features,batch=4)`;
  const e = createEncoder(spec);
  assert.equal(e.dim, 3, 'the card says features is [N, 3]');
  assert.match(e.spec, /^cnn\(.*model=cifar-colour\.onnx,output=features,sha=[0-9a-f]{12},size=32,/);
  const images = await Promise.all(cifarPhotos.slice(0, 6).map(async (p) => (await decodeFile(p.file)).image));
  const batch = await encodeBatch(e, images);
  for (const [i, v] of batch.entries()) {
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5, 'L2-normalised');
    const one = await e.encode(images[i]);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(one[j] - v[j]) < 1e-6, 'a batch gives what single photos give');
    // The features are the normalised mean colour, pointing the way computed here.
    const rgb = await meanColour(cifarPhotos[i].file, 32);
    const x = rgb.map((c, ch) => (c - cifarColour.mean[ch]) / cifarColour.std[ch]);
    const n = Math.hypot(...x);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(v[j] - x[j] / n) < 1e-3, `feature ${j} of photo ${i}`);
  }
  const coll = path.join(dir, 'features-coll');
  const ix = deja(['index', '-c', coll, '-e', `cnn(model=${m.file},output=features)`, '-q', path.join(dir, 'cifar-test', 'ship')]);
  assert.equal(ix.code, 0, ix.stderr);
  writeFixtureClassifier(models, { ...cifarColour, scale: 5 }); // another file under the same name, its card updated
  oneLineError(deja(['search', cifarPhotos[0].file, '-c', coll, '-e', `cnn(model=${m.file},output=features)`]), /the collection has no cnn\(.*sha=[0-9a-f]{12}.*\) descriptors/);
});
