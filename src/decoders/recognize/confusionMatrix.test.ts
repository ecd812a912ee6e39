import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, confusionMarkdown, confusionMatrix, perClassAccuracy } from './confusionMatrix.ts';

test('confusion counts, accuracy and per-class recall agree with a hand count', () => {
  const m = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, -1], ['cat', 'dog', 'ship']);
  assert.deepEqual(Array.from(m.counts), [1, 1, 0, 0, 2, 0, 0, 0, 0]);
  assert.equal(m.unpredicted, 1);
  assert.equal(accuracy(m), 3 / 5);
  const r = perClassAccuracy(m);
  assert.equal(r[0], 0.5);
  assert.equal(r[1], 1);
  assert.ok(Number.isNaN(r[2]));
});

test('the markdown table has a row per true class with its recall, and – for a class without queries', () => {
  const md = confusionMarkdown(confusionMatrix([0, 1, 1], [0, 0, 1], ['cat', 'dog', 'ship']));
  const lines = md.split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[3], /^\| dog \| 1 \| 1 \| 0 \| 50\.0% \|$/);
  assert.match(lines[4], /^\| ship \| 0 \| 0 \| 0 \| – \|$/);
});
