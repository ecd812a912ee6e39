import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FifoGate } from './fifoGate.ts';

test('FifoGate lets `limit` run at once and the rest in arrival order', async () => {
  const gate = new FifoGate(2);
  const order: string[] = [];
  let running = 0;
  let most = 0;
  const task = (name: string, ms: number) =>
    gate.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return name;
    });
  const results = await Promise.all([task('a', 30), task('b', 5), task('c', 1), task('d', 1), task('e', 1)]);
  assert.deepEqual(results, ['a', 'b', 'c', 'd', 'e']);
  assert.equal(most, 2);
  assert.deepEqual(order, ['start a', 'start b', 'start c', 'start d', 'start e']);
});

test('FifoGate frees its place when the work throws', async () => {
  const gate = new FifoGate(1);
  await assert.rejects(gate.run(async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await gate.run(async () => 7), 7);
});
