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
import { hasSharedData, repoRoot, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const python = '/usr/bin/python3';

function recipe(file: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(python, [path.join('train', file), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DEJA_TRAIN_CACHE: path.join(tmpDir('deja-train-cache-'), 'c') } });
  assert.equal(r.status, 0, `${file} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  return r;
}

for (const file of ['cifar_airbench.py', 'cifar_resnet20.py'])
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
