import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { parseManifest } from './manifest.ts';
import { cardFilePath, defaultManifestPath, listModels, modelCard, modelFileSignature, readManifest, verifyModelFile } from './modelRegistry.ts';

const shipped = () => JSON.parse(fs.readFileSync(defaultManifestPath(), 'utf8'));

test('the shipped manifest validates, and each card matches its file and its ONNX graph', () => {
  const manifest = readManifest();
  assert.ok(manifest.models.length >= 1);
  for (const card of manifest.models) {
    assert.equal(verifyModelFile(card, defaultManifestPath()), cardFilePath(card, defaultManifestPath()));
    const graph = modelFileSignature(cardFilePath(card, defaultManifestPath()));
    assert.deepEqual(graph.inputs[0], { name: card.input.name, shape: card.input.shape }, card.name);
    assert.deepEqual(graph.outputs, card.outputs.map((o) => ({ name: o.name, shape: o.shape })), card.name);
  }
  const tiny = modelCard('tiny-cnn');
  assert.equal(tiny.trained, false, 'tiny-cnn is a random-weight test model');
  assert.match(tiny.notes ?? '', /random-weight test model/i);
  assert.throws(() => modelCard('resnet'), /unknown model "resnet": must be one of \[[^\]]*tiny-cnn[^\]]*\]/);
});

test('an invalid card is refused naming the field, the expected and the received value', () => {
  const cases: [string, (card: Record<string, any>) => void, RegExp][] = [
    ['short sha256', (c) => (c.sha256 = 'abc'), /models\.0\.sha256/],
    ['mean of two values for three channels', (c) => (c.input.mean = [0.5, 0.5]), /models\.0\.input\.mean: Expected 3 values but received 2/],
    ['shape that disagrees with size', (c) => (c.input.shape = ['N', 3, 32, 32]), /models\.0\.input\.shape: Expected \[N, 3, 64, 64\] for NCHW/],
    ['unknown field', (c) => (c.weights = 'x'), /models\.0/],
    ['no recipe', (c) => delete c.recipe, /models\.0\.recipe/],
    ['no outputs', (c) => (c.outputs = []), /models\.0\.outputs/],
  ];
  for (const [what, change, pattern] of cases) {
    const m = shipped();
    change(m.models[0]);
    assert.throws(() => parseManifest(m, 'manifest.json'), (e: unknown) => e instanceof DejaError && pattern.test(e.message), what);
  }
  const twice = shipped();
  twice.models.push(twice.models[0]);
  assert.throws(() => parseManifest(twice, 'manifest.json'), /model name tiny-cnn repeats/);
  const dynamic = shipped();
  dynamic.models[0].input.shape = ['N', 3, 64, 64];
  assert.equal(parseManifest(dynamic, 'manifest.json').models[0].input.shape[0], 'N', 'a dynamic batch is written N');
});

test('a model file whose sha256 differs from its card is refused with the rebuild command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-manifest-'));
  const m = shipped();
  m.models = m.models.filter((c: { name: string }) => c.name === 'tiny-cnn');
  m.models[0].sha256 = '0'.repeat(64);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  const manifest = path.join(dir, 'manifest.json');
  assert.deepEqual(listModels(manifest).map((x) => x.status), ['missing']);
  assert.throws(() => verifyModelFile(readManifest(manifest).models[0], manifest), (e: unknown) => e instanceof DejaError && e.code === 'NOT_FOUND');
  fs.copyFileSync(cardFilePath(modelCard('tiny-cnn'), defaultManifestPath()), path.join(dir, 'tiny-cnn.onnx'));
  assert.deepEqual(listModels(manifest).map((x) => x.status), ['sha256 differs']);
  assert.throws(
    () => verifyModelFile(readManifest(manifest).models[0], manifest),
    (e: unknown) =>
      e instanceof DejaError &&
      e.code === 'MODEL_ERROR' &&
      /sha256 72f2da7e2f8c…, its card expects 000000000000…/.test(e.message) &&
      e.hint === 'rebuild it with: /usr/bin/python3 train/make_tiny_cnn.py models/tiny-cnn.onnx',
  );
  fs.writeFileSync(manifest, '{"version": 1, "models": [');
  assert.throws(() => readManifest(manifest), /not valid JSON/);
});
