import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDejaError } from '../../core/errors.ts';
import { checkMask } from './checkMask.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isDejaError(e)) return `${e.code}: ${e.oneLine()}`;
    throw e;
  }
  return 'ok';
}

test('empty, all-white and nearly all-white masks and tiny photos are refused with one-line messages', () => {
  assert.match(code(() => checkMask(new Uint8Array(64 * 64), 64, 64, 'm.png')), /^BAD_ARGUMENT: mask is empty.*\(m\.png\)/);
  assert.match(code(() => checkMask(new Uint8Array(64 * 64).fill(1), 64, 64)), /^BAD_ARGUMENT: mask is all white/);
  const most = new Uint8Array(64 * 64).fill(1);
  most[0] = 0;
  assert.match(code(() => checkMask(most, 64, 64)), /^BAD_ARGUMENT: mask covers 100\.0%/);
  assert.match(code(() => checkMask(new Uint8Array(20 * 20).fill(1), 20, 20)), /^TOO_SMALL: photo is 20x20/);
});

test('a hole on the border is accepted with a warning and an inner hole without one', () => {
  const m = new Uint8Array(64 * 64);
  m[30 * 64 + 30] = 1;
  assert.deepEqual(checkMask(m, 64, 64), []);
  m[0] = 1;
  const w = checkMask(m, 64, 64);
  assert.equal(w.length, 1);
  assert.match(w[0], /touches the photo border/);
});
