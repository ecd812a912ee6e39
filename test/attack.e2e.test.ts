/**
 * Adversarial examples end to end on real CIFAR-10 photos: a ResNet-20 fixture built in the test run
 * (train/check_input_gradient.py --write: seeded random convolutions, batch-norm statistics and a fitted
 * last layer from real photos, so it classifies better than chance) with its input-gradient graph,
 * checked against torch.autograd and through onnxruntime-node; then `deja attack` and `deja eval attack`
 * on it. Needs ../shared/data and Debian's python3-torch.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { deja, hasSharedData, repoRoot, sharedData, tmpDir } from './helpers.ts';
import { writeFixtureClassifier, cifarColour } from './classifierFixture.ts';
import { decodeFile } from '../src/io/decode.ts';
import { writeImage } from '../src/io/encode.ts';
import { resize } from '../src/imgproc/resample.ts';
import { evalAttack } from '../src/actions/evalAttack.ts';
import { attackModelFor, modelCrop } from '../src/actions/attack.ts';
import { resolveClassifier } from '../src/nn/classifierModel.ts';
import { fgsm } from '../src/decoders/attack/fgsm.ts';
import { argmaxClasses, oneHot } from '../src/decoders/attack/attackModel.ts';
import { ATTACK_METHOD_NAMES } from '../src/decoders/attack/methods.ts';
import { AttackOptions } from '../src/actions/attack.ts';
import { register as registerAttack } from '../src/cli/commands/attack.ts';
import { Command } from 'commander';

const skip = !hasSharedData && 'needs ../shared/data';
const NAME = 'cifar-resnet20-fixture';
let dir: string;
let manifest: string;
let built: { code: number | null; stdout: string; stderr: string };
const photos: string[] = [];

before(() => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-attack-');
  const r = spawnSync('/usr/bin/python3', ['train/check_input_gradient.py', '--check', '', '--write', dir], { cwd: repoRoot, encoding: 'utf8' });
  built = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  manifest = path.join(dir, 'manifest.json');
  const members = ['cat', 'ship', 'frog', 'automobile', 'horse'].flatMap((c) => [0, 1, 2, 3].map((i) => `test/${c}/000${i}.jpg`));
  spawnSync('tar', ['-xzf', path.join(sharedData, 'cifar10/test.tar.gz'), '-C', dir, ...members]);
  photos.push(...members.map((m) => path.join(dir, m)));
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

test('the exported gradient graph matches torch.autograd within 1e-4 on real photos, and onnxruntime-node gives the same', { skip }, () => {
  assert.equal(built.code, 0, built.stderr.slice(-2000));
  const report = JSON.parse(built.stdout.split('\n').find((l) => l.includes(`"network": "${NAME}"`))!);
  assert.ok(report.autograd.gradient <= 1e-4 && report.autograd.loss <= 1e-4 && report.autograd.logits <= 1e-4, JSON.stringify(report.autograd));
  assert.ok(report.autograd.gradientMaxAbs > 1e-3, 'the gradient is not vanishingly small, so 1e-4 is a real bound');
  assert.ok(report.onnx.gradientMaxAbsDiffAwayFromKinks <= 1e-4, JSON.stringify(report.onnx));
  assert.ok(report.onnx.maxAbsDiff.loss <= 1e-4 && report.onnx.maxAbsDiff.logits <= 1e-4);
  const cards = JSON.parse(fs.readFileSync(manifest, 'utf8')).models;
  const [c, g] = [cards.find((m: { name: string }) => m.name === NAME), cards.find((m: { name: string }) => m.name === `${NAME}-grad`)];
  assert.equal(c.gradient, `${NAME}-grad`, 'the classifier card names its gradient graph');
  assert.equal(g.task, 'input-gradient');
  assert.equal(g.gradientOf.sha256, c.sha256);
  assert.deepEqual(g.extraInputs.map((i: { name: string; shape: unknown[] }) => [i.name, i.shape]), [['label', ['N', 10]]]);
});

test('FGSM at ε = 8/255 raises the loss of real photos through the ONNX gradient graph', { skip }, async () => {
  const c = resolveClassifier(NAME, { manifest });
  const { model } = attackModelFor(c, ['fgsm'], { batch: 32, threads: 1, provider: 'cpu' });
  const n = photos.length;
  const images = new Float32Array(n * model.values);
  for (let i = 0; i < n; i++) images.set(modelCrop((await decodeFile(photos[i])).image, c).data, i * model.values);
  const labels = Int32Array.from(photos, (p) => c.classes.indexOf(path.basename(path.dirname(p))));
  const adv = await fgsm(model, { images, n, labels, targets: null }, 8 / 255);
  const t = oneHot(labels, 10);
  const [l0, l1] = [(await model.lossGradient!(images, n, t)).loss, (await model.lossGradient!(adv, n, t)).loss];
  const raised = Array.from(l1).filter((v, i) => v > l0[i]).length;
  assert.equal(raised, n, `the loss rose on ${raised} of ${n} photos`);
  assert.ok(Array.from(argmaxClasses(await model.logits(adv, n), n, 10)).filter((p, i) => p !== labels[i]).length >= n / 2);
});

test('deja eval attack: PGD succeeds at least as often as FGSM at each ε, more with a larger ε, and EOT examples survive random transformations more often than PGD ones', { skip }, async () => {
  const r = await evalAttack({ model: NAME, manifest, limit: 3, methods: ['fgsm', 'pgd', 'eot'], eps: [1 / 255, 4 / 255], steps: 10, samples: 8, draws: 20 });
  assert.equal(r.photos, 30);
  assert.ok(r.correct >= 5 && r.correct < 30, `${r.correct} classified correctly`);
  const row = (m: string, eps: number) => r.rows.find((w) => w.method === m && Math.abs(w.eps! - eps) < 1e-9)!;
  for (const eps of [1 / 255, 4 / 255]) {
    assert.ok(row('pgd', eps).successRate >= row('fgsm', eps).successRate, JSON.stringify([row('pgd', eps), row('fgsm', eps)]));
    assert.ok(row('pgd', eps).meanLinf! <= eps + 1e-6);
  }
  assert.ok(row('pgd', 4 / 255).meanWrongConfidence! > row('pgd', 1 / 255).meanWrongConfidence!, 'a larger ε gives more confident mistakes');
  assert.ok(row('eot', 4 / 255).robustness! > row('pgd', 4 / 255).robustness!, `EOT ${row('eot', 4 / 255).robustness} vs PGD ${row('pgd', 4 / 255).robustness} under random transformations`);
});

test('deja attack writes the adversarial PNG (lossless, within ε) and its panel, and --json reports both score sets', { skip }, async () => {
  const out = path.join(dir, 'adv.png');
  const r = deja(['attack', photos[0], '--model', NAME, '--manifest', manifest, '--method', 'pgd', '--eps', '4/255', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.panel, path.join(dir, 'adv-panel.png'));
  assert.equal(report.epsText, '4/255');
  assert.ok(report.norms.linf <= 4 / 255 + 1e-6 && report.norms.linf > 0);
  assert.equal(report.before.scores.length, 10);
  assert.equal(typeof report.success, 'boolean');
  const adv = (await decodeFile(out)).image;
  const clean = (await decodeFile(photos[0])).image;
  assert.deepEqual([adv.width, adv.height], [32, 32]);
  let linf = 0;
  for (let i = 0; i < adv.data.length; i++) linf = Math.max(linf, Math.abs(adv.data[i] - clean.data[i]));
  assert.ok(Math.abs(linf - report.norms.linf) < 1e-6, `the PNG holds the reported perturbation (${linf} vs ${report.norms.linf})`);
  const classified = JSON.parse(deja(['classify', out, '--model', NAME, '--manifest', manifest, '--json']).stdout);
  assert.equal(classified.label, report.after.label, 'deja classify sees in the PNG what the attack reported');
  assert.ok(fs.statSync(report.panel).size > 5000);
});

test('the one-pixel attack changes at most k pixels of the photo (also one the crop resamples), through the ordinary logits only', { skip }, async () => {
  const wide = path.join(dir, 'wide.png');
  await writeImage(resize((await decodeFile(photos[1])).image, 50, 40), wide);
  for (const [k, photo] of [[1, photos[1]], [3, wide]] as const) {
    const out = path.join(dir, `op${k}.png`);
    const r = deja(['attack', photo, '--model', NAME, '--manifest', manifest, '--method', 'one-pixel', '--pixels', String(k), '--population', '40', '--iterations', '5', '--draws', '0', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.norms.pixels >= 1 && report.norms.pixels <= k, `${report.norms.pixels} pixels changed`);
    assert.equal(report.gradientModel, null, 'no gradient graph was used');
    assert.ok(report.queries <= 40 * 6);
  }
});

test('bad attack input is refused in one line naming the model and what to do', { skip }, () => {
  const base = ['attack', photos[0], '--manifest', manifest, '--out', path.join(dir, 'x.png')];
  const plain = writeFixtureClassifier(path.join(dir, 'plain'), cifarColour);
  oneLine(deja(['attack', photos[0], '--model', 'cifar-colour', '--manifest', plain.manifest, '--out', path.join(dir, 'y.png')]), /model cifar-colour has no gradient graph.*--method one-pixel/);
  oneLine(deja([...base, '--model', NAME, '--eps', '2']), /Expected a number between 0 and 1 for --eps but received "2".*8\/255/);
  oneLine(deja([...base, '--model', NAME, '--method', 'deepfool']), /argument 'deepfool' is invalid.*fgsm, pgd, one-pixel, eot/);
  oneLine(deja([...base, '--model', NAME, '--target', 'zebra']), /unknown target class of model cifar-resnet20-fixture "zebra": must be one of \[airplane, /);
  oneLine(deja(['attack', photos[0], '--model', NAME, '--manifest', manifest, '--out', path.join(dir, 'x.jpg')]), /--out must be a \.png file/);
  oneLine(deja(['eval', 'attack', '--model', NAME, '--manifest', manifest, '--method', 'pgd,deepfool']), /unknown attack method "deepfool": must be one of \[fgsm, pgd, one-pixel, eot\]/);
  assert.ok(!fs.existsSync(path.join(dir, 'x.png')), 'nothing was written');
});

test('the attack registry drives deja attack --method, its default and the options schema', () => {
  const program = new Command();
  registerAttack(program);
  const method = program.commands[0].options.find((o) => o.long === '--method')!;
  assert.deepEqual(method.argChoices, ATTACK_METHOD_NAMES);
  assert.equal(method.defaultValue, AttackOptions.parse({ model: 'm' }).method);
  assert.equal(program.commands[0].options.find((o) => o.long === '--steps')!.defaultValue, AttackOptions.parse({ model: 'm' }).steps);
});
