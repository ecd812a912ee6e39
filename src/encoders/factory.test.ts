import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createEncoder, createEncoderResolved, parseCombinedSpec, parseEncoderSpec } from './factory.ts';
import { DejaError } from '../core/errors.ts';
import { createImage } from '../core/image.ts';

test('encoder specs build encoders of the documented dimension', () => {
  const table: [string, string, number][] = [
    ['tiny', 'tiny', 3072],
    ['tiny-gray', 'tiny-gray', 1024],
    ['tiny(size=16)', 'tiny(size=16)', 768],
    ['tiny(norm=0)', 'tiny(norm=0)', 3072],
    ['lab-hist', 'lab-hist', 784],
    ['gist', 'gist', 1536],
    ['gist-gray', 'gist-gray', 512],
    ['gist-lear', 'gist-lear', 960],
  ];
  for (const [spec, canonical, dim] of table) {
    const e = createEncoder(spec);
    assert.equal(e.dim, dim, spec);
    assert.equal(e.spec, canonical, spec);
  }
});

test('combined specs split on + outside parentheses and take weights after :w=', () => {
  assert.deepEqual(parseCombinedSpec('gist+tiny:w=2,1'), [
    { spec: 'gist', weight: 2 },
    { spec: 'tiny', weight: 1 },
  ]);
  assert.deepEqual(parseCombinedSpec('cnn(model=a+b.onnx)+lab-hist'), [
    { spec: 'cnn(model=a+b.onnx)', weight: 1 },
    { spec: 'lab-hist', weight: 1 },
  ]);
  assert.deepEqual(parseEncoderSpec('tiny( size = 16 )'), { name: 'tiny', options: { size: '16' } });
});

test('unknown encoders, options and malformed weights are refused with the valid choices', () => {
  assert.throws(() => createEncoder('gits'), (e: unknown) => e instanceof DejaError && /must be one of \[.*gist.*\]/.test(e.message));
  assert.throws(() => createEncoder('tiny(colour=1)'), (e: unknown) => e instanceof DejaError && /must be one of \[size, norm\]/.test(e.message));
  assert.throws(() => parseCombinedSpec('gist+tiny:w=2'), DejaError);
  assert.throws(() => createEncoder('tiny(size=1000)'), /Expected integer between 4 and 128/);
});

test('the cnn encoder runs the shipped ONNX model and returns a unit-norm embedding', async () => {
  const model = path.resolve(import.meta.dirname, '../../models/tiny-cnn.onnx');
  const e = await createEncoderResolved(`cnn(model=${model},size=64)`);
  assert.equal(e.dim, 32);
  assert.equal(e.metric, 'cosine');
  assert.match(e.spec, /^cnn\(model=tiny-cnn\.onnx,sha=[0-9a-f]{12},size=64\)$/);
  const img = createImage(80, 60, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 97) / 97;
  const v = await e.encode(img);
  const norm = Math.hypot(...v);
  assert.ok(Math.abs(norm - 1) < 1e-5);
  const w = await e.encode({ ...img, data: img.data.map((x) => 1 - x) });
  const cos = v.reduce((s, x, i) => s + x * w[i], 0);
  assert.ok(cos < 0.999, 'different images give different embeddings');
  await assert.rejects(createEncoderResolved('cnn(model=missing.onnx)'), (err: unknown) => err instanceof DejaError && err.code === 'NOT_FOUND');
});
