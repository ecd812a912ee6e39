import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { OnnxModel, onnxModel } from './onnxSession.ts';
import { assertProviderAvailable, cudaInstalled, parseExecutionProvider } from './executionProvider.ts';
import { dynamicBatchCnnModel, sumProductModel } from './fixtureModels.ts';
import { readOnnxSignature } from './onnxSignature.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-nn-'));
const sumProduct = path.join(dir, 'sum-product.onnx');
fs.writeFileSync(sumProduct, sumProductModel());
const cnn = path.join(dir, 'cnn.onnx');
fs.writeFileSync(cnn, dynamicBatchCnnModel(12));
const tinyCnn = path.resolve(import.meta.dirname, '../../models/tiny-cnn.onnx');

test('a model with two inputs and two outputs returns both outputs by name from one run', async () => {
  const m = onnxModel(sumProduct);
  const a = Float32Array.from({ length: 12 }, (_, i) => i - 5);
  const b = Float32Array.from({ length: 12 }, (_, i) => 0.5 * i);
  const out = await m.runBatch({ a: { data: a, dims: [3, 4] }, b: { data: b, dims: [3, 4] } });
  assert.deepEqual(Object.keys(out).sort(), ['prod', 'sum']);
  assert.deepEqual(out.sum.dims, [3, 4]);
  assert.deepEqual([...out.sum.data], [...a].map((x, i) => x + b[i]));
  assert.deepEqual([...out.prod.data], [...a].map((x, i) => x * b[i]));
  const only = await m.runBatch({ a: { data: a, dims: [3, 4] }, b: { data: b, dims: [3, 4] } }, ['prod']);
  assert.deepEqual(Object.keys(only), ['prod']);
  assert.deepEqual((await m.metadata()).outputs, [
    { name: 'sum', shape: ['N', 4] },
    { name: 'prod', shape: ['N', 4] },
  ]);
});

test('a batch of N rows gives the same values as N runs of one row', async () => {
  const m = onnxModel(cnn, { threads: 2 });
  const n = 5;
  const per = 3 * 16 * 16;
  const data = Float32Array.from({ length: n * per }, (_, i) => Math.sin(i * 0.37));
  const batch = await m.run(data, [n, 3, 16, 16]);
  assert.deepEqual(batch.dims, [n, 12]);
  for (let i = 0; i < n; i++) {
    const one = await m.run(data.slice(i * per, (i + 1) * per), [1, 3, 16, 16]);
    for (let j = 0; j < 12; j++) assert.ok(Math.abs(one.data[j] - batch.data[i * 12 + j]) < 1e-5, `row ${i} value ${j}`);
  }
  const spread = Math.max(...batch.data) - Math.min(...batch.data);
  assert.ok(spread > 1e-3, 'the rows are not all the same');
});

test('missing, unknown and mis-sized inputs and unknown outputs are refused with the valid names', async () => {
  const m = onnxModel(sumProduct);
  const t = { data: new Float32Array(4), dims: [1, 4] };
  const refused = (pattern: RegExp) => (e: unknown) => e instanceof DejaError && pattern.test(e.message);
  await assert.rejects(m.runBatch({ a: t }), refused(/model input "b" not given: it takes \[a, b\]/));
  await assert.rejects(m.runBatch({ a: t, b: t, c: t }), refused(/no input "c": must be one of \[a, b\]/));
  await assert.rejects(m.runBatch({ a: t, b: t }, ['mean']), refused(/no output "mean": must be one of \[sum, prod\]/));
  await assert.rejects(m.runBatch({ a: t, b: { data: new Float32Array(3), dims: [1, 4] } }), refused(/Expected 4 values for input b/));
  await assert.rejects(m.runBatch({ a: t, b: { data: new Float32Array(5), dims: [1, 5] } }), (e: unknown) => e instanceof DejaError && e.code === 'MODEL_ERROR');
});

test('the thread count and execution provider are checked when the model is made', () => {
  assert.throws(() => new OnnxModel(cnn, { threads: 0 }), /Expected integer between 1 and 64 for threads but received 0/);
  assert.throws(() => parseExecutionProvider('tpu'), /must be one of \[cpu, cuda\]/);
  assert.throws(
    () => assertProviderAvailable('cuda', () => false),
    (e: unknown) => e instanceof DejaError && e.code === 'MODEL_ERROR' && /cuda is not available/.test(e.message) && /provider=cpu/.test(e.hint ?? ''),
  );
  assert.doesNotThrow(() => assertProviderAvailable('cpu', () => false));
  if (!cudaInstalled()) assert.throws(() => new OnnxModel(cnn, { provider: 'cuda' }), /cuda is not available on this machine/);
});

test('the graph signature is read from the file without a session, symbolic batch included', () => {
  assert.deepEqual(readOnnxSignature(fs.readFileSync(tinyCnn)), {
    inputs: [{ name: 'image', shape: [1, 3, 64, 64] }],
    outputs: [{ name: 'embedding', shape: [1, 32] }],
  });
  assert.deepEqual(readOnnxSignature(dynamicBatchCnnModel(7, { symbolicDim: true })), {
    inputs: [{ name: 'pixels', shape: ['N', 3, 16, 16] }],
    outputs: [{ name: 'features', shape: ['N', 'D'] }],
  });
  assert.throws(() => readOnnxSignature(new TextEncoder().encode('not a model')));
});
