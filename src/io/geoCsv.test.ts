import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseGeoCsv, readGeoCsv } from './geoCsv.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

test('a headed CSV yields rows with ISO times and reports bad rows by line number', () => {
  const csv = [
    'file,latitude,longitude,datetime_original,utc_offset',
    'a.jpg,39.95,-75.19,2024:09:23 16:06:58,-04:00',
    'b.jpg,,,2024:09:23 16:07:00,',
    'c.jpg,95,10,,',
    '"d, e.jpg",10.5,-181,,',
    'f.jpg,north,10,,',
    '',
    'g.jpg,1.5,2.5,2024-09-23T20:00:00Z,',
    'a.jpg,1,1,,',
    'h.jpg,3,4,yesterday,',
  ].join('\r\n');
  const { rows, problems } = parseGeoCsv(csv);
  assert.deepEqual(rows, [
    { file: 'a.jpg', line: 2, latitude: 39.95, longitude: -75.19, takenAt: '2024-09-23T16:06:58-04:00' },
    { file: 'g.jpg', line: 8, latitude: 1.5, longitude: 2.5, takenAt: '2024-09-23T20:00:00Z' },
    { file: 'h.jpg', line: 10, latitude: 3, longitude: 4 },
  ]);
  assert.deepEqual(problems.map((p) => p.line), [3, 4, 5, 6, 9, 10]);
  assert.match(problems[1].message, /latitude 95, expected a number between -90 and 90/);
  assert.match(problems[2].message, /"d, e.jpg" has longitude -181/);
  assert.match(problems[5].message, /time is ignored/);
});

test('a CSV without a header is read as file, latitude, longitude, time', () => {
  const { rows, problems } = parseGeoCsv('x.jpg;48.1;11.5;2023-07-05 07:53:31\ny.jpg;-33.9;151.2\n');
  assert.equal(problems.length, 0);
  assert.deepEqual(rows[0], { file: 'x.jpg', line: 1, latitude: 48.1, longitude: 11.5, takenAt: '2023-07-05T07:53:31' });
  assert.equal(rows[1].longitude, 151.2);
});

test('a header without coordinate columns is refused with a hint', () => {
  assert.throws(() => parseGeoCsv('file,x,y\na.jpg,1,2\n', 'bad.csv'), /no latitude\/longitude columns.*/);
  assert.throws(() => readGeoCsv('/nonexistent/geo.csv'), /geotag CSV not found/);
});

test('the world street-view CSV reads all 1,183 rows without problems', (t) => {
  const file = path.resolve(repoRoot, '../shared/data/world-streetview/photos.csv');
  if (!fs.existsSync(file)) return t.skip('shared data absent');
  const { rows, problems } = readGeoCsv(file);
  assert.equal(rows.length, 1183);
  assert.equal(problems.length, 0);
  assert.deepEqual(rows[0], { file: '0.jpg', line: 2, latitude: -38.14890723, longitude: 144.3486681 });
});

test('the europe-trips CSV reports its five photos without GPS and keeps times with offsets', (t) => {
  const file = path.resolve(repoRoot, '../shared/data/geotagged-europe-trips/photos.csv');
  if (!fs.existsSync(file)) return t.skip('shared data absent');
  const { rows, problems } = readGeoCsv(file);
  assert.equal(rows.length, 166);
  assert.equal(problems.length, 5);
  assert.match(rows[0].takenAt ?? '', /^2024-10-04T15:35:51\+02:00$/);
});
