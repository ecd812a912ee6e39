import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmaxRows, decodeLogits, softmaxRows, topK } from './networkClassifier.ts';

test('softmax rows sum to 1, match exp ratios, and survive huge logits', () => {
  const p = softmaxRows(Float32Array.of(0, Math.log(3), 1000, 1000 + Math.log(4)), 2, 2);
  assert.ok(Math.abs(p[0] - 0.25) < 1e-7 && Math.abs(p[1] - 0.75) < 1e-7);
  assert.ok(Math.abs(p[2] - 0.2) < 1e-5 && Math.abs(p[3] - 0.8) < 1e-5, 'no overflow at 1000');
  assert.throws(() => softmaxRows([0, 1, 2], 2, 2), /sizes/);
});

test('top-k orders by probability, ties by class order, and never past the class count', () => {
  assert.deepEqual(topK([0.1, 0.6, 0.3], 2), [1, 2]);
  assert.deepEqual(topK([0.5, 0.5, 0], 3), [0, 1, 2]);
  assert.deepEqual(topK([0.2, 0.8], 9), [1, 0]);
});

test('decoded logits name the arg-max class first with its softmax probability', () => {
  const [a, b] = decodeLogits(Float32Array.of(2, 0, 0, 0, 0, 5), 2, ['cat', 'dog', 'ship'], 2);
  assert.equal(a.label, 'cat');
  assert.deepEqual(a.scores.map((s) => s.label), ['cat', 'dog']);
  assert.ok(Math.abs(a.scores[0].score - Math.exp(2) / (Math.exp(2) + 2)) < 1e-7);
  assert.equal(b.label, 'ship');
  const { predicted, confidence } = argmaxRows(softmaxRows(Float32Array.of(2, 0, 0, 0, 0, 5), 2, 3), 2, 3);
  assert.deepEqual([...predicted], [0, 2]);
  assert.ok(Math.abs(confidence[1] - b.scores[0].score) < 1e-12);
});
