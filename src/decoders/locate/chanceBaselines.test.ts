import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantPriorEstimates, randomGuessAgainstTest } from './chanceBaselines.ts';
import { collectionMedoid, geoPrior } from './geoPrior.ts';

// Collection: two photos in Paris (2 km apart) and one in Tokyo. Test: one photo in Tokyo, held-out nothing.
const refLat = [48.85, 48.868, 35.68];
const refLon = [2.35, 2.35, 139.7];

test('the random guess scores a random collection position against each test photo, not the collection against itself', () => {
  const tokyo = randomGuessAgainstTest(refLat, refLon, { latitude: [35.69], longitude: [139.69], exclude: () => [] }, [25, 20000]);
  // One of three collection photos is within 25 km of the Tokyo test photo; the collection guessing itself gives (½ + ½ + 0) / 3.
  assert.ok(Math.abs(tokyo.shares[0] - 1 / 3) < 1e-12, `${tokyo.shares[0]}`);
  assert.equal(tokyo.shares[1], 1);
  assert.equal(tokyo.n, 1);
  assert.ok(tokyo.medianKm > 9000 && tokyo.medianKm < 10500, `median ${tokyo.medianKm}`);
});

test('the random guess never guesses a held-out photo and is sampled close to exact for large sets', () => {
  const held = randomGuessAgainstTest(refLat, refLon, { latitude: [35.68], longitude: [139.7], exclude: () => [2] }, [25]);
  assert.equal(held.shares[0], 0, 'the Tokyo photo itself is held out');
  const lat: number[] = [];
  const lon: number[] = [];
  for (let i = 0; i < 300; i++) (lat.push(((i * 37) % 140) - 60), lon.push(((i * 91) % 360) - 180));
  const t = { latitude: lat.slice(0, 100), longitude: lon.slice(0, 100), exclude: (q: number) => [q] };
  const exact = randomGuessAgainstTest(lat, lon, t, [5000]);
  const sampled = randomGuessAgainstTest(lat, lon, t, [5000], 10_000);
  assert.ok(Math.abs(exact.shares[0] - sampled.shares[0]) < 0.03, `${exact.shares[0]} vs ${sampled.shares[0]}`);
  assert.ok(Math.abs(exact.medianKm - sampled.medianKm) / exact.medianKm < 0.05);
});

test('the constant prior guesses the medoid, recomputed without the held-out photos', () => {
  const prior = geoPrior(refLat, refLon);
  assert.ok([0, 1].includes(collectionMedoid(prior)), 'a Paris photo minimises the summed distance');
  const mask = Uint8Array.of(1, 1, 0);
  assert.equal(collectionMedoid(prior, mask), 2, 'with Paris held out only Tokyo is left');
  assert.equal(collectionMedoid(prior, Uint8Array.of(1, 1, 1)), -1);
  const e = constantPriorEstimates(refLat, refLon, 2, (q) => (q === 0 ? 0 : -1));
  assert.deepEqual([e.latitude[0], e.longitude[0], e.latitude[1]], [48.85, 2.35, 90]);
});
