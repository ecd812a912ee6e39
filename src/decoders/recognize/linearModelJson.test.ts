import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { isDejaError } from '../../core/errors.ts';
import type { LinearModel } from './linearModel.ts';
import { linearScores } from './linearModel.ts';
import { linearModelToJson, parseLinearModel } from './linearModelJson.ts';
import { linearTemplates, pixelLayoutOf } from './linearTemplates.ts';
import { stratifiedSplit } from './stratifiedSplit.ts';

function randomModel(C: number, D: number, seed = 1): LinearModel {
  const rng = new Rng(seed);
  return {
    loss: 'svm',
    classes: Array.from({ length: C }, (_, c) => `class${c}`),
    dim: D,
    weights: Float64Array.from({ length: C * D }, () => rng.normal() / 3),
    bias: Float64Array.from({ length: C }, () => rng.normal()),
    standardization: { mean: Float64Array.from({ length: D }, () => rng.next()), std: Float64Array.from({ length: D }, () => 0.1 + rng.next()) },
    provenance: {
      descriptor: { spec: 'tiny(norm=0,size=4)', version: 1 },
      lambda: 0.01,
      learningRate: 1e-3,
      chosenOnValidation: { lambda: true, learningRate: false },
      momentum: 0.9,
      lrDecay: 0.9,
      batchSize: 200,
      epochs: 10,
      seed: 7,
      trainPhotos: 600,
      source: ['/data/train.tar.gz'],
      validation: { photos: 60, accuracy: 0.3 },
      trainedAt: '2026-12-02T00:00:00.000Z',
    },
  };
}

const refused = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseLinearModel(text, '/models/m.json'),
    (e: unknown) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && e.file === '/models/m.json' && pattern.test(e.message) && /train-linear/.test(e.hint ?? ''),
  );

test('a saved model loads back bit for bit, with its provenance, and scores the same', () => {
  const m = randomModel(3, 48);
  const back = parseLinearModel(linearModelToJson(m), 'm.json');
  assert.deepEqual(back, m);
  const x = Float32Array.from({ length: 5 * 48 }, (_, i) => (i % 17) / 17);
  assert.deepEqual(linearScores(back, x, 5), linearScores(m, x, 5));
});

test('bad model files are refused in one line naming the file and what to do', () => {
  const good = JSON.parse(linearModelToJson(randomModel(3, 48)));
  refused('{"format": "deja-linear', /not a JSON file/);
  refused(JSON.stringify({ format: 'onnx' }), /not a Deja linear model: its "format" is "onnx"/);
  refused(JSON.stringify({ ...good, loss: 'hinge' }), /malformed linear model: loss/);
  refused(JSON.stringify({ ...good, provenance: { ...good.provenance, descriptor: undefined } }), /provenance\.descriptor/);
  refused(JSON.stringify({ ...good, weights: good.weights.slice(1) }), /weights must be 3 rows of 48 numbers/);
  refused(JSON.stringify({ ...good, bias: [0, 0] }), /bias must have 3 numbers/);
  refused(JSON.stringify({ ...good, standardization: { ...good.standardization, std: good.standardization.std.map(() => 0) } }), /standardization\.std/);
  refused(JSON.stringify({ ...good, classes: ['a', 'a', 'b'] }), /class names repeat/);
});

test('templates are the raw-pixel weights reshaped, min–max scaled to [0, 1] per class and enlarged by replication', () => {
  const m = randomModel(2, 4 * 4 * 3);
  m.standardization.std.fill(2);
  const layout = pixelLayoutOf(m.provenance.descriptor.spec)!;
  assert.deepEqual(layout, { width: 4, height: 4, channels: 3 });
  const [t0] = linearTemplates(m, layout, 2);
  assert.equal(t0.width, 8);
  assert.equal(t0.channels, 3);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of t0.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  // Green plane, pixel (x=3, y=1) of the 4×4 template is weight 16 + 4 + 3; it fills the 2×2 block at (6, 2).
  const w = m.weights.subarray(0, 48);
  const wmin = Math.min(...w);
  const wmax = Math.max(...w);
  const expected = (w[16 + 4 + 3] - wmin) / (wmax - wmin);
  for (const [x, y] of [[6, 2], [7, 2], [6, 3], [7, 3]]) assert.ok(Math.abs(t0.data[64 + y * 8 + x] - expected) < 1e-6);
  assert.equal(pixelLayoutOf('gist(size=32)'), null);
  assert.deepEqual(pixelLayoutOf('tiny-gray'), { width: 32, height: 32, channels: 1 });
});

test('the stratified split holds out the same share of every class, seeded', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1));
  const a = stratifiedSplit(labels, 0.1, 3);
  assert.equal(a.heldOut.length, 10);
  assert.equal(Array.from(a.heldOut).filter((r) => labels[r] === 0).length, 7);
  assert.equal(a.kept.length + a.heldOut.length, 100);
  assert.deepEqual(stratifiedSplit(labels, 0.1, 3), a);
  assert.notDeepEqual(stratifiedSplit(labels, 0.1, 4).heldOut, a.heldOut);
  assert.equal(stratifiedSplit(Int32Array.of(0, 1, 1), 0.1, 1).heldOut.length, 1, 'a class of one photo keeps it; others give at least one');
});
