import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { meanColourClassifierModel, meanColourInputGradientModel } from './fixtureModels.ts';
import { resolveClassifier } from './classifierModel.ts';
import { resolveInputGradient } from './inputGradientModel.ts';
import { pixelClassifier } from './pixelClassifier.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-gradient-'));
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
const S = 8;
const W = [[3, 0, -3], [-3, 1, 3], [0, -2, 1]];
const B = [0, 0.2, -0.1];
const input = { name: 'image', shape: ['N', 3, S, S], size: S, channels: 3, layout: 'NCHW', mean: [0.5, 0.4, 0.3], std: [0.25, 0.5, 0.2] };

/** A classifier and its gradient graph in one folder, the cards edited by `edit` (classifier, gradient). */
function pair(name: string, edit: (c: Record<string, any>, g: Record<string, any>) => void = () => {}): string {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  const model = meanColourClassifierModel(S, W, B);
  const grad = meanColourInputGradientModel(S, W, B);
  fs.writeFileSync(path.join(folder, 'c.onnx'), model);
  fs.writeFileSync(path.join(folder, 'c-grad.onnx'), grad);
  const c: Record<string, any> = {
    name: 'c', task: 'classification', trained: false, file: 'c.onnx', input, gradient: 'c-grad',
    outputs: [{ name: 'logits', shape: ['N', 3] }], classes: ['red', 'green', 'blue'], sha256: sha(model), recipe: 'make it',
  };
  const g: Record<string, any> = {
    name: 'c-grad', task: 'input-gradient', trained: false, file: 'c-grad.onnx', input,
    extraInputs: [{ name: 'label', shape: ['N', 3] }],
    outputs: [{ name: 'loss', shape: ['N'] }, { name: 'gradient', shape: ['N', 3, S, S] }, { name: 'logits', shape: ['N', 3] }],
    classes: ['red', 'green', 'blue'], gradientOf: { model: 'c', sha256: sha(model) }, sha256: sha(grad), recipe: 'make it',
  };
  edit(c, g);
  const manifest = path.join(folder, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ version: 1, models: [c, g] }));
  return manifest;
}

test('a classifier resolves its gradient graph, and the pixel-space gradient matches finite differences', async () => {
  const c = resolveClassifier('c', { manifest: pair('ok') });
  const g = resolveInputGradient(c);
  assert.deepEqual([g.name, g.image, g.label, g.logits], ['c-grad', 'image', 'label', 'logits']);
  const m = pixelClassifier(c, g, { batch: 2 });
  const n = 3;
  const x = Float32Array.from({ length: n * m.values }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37));
  const t = new Float32Array(n * 3);
  [0, 2, 1].forEach((k, i) => (t[i * 3 + k] = 1));
  const r = await m.lossGradient!(x, n, t);
  assert.deepEqual(Array.from(r.logits), Array.from(await m.logits(x, n)), 'the gradient graph gives the classifier\'s logits');
  for (const v of [0, 70, 150, 2 * m.values + 5]) {
    const i = Math.floor(v / m.values);
    const [up, down] = [Float32Array.from(x), Float32Array.from(x)];
    up[v] += 1e-2;
    down[v] -= 1e-2;
    const fd = ((await m.lossGradient!(up, n, t)).loss[i] - (await m.lossGradient!(down, n, t)).loss[i]) / 2e-2;
    assert.ok(Math.abs(fd - r.gradient[v]) < 2e-3 * Math.max(1, Math.abs(fd)), `value ${v}: finite difference ${fd}, graph ${r.gradient[v]}`);
  }
});

test('a classifier without a usable gradient graph is refused in one line naming it and saying what to do', () => {
  const cases: [string, (c: Record<string, any>, g: Record<string, any>) => void, RegExp][] = [
    ['none', (c) => delete c.gradient, /model c has no gradient graph \(its card names none\)/],
    ['missing', (c) => (c.gradient = 'c-gone'), /the gradient graph of c, "c-gone", has no card/],
    ['task', (_, g) => (g.task = 'features'), /c-grad, is a features card, not input-gradient/],
    ['weights', (_, g) => (g.gradientOf.sha256 = 'a'.repeat(64)), /c-grad was exported from other weights than c/],
    ['input', (_, g) => (g.input = { ...input, std: [1, 1, 1] }), /takes another input than c/],
    ['label', (_, g) => (g.extraInputs = [{ name: 'onehot', shape: ['N', 3] }]), /model c-grad has no input "onehot"/],
  ];
  for (const [name, edit, pattern] of cases) {
    const c = resolveClassifier('c', { manifest: pair(name, edit) });
    assert.throws(() => resolveInputGradient(c), (e: any) => e.code === 'MODEL_ERROR' && pattern.test(e.message) && /one-pixel|rebuild/.test(e.hint ?? ''), name);
  }
});
