import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { dotBlock } from './dotBlock.ts';
import { fastDotBlock } from './fastDotBlock.ts';

test('fastDotBlock matches dotBlock on odd shapes (rows, columns and dimension not multiples of 4 or 8)', () => {
  const rng = new Rng(2);
  const dim = 1037;
  const a = Float32Array.from({ length: 300 * dim }, () => rng.normal());
  const b = Float32Array.from({ length: 13 * dim }, () => rng.normal());
  const want = new Float64Array(259 * 11);
  const got = new Float64Array(259 * 11).fill(Number.NaN);
  dotBlock(a, 3, 259, b, 1, 11, dim, want);
  fastDotBlock(a, 3, 259, b, 1, 11, dim, got);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-3, `${i}: ${got[i]} vs ${want[i]}`);
});
