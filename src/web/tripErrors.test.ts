/** The errors of a located trip against the photos' GPS, their medians, and how capture times read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LocateSequencePhoto } from './apiTypes.ts';
import { fmt } from './dom.ts';
import { errorSummary, median, photoErrors } from './tripErrors.ts';

const PARIS = { latitude: 48.8566, longitude: 2.3522 };
const LONDON = { latitude: 51.5074, longitude: -0.1278 };
const BERLIN = { latitude: 52.52, longitude: 13.405 };

function photo(over: Partial<LocateSequencePhoto>): LocateSequencePhoto {
  return { path: 'a.jpg', takenAt: '2024-05-20T11:12:24+02:00', trip: 0, single: { ...LONDON, confidence: 0.4, place: 'London, GB' }, sequence: { ...PARIS, place: 'Paris, FR' }, exifGps: PARIS, ...over };
}

test('median takes the middle value, the mean of the middle two for an even count, and null for none', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([3, 1, 2, 10]), 2.5);
  assert.equal(median([7]), 7);
  assert.equal(median([]), null);
});

test('a photo with GPS gets both errors in km; one without GPS or without a trip lacks them', () => {
  const both = photoErrors(photo({}));
  assert.equal(both.sequenceKm, 0);
  assert.ok(both.singleKm! > 340 && both.singleKm! < 348, `Paris to London is about 344 km (got ${both.singleKm})`);
  assert.deepEqual(photoErrors(photo({ exifGps: null })), { sequenceKm: null, singleKm: null });
  const alone = photoErrors(photo({ trip: null, takenAt: null, sequence: null }));
  assert.equal(alone.sequenceKm, null);
  assert.ok(alone.singleKm! > 340);
});

test('errorSummary takes each median over the photos where that error is known', () => {
  const s = errorSummary([
    photo({}), // sequence 0 km, single ≈ 344 km
    photo({ sequence: { ...BERLIN, place: null } }), // sequence ≈ 878 km, single ≈ 344 km
    photo({ trip: null, takenAt: null, sequence: null, single: { ...BERLIN, confidence: 0.2, place: null } }), // single ≈ 878 km
    photo({ exifGps: null }),
  ]);
  assert.equal(s.withGps, 3);
  assert.equal(s.sequence!.count, 2);
  assert.ok(s.sequence!.medianKm > 430 && s.sequence!.medianKm < 450, `mean of 0 and ≈ 878 km (got ${s.sequence!.medianKm})`);
  assert.equal(s.single!.count, 3);
  assert.ok(s.single!.medianKm > 340 && s.single!.medianKm < 348, `the middle of 344, 344, 878 km (got ${s.single!.medianKm})`);
  assert.deepEqual(errorSummary([photo({ exifGps: null })]), { withGps: 0, sequence: null, single: null });
});

test("a capture time reads in the camera's own local time, to the minute", () => {
  assert.equal(fmt.takenAt('2023-10-12T11:54:51+02:00'), '2023-10-12 11:54');
  assert.equal(fmt.takenAt('2023-10-12T23:05:00Z'), '2023-10-12 23:05');
  assert.equal(fmt.takenAt('2023-10-12T08:00:00'), '2023-10-12 08:00');
  assert.equal(fmt.takenAt('not a time'), 'not a time');
});
