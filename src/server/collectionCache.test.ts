import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Collection } from '../store/collection.ts';
import { collectionCache } from './collectionCache.ts';

test('the cache keeps at most its bound of keys, dropping the least recently loaded first', async () => {
  let photos = 10;
  const cached = collectionCache({ generation: () => photos } as unknown as Collection, 2);
  let loads = 0;
  const load = (key: string) => cached(key, async () => `${key}${++loads}`);
  assert.equal(await load('a'), 'a1');
  assert.equal(await load('a'), 'a1', 'a hit does not load again');
  await load('b');
  await load('c');
  assert.equal(await load('b'), 'b2', 'b is still held');
  assert.equal(await load('a'), 'a4', 'a was dropped for c');
  photos = 11;
  assert.equal(await load('a'), 'a5', 'a collection changed since loads again');
});
