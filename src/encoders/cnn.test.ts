import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { createImage, toGray, type Image } from '../core/image.ts';
import { dynamicBatchCnnModel } from '../nn/fixtureModels.ts';
import { cudaInstalled } from '../nn/executionProvider.ts';
import { encodeBatch } from './encoder.ts';
import { createEncoder } from './factory.ts';

const tinyCnn = path.resolve(import.meta.dirname, '../../models/tiny-cnn.onnx');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-cnn-'));
const dynamic = path.join(dir, 'dynamic.onnx');
fs.writeFileSync(dynamic, dynamicBatchCnnModel(12));
const symbolic = path.join(dir, 'symbolic.onnx');
fs.writeFileSync(symbolic, dynamicBatchCnnModel(7, { symbolicDim: true }));

function photos(n: number): Image[] {
  return Array.from({ length: n }, (_, k) => {
    const img = createImage(40 + 7 * k, 30 + 3 * k, 3);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (Math.sin(i * (0.01 + 0.013 * k)) + 1) / 2;
    return img;
  });
}

test('the cnn encoder knows its dimension at creation, from the card or the ONNX graph, without a run', () => {
  const byPath = createEncoder(`cnn(model=${tinyCnn})`);
  assert.equal(byPath.dim, 32, 'from the tiny-cnn card');
  assert.equal(byPath.inputSize, 64, 'the card gives the input size');
  assert.equal(byPath.spec, createEncoder(`cnn(model=${tinyCnn},size=64)`).spec, 'the card default is the same spec as the explicit size');
  assert.equal(createEncoder('cnn(model=tiny-cnn)').spec, byPath.spec, 'a model may be named by its card');
  const uncarded = createEncoder(`cnn(model=${dynamic})`);
  assert.equal(uncarded.dim, 12, "from the graph's output shape [N, 12]");
  assert.equal(uncarded.inputSize, 16, "from the graph's input shape [N, 3, 16, 16]");
  assert.match(uncarded.spec, /^cnn\(model=dynamic\.onnx,sha=[0-9a-f]{12},size=16\)$/);
  assert.throws(() => createEncoder(`cnn(model=${symbolic})`), (e: unknown) => e instanceof DejaError && /not fixed/.test(e.message) && /dim=/.test(e.hint ?? ''));
  assert.equal(createEncoder(`cnn(model=${symbolic},dim=7)`).dim, 7, 'dim= covers an output whose size is symbolic');
  assert.throws(() => createEncoder(`cnn(model=${dynamic},dim=10)`), /Expected dim=12 for output features of shape \[N, 12\] but received dim=10/);
  assert.throws(() => createEncoder(`cnn(model=${tinyCnn},size=224)`), /Expected size=64x64 for this model but received size=224/);
  assert.throws(() => createEncoder(`cnn(model=${tinyCnn},output=logits)`), /no output "logits": must be one of \[embedding\]/);
});

test('a batch of N photos encodes to the same unit vectors as N single photos', async () => {
  for (const spec of [`cnn(model=${dynamic},batch=3)`, `cnn(model=${tinyCnn})`]) {
    const e = createEncoder(spec);
    assert.ok(e.encodeBatch, spec);
    const list = photos(7);
    const batch = await encodeBatch(e, list);
    assert.equal(batch.length, 7);
    for (let k = 0; k < list.length; k++) {
      const one = await e.encode(list[k]);
      assert.equal(one.length, e.dim);
      assert.ok(Math.abs(Math.hypot(...one) - 1) < 1e-5, 'unit norm');
      for (let j = 0; j < e.dim; j++) assert.ok(Math.abs(one[j] - batch[k][j]) < 1e-5, `${spec} photo ${k} value ${j}`);
    }
    const cos = batch[0].reduce((s, x, j) => s + x * batch[6][j], 0);
    assert.ok(cos < 0.9999, `${spec}: different photos give different embeddings`);
  }
});

test('encoders without their own batch encode a batch one photo at a time, to the same values', async () => {
  const e = createEncoder('tiny(size=8)');
  assert.equal(e.encodeBatch, undefined);
  const list = photos(3);
  const batch = await encodeBatch(e, list);
  for (let k = 0; k < list.length; k++) assert.deepEqual(batch[k], await e.encode(list[k]));
});

test('threads and provider choose how the model runs and stay out of the spec; cuda without CUDA is refused', () => {
  const base = createEncoder(`cnn(model=${dynamic})`);
  assert.equal(createEncoder(`cnn(model=${dynamic},threads=2)`).spec, base.spec);
  assert.throws(() => createEncoder(`cnn(model=${dynamic},provider=tpu)`), /must be one of \[cpu, cuda\]/);
  assert.throws(() => createEncoder(`cnn(model=${dynamic},threads=0)`), /Expected integer between 1 and 64 for threads/);
  if (cudaInstalled()) assert.equal(createEncoder(`cnn(model=${dynamic},provider=cuda)`).spec, base.spec);
  else
    assert.throws(
      () => createEncoder(`cnn(model=${dynamic},provider=cuda)`),
      (e: unknown) => e instanceof DejaError && e.code === 'MODEL_ERROR' && /cuda is not available on this machine/.test(e.message),
    );
});

test('gray=1 describes a colour photo and its intensity alike, and is part of the spec', async () => {
  const colour = createEncoder(`cnn(model=${tinyCnn})`);
  const gray = createEncoder(`cnn(model=${tinyCnn},gray=1)`);
  assert.match(gray.spec, /gray=1/);
  assert.doesNotMatch(colour.spec, /gray/);
  const [photo] = photos(1);
  const luma = toGray(photo);
  const a = await gray.encode(photo);
  const b = await gray.encode(luma);
  for (let j = 0; j < gray.dim; j++) assert.ok(Math.abs(a[j] - b[j]) < 1e-5, `value ${j}`);
  const c = await colour.encode(photo);
  assert.ok(c.some((x, j) => Math.abs(x - a[j]) > 1e-4), 'without gray=1 the colours count');
  assert.throws(() => createEncoder(`cnn(model=${tinyCnn},gray=yes)`), (e: unknown) => e instanceof DejaError && /gray/.test(e.message));
});
