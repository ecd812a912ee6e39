import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { DejaError } from '../src/core/errors.ts';
import { hasSharedData, sharedData, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const penn = path.join(sharedData, 'geotagged-penn-campus/images');

test('EXIF GPS, capture time and camera are read from real phone photos', { skip }, async () => {
  const c = Collection.open(tmpDir(), { create: true });
  await ingest(c, [penn], { encoders: ['tiny'] });
  const csv = fs.readFileSync(path.join(sharedData, 'geotagged-penn-campus/photos.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const row = csv[1].split(',');
  const file = row[header.indexOf('file')];
  const p = c.photos().find((x) => x.path.endsWith(file))!;
  assert.ok(Math.abs(p.latitude! - Number(row[header.indexOf('latitude')])) < 1e-5);
  assert.ok(Math.abs(p.longitude! - Number(row[header.indexOf('longitude')])) < 1e-5);
  assert.equal(p.takenAt!.slice(0, 19), row[header.indexOf('datetime_original')].replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T'));
  assert.ok(p.camera && p.camera.length > 2);
  c.close();
});

test('an encoder added later is computed for the photos already there, and --rebuild recomputes one', { skip }, async () => {
  const c = Collection.open(tmpDir(), { create: true });
  await ingest(c, [penn], { encoders: ['tiny'] });
  const r = await ingest(c, [penn], { encoders: ['tiny', 'lab-hist'] });
  assert.equal(r.added, 0);
  assert.equal(r.backfilled, 61);
  assert.equal(c.descriptorMatrix('lab-hist').n, 61);
  const rowOf = (id: number) => {
    const m = c.descriptorMatrix('tiny');
    const r = m.photoIds.indexOf(id);
    return m.data.slice(r * m.dim, (r + 1) * m.dim);
  };
  const id = c.photos()[7].id;
  const before = rowOf(id);
  const rebuilt = await ingest(c, [penn], { encoders: ['tiny'], rebuild: ['tiny'] });
  assert.deepEqual(rebuilt.rebuilt, [{ spec: 'tiny', recomputed: 61, kept: [], dropped: [] }]);
  assert.equal(c.descriptorMatrix('tiny').n, 61);
  assert.deepEqual(rowOf(id), before);
  c.close();
});

test('labels come from folder names or a CSV, and geotags from a CSV with bad rows reported by line', { skip }, async () => {
  const c = Collection.open(tmpDir(), { create: true });
  await ingest(c, [path.join(sharedData, 'ot8-64px/images.tar.gz')], { encoders: ['tiny'], labelsCsv: path.join(sharedData, 'ot8-64px/labels.csv'), limit: 300 });
  const labels = new Set(c.photos().map((p) => p.label));
  assert.ok(labels.size >= 2 && !labels.has(null), `labels ${[...labels]}`);
  for (const p of c.photos().slice(0, 50)) assert.ok(p.path.includes(`/${p.label}_`), `${p.path} labelled ${p.label}`);
  const dir = tmpDir();
  const csv = path.join(dir, 'geo.csv');
  const files = c.photos().slice(0, 3).map((p) => p.path.split('#')[1]);
  fs.writeFileSync(csv, `file,latitude,longitude\n${files[0]},48.85,2.35\n${files[1]},91,2\n${files[2]},,\n`);
  const r = await ingest(c, [path.join(sharedData, 'ot8-64px/images.tar.gz')], { encoders: ['tiny'], geoCsv: csv, limit: 1 });
  assert.equal(r.geotagged, 1);
  assert.deepEqual(r.geoProblems.map((p) => p.line), [3, 4]);
  c.close();
});

test('a missing labels CSV is refused before any photo is read', async () => {
  const c = Collection.open(tmpDir(), { create: true });
  await assert.rejects(ingest(c, [tmpDir()], { labelsCsv: 'no/such/labels.csv' }), (e: unknown) => e instanceof DejaError && e.code === 'NOT_FOUND');
  c.close();
});

test('a folder without photos is refused with the kinds of input that count', async () => {
  const c = Collection.open(tmpDir(), { create: true });
  await assert.rejects(ingest(c, [tmpDir()], { encoders: ['tiny'] }), (e: unknown) => e instanceof DejaError && e.code === 'NO_DATA' && /\.jpg/.test(e.hint ?? ''));
  c.close();
});

test('--label-column takes labels from any CSV column (street view: the country), and a wrong one is named', { skip }, async () => {
  const dir = tmpDir();
  const csv = path.join(sharedData, 'world-streetview/photos.csv');
  const list = path.join(dir, 'few.txt');
  const files = ['0.jpg', '1.jpg', '3.jpg'].map((f) => path.join(sharedData, 'world-streetview/images', f));
  fs.writeFileSync(list, files.join('\n'));
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(c, [list], { encoders: ['tiny'], labelsCsv: csv, labelColumn: 'country' });
  assert.deepEqual(c.photos().map((p) => p.label), ['Australia', 'Australia', 'Australia']);
  await assert.rejects(ingest(c, [list], { encoders: ['tiny'], labelsCsv: csv, labelColumn: 'continent' }), (e: DejaError) => {
    assert.match(e.message, /a "continent" column; found \[file, latitude, longitude, country/);
    return true;
  });
  c.close();
});
