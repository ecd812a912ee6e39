import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isDejaError } from '../core/errors.ts';
import { SfmDatabase, type StoredFeatures } from './sfmDatabase.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-sfmdb-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const features = (count: number, seed: number): StoredFeatures => ({
  count,
  keypoints: Float32Array.from({ length: 4 * count }, (_, i) => seed + i * 0.25),
  responses: Float32Array.from({ length: count }, (_, i) => 1 / (i + seed)),
  descriptors: Float32Array.from({ length: 128 * count }, (_, i) => Math.sin(i + seed)),
  report: { octaves: 5, extrema: count, oriented: count, ms: { total: 1 } },
});

test('features and matches round-trip bit for bit, keyed by photo and parameters, in a new folder', () => {
  const file = path.join(dir, 'new', 'folder', 'database.sqlite');
  const db = SfmDatabase.open(file);
  const f = features(7, 3);
  db.putFeatures([{ photo: 'aa', params: 'p1', features: f }]);
  const back = db.features('aa', 'p1')!;
  assert.deepEqual(back, f);
  assert.equal(db.features('aa', 'p2'), null, 'another parameter set is a miss');
  assert.equal(db.features('bb', 'p1'), null);
  const match = { count: 3, pairs: Int32Array.of(0, 5, 1, 2, 6, 0), distances: Float32Array.of(0.1, 0.2, 0.3), inliers: Uint8Array.of(1, 0, 1), inlierCount: 2, configuration: 'uncalibrated' };
  db.putMatches([{ a: 'aa', b: 'bb', params: 'm', match }, { a: 'aa', b: 'cc', params: 'm', match: { ...match, inliers: null, inlierCount: 0, configuration: 'degenerate' } }]);
  assert.deepEqual(db.match('aa', 'bb', 'm'), match);
  assert.equal(db.match('bb', 'aa', 'm'), null, 'order matters: the indices are a’s then b’s');
  assert.equal(db.match('aa', 'cc', 'm')!.inliers, null);
  db.close();
  const again = SfmDatabase.open(file);
  assert.deepEqual(again.features('aa', 'p1'), f, 'kept across opens');
  assert.deepEqual(again.counts(), { features: 1, matches: 2 });
  again.close();
});

test('an entry written twice, or by two connections, is kept once', () => {
  const file = path.join(dir, 'shared.sqlite');
  const a = SfmDatabase.open(file), b = SfmDatabase.open(file);
  a.putFeatures([{ photo: 'x', params: 'p', features: features(2, 1) }]);
  b.putFeatures([{ photo: 'x', params: 'p', features: features(2, 9) }, { photo: 'y', params: 'p', features: features(1, 1) }]);
  assert.deepEqual(a.counts(), { features: 2, matches: 0 });
  assert.deepEqual(b.features('x', 'p'), features(2, 1), 'the first write stays');
  a.close();
  b.close();
});

test('a file that is not a Deja SfM database is refused with one line naming it', () => {
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello, this is not SQLite at all '.repeat(40));
  const other = path.join(dir, 'other.sqlite');
  const db = new Database(other);
  db.exec('CREATE TABLE t (x)');
  db.close();
  for (const file of [text, other]) {
    assert.throws(() => SfmDatabase.open(file), (e: unknown) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && /not a Deja SfM database/.test(e.message) && e.oneLine().includes(file) && !e.oneLine().includes('\n'));
  }
  assert.equal(fs.readFileSync(text, 'utf8').startsWith('hello'), true, 'the file is left as it was');
});
