import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestPlace } from './placeName.ts';

test('the nearest place to landmarks is the expected city, within a few km', () => {
  assert.equal(nearestPlace(48.8584, 2.2945)?.name, 'Paris');
  assert.equal(nearestPlace(51.5, -0.12)?.name, 'London');
  const colosseum = nearestPlace(41.8902, 12.4922);
  assert.equal(colosseum?.country, 'IT');
  assert.ok((colosseum?.distanceKm ?? 99) < 5);
  const penn = nearestPlace(39.9522, -75.1932);
  assert.equal(penn?.country, 'US');
  assert.ok((penn?.distanceKm ?? 99) < 10);
  // Across the antimeridian: Fiji's Taveuni island sits at 179.9°E.
  const fiji = nearestPlace(-16.85, -179.95);
  assert.equal(fiji?.country, 'FJ');
});

test('no place is returned in the middle of the Pacific', () => {
  assert.equal(nearestPlace(-40, -130), undefined);
});
