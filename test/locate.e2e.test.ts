import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { haversineKm } from '../src/math/greatCircle.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

// The Penn campus set (61 photos, ~600 m across, EXIF GPS + times) indexed with the two fast descriptors.
const skip = !hasSharedData && 'needs ../shared/data';
const ENC = ['tiny', 'lab-hist'];
let dir: string;
let coll: string;
let images: string;

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-locate-');
  coll = path.join(dir, 'penn');
  images = path.join(sharedData, 'geotagged-penn-campus/images');
  const c = Collection.open(coll, { create: true });
  const report = await ingest(c, [images], { encoders: ENC, threads: 2 });
  c.close();
  assert.equal(report.added, 61);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('deja locate puts a campus photo on campus, leaves the photo itself out, and draws a map', { skip }, async () => {
  const photo = path.join(images, 'img_00010.jpg');
  const map = path.join(dir, 'where.png');
  const r = deja(['locate', photo, '-c', coll, '-e', ENC.join('+'), '--json', '--map', map]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.excludedSelf, true);
  assert.ok(out.exifGps, 'the photo has EXIF GPS to compare with');
  const err = haversineKm(out.estimate.latitude, out.estimate.longitude, out.exifGps.latitude, out.exifGps.longitude);
  assert.ok(err < 0.6, `error ${err} km`);
  assert.ok(out.estimate.confidence > 0 && out.estimate.confidence <= 1);
  assert.match(out.estimate.place, /Philadelphia|University City|, US$/);
  assert.equal(out.neighbours.length, 8);
  assert.ok(out.neighbours.every((n: { path: string }) => !n.path.endsWith('img_00010.jpg')));
  const meta = await sharp(map).metadata();
  assert.equal(meta.width, 1200);
  assert.equal(meta.height, 900, 'a campus map is regional (4:3), not the world');
});

test('deja locate --method planet answers a PlaNet cell learned from the collection; the campus photo lands on campus', { skip }, () => {
  const photo = path.join(images, 'img_00010.jpg');
  const r = deja(['locate', photo, '-c', coll, '-e', ENC.join('+'), '--method', 'planet', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.method, 'planet');
  assert.ok(out.planet.cells >= 2 && out.planet.cell >= 0 && out.planet.cell < out.planet.cells, JSON.stringify(out.planet));
  assert.equal(out.planet.trainedOn <= 60, true, 'the photo itself is left out of the classifier\'s training photos');
  assert.equal(out.estimate.confidence, out.planet.probability);
  const err = haversineKm(out.estimate.latitude, out.estimate.longitude, out.exifGps.latitude, out.exifGps.longitude);
  assert.ok(err < 1.5, `a ~600 m campus: error ${err} km`);
  const text = deja(['locate', photo, '-c', coll, '-e', ENC.join('+'), '--method', 'planet']);
  assert.match(text.stdout, /PlaNet: cell \d+ of \d+ \(probability \d+%\)/);
  const bad = deja(['locate', photo, '-c', coll, '--method', 'planets']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /im2gps.*planet/);
  const seq = deja(['locate', '--sequence', images, '-c', coll, '--method', 'planet']);
  assert.equal(seq.code, 2);
  assert.match(seq.stderr, /--sequence decodes trips with im2gps/);
});

test('deja locate --sequence decodes trips, skips a broken file and lists photos without a capture time', { skip }, async () => {
  const seq = path.join(dir, 'walk');
  fs.mkdirSync(seq);
  for (const f of ['img_00012.jpg', 'img_00013.jpg', 'img_00014.jpg', 'img_00016.jpg']) fs.copyFileSync(path.join(images, f), path.join(seq, f));
  fs.writeFileSync(path.join(seq, 'broken.jpg'), Buffer.from('not a jpeg at all'));
  await sharp(path.join(images, 'img_00020.jpg')).jpeg().toFile(path.join(seq, 'no-exif.jpg')); // sharp drops EXIF by default
  const r = deja(['locate', '--sequence', seq, '-c', coll, '-e', ENC.join('+'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.trips, 1);
  assert.equal(out.photos.length, 5);
  assert.deepEqual(out.withoutTime.map((p: string) => path.basename(p)), ['no-exif.jpg']);
  assert.equal(out.skipped.length, 1);
  assert.match(out.skipped[0].reason, /not an image/);
  for (const p of out.photos.filter((x: { sequence: unknown }) => x.sequence))
    assert.ok(haversineKm(p.sequence.latitude, p.sequence.longitude, 39.952, -75.193) < 1.5, `${p.path} off campus`);
});

test('deja eval locate prints the im2gps table with random, per-descriptor, combined and sequence rows', { skip }, () => {
  const r = deja(['eval', 'locate', '-c', coll, '--encoders', ENC.join(','), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tested, 61);
  const methods = out.rows.map((x: { method: string; descriptor: string }) => `${x.method} | ${x.descriptor}`);
  assert.ok(methods.includes('random guess (collection GPS) | -'));
  assert.ok(methods.includes('constant prior (collection medoid) | -'));
  assert.ok(methods.some((m: string) => m.startsWith('kNN mean-shift + collection prior') && m.endsWith('tiny+lab-hist')));
  // --json: stdout is the JSON alone (parsed above), progress goes to stderr.
  assert.match(r.stderr, /locating test photos: 61\/61/);
  assert.ok(methods.includes('1-NN | tiny'));
  assert.ok(methods.some((m: string) => m.startsWith('kNN mean-shift') && m.endsWith('tiny+lab-hist')));
  assert.ok(methods.some((m: string) => m.startsWith('sequence HMM')));
  const random = out.rows[0];
  const combined = out.rows.find((x: { method: string; descriptor: string }) => x.method.startsWith('kNN') && x.descriptor === 'tiny+lab-hist');
  // On a campus everything is within 1 km; scene matching must beat chance at 100 m, and not be perfect.
  assert.equal(random.shares[2], 1);
  assert.ok(combined.shares[1] > random.shares[1] + 0.1, `combined ${combined.shares[1]} vs random ${random.shares[1]}`);
  assert.ok(combined.shares[0] < 0.95);
  assert.ok(out.latencyMs > 0 && out.latencyMs < 1000);
});

test('deja eval locate --test with a CSV reports bad rows by line and evaluates the rest', { skip }, () => {
  const csv = path.join(dir, 'test.csv');
  fs.writeFileSync(csv, [
    'file,latitude,longitude',
    `${path.join(images, 'img_00001.jpg')},39.9514550,-75.1919433`,
    `${path.join(images, 'img_00002.jpg')},139.95,-75.19`,
    `${path.join(images, 'img_00005.jpg')},39.9516,-75.1920`,
  ].join('\n'));
  const r = deja(['eval', 'locate', '-c', coll, '--encoders', ENC.join(','), '--test', csv, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tested, 2);
  assert.equal(out.skipped.length, 1);
  assert.match(out.skipped[0].path, /:3$/);
  assert.match(out.skipped[0].reason, /latitude 139.95/);
});

test('locating against a collection without geotagged photos fails with one clear line', { skip }, async () => {
  const bare = path.join(dir, 'bare');
  const c = Collection.open(bare, { create: true });
  await ingest(c, [path.join(dir, 'walk/no-exif.jpg')], { encoders: ENC, threads: 1 });
  c.close();
  const r = deja(['locate', path.join(images, 'img_00001.jpg'), '-c', bare, '-e', ENC.join('+')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^deja: the collection has no geotagged photos .*deja index --geo/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
