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
