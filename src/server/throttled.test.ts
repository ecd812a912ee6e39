import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Throttled } from './throttled.ts';

test('Throttled shares one read among concurrent callers and within its window, then reads again; a failed read is not kept', async () => {
  let t = 0;
  let reads = 0;
  let fail = false;
  const value = new Throttled(async () => {
    reads++;
    if (fail) throw new Error('down');
    return reads;
  }, 1000, () => t);
  assert.deepEqual(await Promise.all([value.get(), value.get(), value.get()]), [1, 1, 1]);
  t = 999;
  assert.equal(await value.get(), 1);
  assert.equal(reads, 1);
  t = 1000;
  fail = true;
  await assert.rejects(value.get(), /down/);
  fail = false;
  assert.equal(await value.get(), 3);
});
