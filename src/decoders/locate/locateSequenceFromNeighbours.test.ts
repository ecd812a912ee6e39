import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haversineKm } from '../../math/greatCircle.ts';
import { locateFromNeighbours } from './locateFromNeighbours.ts';
import { locateSequenceFromNeighbours, type SequencePhoto } from './locateSequenceFromNeighbours.ts';

// Three photos an hour apart in Barcelona. The middle one looks like Buenos Aires (4 of 6 neighbours),
// with Barcelona its second mode; alone it is placed in Argentina, in the sequence the travel prior
// (10,000 km in an hour) brings it back to Spain.
const BCN = [41.39, 2.17];
const BUE = [-34.6, -58.38];
function photo(hour: number, where: number[][]): SequencePhoto {
  const latitude = where.map((p) => p[0]);
  const longitude = where.map((p) => p[1]);
  const distance = where.map((_, i) => 1 + i * 0.01);
  const neighbours = { latitude, longitude, distance };
  return { neighbours, estimate: locateFromNeighbours(neighbours, { bandwidthKm: 50, weighting: 'uniform' }), timeMs: Date.UTC(2024, 5, 1, 9 + hour) };
}

test('the travel prior pulls an ambiguous middle photo back to where its neighbours in time were', () => {
  const photos = [
    photo(0, [BCN, BCN, BCN, BUE, BCN, BCN]),
    photo(1, [BUE, BUE, BCN, BUE, BCN, BUE]),
    photo(2, [BCN, BCN, BUE, BCN, BCN, BCN]),
  ];
  assert.ok(haversineKm(photos[1].estimate.latitude, photos[1].estimate.longitude, BUE[0], BUE[1]) < 1, 'single-photo estimate is Buenos Aires');
  const seq = locateSequenceFromNeighbours(photos, { bandwidthKm: 50 });
  for (let t = 0; t < 3; t++) assert.ok(haversineKm(seq.latitude[t], seq.longitude[t], BCN[0], BCN[1]) < 1, `photo ${t} at ${seq.latitude[t]}, ${seq.longitude[t]}`);
  assert.equal(seq.candidates.latitude.length, 2);
});

test('after a long gap the sequence may move to another continent when the photos say so', () => {
  const photos = [photo(0, [BCN, BCN, BCN, BCN]), photo(200, [BUE, BUE, BUE, BCN])];
  const seq = locateSequenceFromNeighbours(photos, { bandwidthKm: 50 });
  assert.ok(haversineKm(seq.latitude[1], seq.longitude[1], BUE[0], BUE[1]) < 1);
});
