import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deja, repoRoot, tmpDir } from './helpers.ts';

test('deja models lists the manifest cards, each file checked, with the random-weight model marked', () => {
  const r = deja(['models', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.manifest, path.join(repoRoot, 'models', 'manifest.json'));
  const tiny = report.models.find((m: { name: string }) => m.name === 'tiny-cnn');
  assert.equal(tiny.status, 'ok');
  assert.equal(tiny.trained, false);
  assert.deepEqual(tiny.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape]), [['embedding', [1, 32]]]);
  assert.match(tiny.recipe, /train\/make_tiny_cnn\.py/);
  assert.deepEqual(report.providers[0], { name: 'cpu', available: true });
  const text = deja(['models']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^tiny-cnn {2}embedding \(random weights, untrained\) {2}ok$/m);
});

test('a model whose sha256 differs from its card is refused by deja index in one line naming the rebuild command', () => {
  const dir = tmpDir('deja-models-');
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'models', 'manifest.json'), 'utf8'));
  manifest.models[0].sha256 = 'f'.repeat(64);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  fs.copyFileSync(path.join(repoRoot, 'models', 'tiny-cnn.onnx'), path.join(dir, 'tiny-cnn.onnx'));
  fs.mkdirSync(path.join(dir, 'photos'));
  const listed = deja(['models', '--manifest', path.join(dir, 'manifest.json')]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^tiny-cnn .* sha256 differs$/m);
  const r = deja(['index', '-c', path.join(dir, 'coll'), '--encoders', `cnn(model=${path.join(dir, 'tiny-cnn.onnx')})`, path.join(dir, 'photos')]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^deja: model tiny-cnn has sha256 72f2da7e2f8c…, its card expects ffffffffffff… \(.*tiny-cnn\.onnx\) — rebuild it with: \/usr\/bin\/python3 train\/make_tiny_cnn\.py models\/tiny-cnn\.onnx$/);
});
