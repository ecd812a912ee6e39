/**
 * The training wing (train/): every recipe runs one batch end to end (data from the shared tars,
 * a checkpoint, the ONNX export checked against PyTorch through onnxruntime-node), and a run killed
 * between epochs resumes to exactly the weights and log of an unbroken run. Needs Debian's
 * python3-torch, python3-torchvision and python3-onnx (CI installs them in .ci/run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { hasSharedData, repoRoot, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const python = '/usr/bin/python3';

function recipe(file: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(python, [path.join('train', file), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DEJA_TRAIN_CACHE: path.join(tmpDir('deja-train-cache-'), 'c') } });
  assert.equal(r.status, 0, `${file} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  return r;
}

for (const file of ['cifar_airbench.py', 'cifar_resnet20.py', 'intel_scenes_cnn.py'])
  test(`${file} --smoke trains one batch, exports ONNX and matches PyTorch within 1e-4 through onnxruntime-node`, { skip }, () => {
    const { stdout } = recipe(file, ['--smoke']);
    const m = /exported (\S+) \((\d+) bytes\).*ONNX check (\{.*\})/.exec(stdout);
    assert.ok(m, stdout);
    assert.ok(Number(m[2]) < 20 * 1024 * 1024, 'under the 20 MiB limit of models/');
    const report = JSON.parse(m[3].replaceAll("'", '"')) as { maxAbsDiff: Record<string, number>; batchOneDiff: Record<string, number> };
    for (const name of ['logits', 'features']) {
      assert.ok(report.maxAbsDiff[name] <= 1e-4, `${name}: ${report.maxAbsDiff[name]}`);
      assert.ok(report.batchOneDiff[name] <= 1e-4, `${name} at batch 1: ${report.batchOneDiff[name]}`);
    }
  });

test('a resumed ResNet run ends with the log and the card metrics of an unbroken one (seeded, one checkpoint per epoch)', { skip }, () => {
  const base = tmpDir('deja-train-resume-');
  const args = (dir: string) => ['--iterations', '9', '--batch-size', '64', '--limit-per-class', '13', '--test-limit-per-class', '10', '--run-dir', path.join(base, dir), '--out', path.join(base, `${dir}.onnx`), '--manifest', path.join(base, `${dir}.json`)];
  recipe('cifar_resnet20.py', args('whole'));
  const first = recipe('cifar_resnet20.py', [...args('split'), '--max-epochs-now', '1']);
  assert.match(first.stdout, /stopped after epoch 1 of 3/);
  assert.ok(!fs.existsSync(path.join(base, 'split.onnx')), 'nothing exported before the last epoch');
  const second = recipe('cifar_resnet20.py', args('split'));
  assert.match(second.stdout, /resumed cifar-resnet20 after epoch 1 of 3/);
  const rows = (dir: string) => fs.readFileSync(path.join(base, dir, 'log.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 6).join(','));
  assert.equal(rows('split').length, 4, 'a header and three epochs, none repeated');
  assert.deepEqual(rows('split'), rows('whole'));
  assert.ok(fs.statSync(path.join(base, 'split', 'curves.png')).size > 1000, 'the curves are drawn');
  const card = (dir: string) => (JSON.parse(fs.readFileSync(path.join(base, `${dir}.json`), 'utf8')) as { models: { sha256: string; metrics: Record<string, number> }[] }).models[0];
  assert.deepEqual(card('split').metrics.accuracy, card('whole').metrics.accuracy);
  assert.equal(card('split').sha256, card('whole').sha256, 'the same weights, byte for byte');
});

test("the intel-scenes held-out split is bench/classify.ts's: deja_train.splits shuffles exactly as src/core/rng.ts does", () => {
  const code = [
    'import json, sys',
    "sys.path.insert(0, 'train')",
    'from deja_train.splits import bench_held_out, ts_shuffle',
    'print(json.dumps({"shuffles": [ts_shuffle(list(range(n)), s) for n, s in ((1, 5), (2, 1), (10, 0), (1000, 5), (1000, 4294967295))], "held": bench_held_out(14034)}))',
  ].join('\n');
  const r = spawnSync(python, ['-c', code], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { shuffles: number[][]; held: number[] };
  const cases: [number, number][] = [[1, 5], [2, 1], [10, 0], [1000, 5], [1000, 4294967295]];
  cases.forEach(([n, seed], i) => assert.deepEqual(got.shuffles[i], new Rng(seed).shuffle(Array.from({ length: n }, (_, k) => k)), `n=${n} seed=${seed}`));
  // bench/classify.ts: shuffle the 14,034 members with Rng(5), keep 6,000, query the first 20 % of those.
  const bench = new Rng(5).shuffle(Array.from({ length: 14034 }, (_, k) => k));
  assert.equal(got.held.length, 2807, '20 % of 14,034, rounded half up');
  assert.deepEqual(got.held, bench.slice(0, 2807));
  assert.deepEqual(got.held.slice(0, 1200), bench.slice(0, 6000).slice(0, Math.round(6000 * 0.2)), "its first 1,200 are the bench's kNN queries");
});

test('Madry adversarial training: PGD examples stay in the ε-ball and in [0, 1], raise the loss, and the recipe ships cifar-resnet20-madry with its PGD accuracy', { skip }, () => {
  const code = [
    'import json, sys, torch',
    "sys.path.insert(0, 'train')",
    'from deja_train.adversarial import PgdTraining, pgd_examples',
    'from deja_train.resnet_cifar import CifarResNet',
    'torch.manual_seed(0); torch.set_num_threads(2)',
    'net = CifarResNet(1).eval()',
    'mean, std = (0.49, 0.48, 0.45), (0.25, 0.24, 0.26)',
    'm, s = torch.tensor(mean).view(1, 3, 1, 1), torch.tensor(std).view(1, 3, 1, 1)',
    'pixels = torch.rand(8, 3, 32, 32); x = (pixels - m) / s; y = torch.arange(8) % 10',
    'pgd = PgdTraining(8 / 255, 5, 2 / 255)',
    'adv = pgd_examples(net, x, y, pgd, mean, std) * s + m',
    'f = torch.nn.functional.cross_entropy',
    'print(json.dumps({"linf": (adv - pixels).abs().max().item(), "lo": adv.min().item(), "hi": adv.max().item(),',
    '  "clean": f(net((pixels - m) / s), y).item(), "adv": f(net((adv - m) / s), y).item(), "training": net.training}))',
  ].join('\n');
  const r = spawnSync(python, ['-c', code], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { linf: number; lo: number; hi: number; clean: number; adv: number; training: boolean };
  assert.ok(got.linf <= 8 / 255 + 1e-5, `L∞ ${got.linf} within 8/255`);
  assert.ok(got.linf > 4 / 255, 'the attack moves the pixels');
  assert.ok(got.lo >= -1e-6 && got.hi <= 1 + 1e-6, 'valid pixels');
  assert.ok(got.adv > got.clean, `loss rises: ${got.clean} → ${got.adv}`);
  assert.equal(got.training, false, 'the mode the network was in is restored');

  const base = tmpDir('deja-train-madry-');
  const manifest = path.join(base, 'manifest.json');
  const { stdout } = recipe('cifar_resnet20.py', ['--iterations', '2', '--batch-size', '64', '--limit-per-class', '13', '--test-limit-per-class', '10', '--run-dir', path.join(base, 'run'), '--out', path.join(base, 'm.onnx'), '--manifest', manifest, '--adversarial-eps', '8/255', '--adversarial-steps', '2']);
  assert.match(stdout, /exported/);
  const card = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { models: { name: string; recipe: string; notes: string; metrics: Record<string, number> }[] }).models.find((m) => m.name === 'cifar-resnet20-madry');
  assert.ok(card, 'the adversarially trained variant has its own name');
  assert.match(card.recipe, /--adversarial-eps 8\/255 --adversarial-steps 2 --adversarial-step-size 10\/255/);
  assert.match(card.notes, /Madry PGD adversarial training/);
  assert.ok(card.metrics.pgd10Accuracy >= 0 && card.metrics.pgd10Accuracy <= card.metrics.accuracy + 0.2, JSON.stringify(card.metrics));
  assert.equal(card.metrics.pgdImages, 100);
  const bad = spawnSync(python, ['train/cifar_resnet20.py', '--smoke', '--adversarial-eps', '2'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /outside \[0, 1\]/);
});
