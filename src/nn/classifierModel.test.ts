import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { createImage, type Image } from '../core/image.ts';
import { meanColourClassifierModel } from './fixtureModels.ts';
import { classifierNames, registeredClassifier, resolveClassifier, runClassifier } from './classifierModel.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-classifier-'));

/** Writes a red-vs-blue mean-colour classifier and its card (with `edit` applied) into its own folder. */
function classifier(name: string, edit: (card: Record<string, any>) => void = () => {}, size = 16): { file: string; manifest: string } {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  const bytes = meanColourClassifierModel(size, [[4, 0, -4], [-4, 0, 4]], [0, 0]);
  const file = path.join(folder, `${name}.onnx`);
  fs.writeFileSync(file, bytes);
  const card: Record<string, any> = {
    name,
    task: 'classification',
    trained: false,
    file: `${name}.onnx`,
    input: { name: 'image', shape: ['N', 3, size, size], size, channels: 3, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    outputs: [{ name: 'logits', shape: ['N', 2] }, { name: 'features', shape: ['N', 3], description: 'penultimate features' }],
    classes: ['red', 'blue'],
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    recipe: 'make it',
  };
  edit(card);
  const manifest = path.join(folder, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ version: 1, models: [card] }));
  return { file, manifest };
}

function flat(w: number, h: number, rgb: number[]): Image {
  const img = createImage(w, h, 3);
  for (let c = 0; c < 3; c++) img.data.fill(rgb[c], c * w * h, (c + 1) * w * h);
  return img;
}

test('a classification card resolves by path or by name, with its classes, pipeline and features known before a run', () => {
  const { file, manifest } = classifier('red-blue');
  const byPath = resolveClassifier(file);
  assert.deepEqual(byPath.classes, ['red', 'blue']);
  assert.deepEqual({ size: byPath.input.size, dynamicBatch: byPath.input.dynamicBatch }, { size: 16, dynamicBatch: true });
  assert.equal(byPath.logits, 'logits');
  assert.deepEqual(byPath.features, { name: 'features', dim: 3 });
  assert.equal(resolveClassifier('red-blue', { manifest }).file, file);
  assert.deepEqual(classifierNames(manifest), ['red-blue']);
  assert.equal(registeredClassifier('red-blue', manifest).name, 'red-blue');
  assert.throws(() => registeredClassifier('../red-blue.onnx', manifest), /unknown classification model "\.\.\/red-blue\.onnx": must be one of \[red-blue\]/);
});

test('a batch of photos gives the logits of each photo alone, in order, whatever the batch size', async () => {
  const c = resolveClassifier(classifier('batches').file);
  const photos = [flat(20, 16, [0.9, 0.1, 0.1]), flat(16, 30, [0.1, 0.1, 0.9]), flat(40, 40, [0.5, 0.5, 0.5])];
  const all = (await runClassifier(c, photos, { batch: 2 })).logits;
  assert.equal(all.length, 6);
  for (const [i, p] of photos.entries()) {
    const one = (await runClassifier(c, [p], { batch: 1 })).logits;
    assert.ok(Math.abs(one[0] - all[2 * i]) < 1e-5 && Math.abs(one[1] - all[2 * i + 1]) < 1e-5);
  }
  assert.ok(all[0] > all[1] && all[3] > all[2], 'red is red, blue is blue');
  assert.ok(Math.abs(all[0] - (4 * (0.4 / 0.5) - 4 * (-0.4 / 0.5))) < 1e-4, 'logit = w · (x − mean) / std');
  await assert.rejects(runClassifier(c, photos, { batch: 0 }), /Expected integer between 1 and 1024 for batch/);
});

test('cards that do not describe their classifier are refused naming the model and the fix', () => {
  const refused = (file: string, code: string, pattern: RegExp) =>
    assert.throws(() => resolveClassifier(file), (e: unknown) => e instanceof DejaError && e.code === code && pattern.test(e.oneLine()) && !e.oneLine().includes('\n'));
  refused(classifier('three', (c) => ((c.classes = ['a', 'b', 'c']), (c.outputs[0].shape = ['N', 3]))).file, 'MODEL_ERROR', /model three gives output logits \[N, 2\] but its card says \[N, 3\]/);
  refused(classifier('more', (c) => (c.classes = ['a', 'b', 'c'])).file, 'MODEL_ERROR', /model more gives 2 logits per photo \(output logits\) but its card lists 3 classes/);
  refused(classifier('nameless', (c) => (c.input.name = 'pixels')).file, 'MODEL_ERROR', /model nameless has no input "pixels" \(its card's\): the graph takes \[image\].*make it/);
  refused(classifier('embed', (c) => (c.task = 'embedding')).file, 'BAD_ARGUMENT', /model embed is an embedding model, not a classifier.*cnn\(model=embed\)/);
  refused(classifier('classless', (c) => delete c.classes).file, 'MODEL_ERROR', /the card of classless lists no classes/);
  const bare = path.join(dir, 'bare.onnx');
  fs.writeFileSync(bare, meanColourClassifierModel(8, [[1, 0, 0]], [0]));
  refused(bare, 'MODEL_ERROR', /model .*bare\.onnx has no card, so its class names are unknown.*manifest\.json/);
});
