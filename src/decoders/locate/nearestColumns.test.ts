import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestColumns } from './nearestColumns.ts';

test('nearest columns skip excluded ones and come back ascending', () => {
  const d = Float32Array.of(5, 1, 3, 0, 2, 9, 9, 9);
  const { columns, distances } = nearestColumns(d, 0, 4, 3, Uint8Array.of(0, 0, 0, 1));
  assert.deepEqual(Array.from(columns), [1, 2, 0]);
  assert.deepEqual(Array.from(distances), [1, 3, 5]);
});
