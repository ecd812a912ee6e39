import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitTrips } from './splitTrips.ts';

test('photos split into trips at gaps longer than the limit, each in time order', () => {
  const h = 3.6e6;
  const trips = splitTrips([5 * h, 0, 100 * h, 1 * h, 101 * h, 300 * h], 24);
  assert.deepEqual(trips.map((t) => Array.from(t)), [[1, 3, 0], [2, 4], [5]]);
  assert.deepEqual(splitTrips([], 24), []);
});

test('a gap exactly at the limit does not split a trip', () => {
  assert.equal(splitTrips([0, 24 * 3.6e6], 24).length, 1);
});
