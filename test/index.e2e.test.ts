import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { searchPhotos } from '../src/actions/shared/searchPhotos.ts';
import { decodeImage } from '../src/io/decode.ts';
import { exactKnn } from '../src/ann/flat.ts';
import { createIndex } from '../src/ann/factory.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
let collection: Collection;
let dir: string;

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir();
  collection = Collection.open(path.join(dir, 'bsds'), { create: true });
  const report = await ingest(collection, [path.join(sharedData, 'bsds500/train.tar')], { encoders: ['gist', 'tiny', 'lab-hist'] });
  assert.equal(report.added, 200);
});

async function variants(bytes: Buffer): Promise<Record<string, Buffer>> {
  const meta = await sharp(bytes).metadata();
  const w = meta.width!;
  const h = meta.height!;
  return {
    'exact copy': bytes,
    'horizontal flip': await sharp(bytes).flop().jpeg({ quality: 90 }).toBuffer(),
    '90% crop': await sharp(bytes)
      .extract({ left: Math.round(w * 0.05), top: Math.round(h * 0.05), width: Math.round(w * 0.9), height: Math.round(h * 0.9) })
      .jpeg({ quality: 90 })
      .toBuffer(),
    'quality-50 re-encode': await sharp(bytes).jpeg({ quality: 50 }).toBuffer(),
  };
}

test('a photo, its mirror, a 90% crop and a quality-50 re-encode each find it in the top 5 with gist', { skip }, async () => {
  const photos = collection.photos();
  for (const photo of [photos[3], photos[77], photos[150]]) {
    for (const [name, bytes] of Object.entries(await variants(collection.readPhotoBytes(photo.id)))) {
      const { image } = await decodeImage(bytes, { minSide: 256 });
      const hits = await searchPhotos(collection, image, { encoder: 'gist', k: 5 });
      assert.ok(
        hits.some((h) => h.id === photo.id),
        `${name} of ${photo.path} not in top 5: ${hits.map((h) => h.path).join(', ')}`,
      );
    }
  }
});

test('the exact copy comes first at distance zero, and other photos are farther', { skip }, async () => {
  const photo = collection.photos()[10];
  const { image } = await decodeImage(collection.readPhotoBytes(photo.id), { minSide: 256 });
  const hits = await searchPhotos(collection, image, { encoder: 'gist+tiny+lab-hist:w=2,1,1', k: 3, mirror: false });
  assert.equal(hits[0].id, photo.id);
  assert.ok(hits[0].distance < 1e-3);
  assert.ok(hits[1].distance > 0.05, `second neighbour too close: ${hits[1].distance}`);
});

test('HNSW recall@10 against exact search is at least 0.95 on real CIFAR-10 tiny images', { skip }, async () => {
  const c = Collection.open(path.join(dir, 'cifar'), { create: true });
  await ingest(c, [path.join(sharedData, 'cifar10/test.tar.gz')], { encoders: ['tiny'], limit: 6000 });
  const m = c.descriptorMatrix('tiny');
  assert.ok(m.n >= 5900, `indexed ${m.n}`);
  const index = createIndex('HNSW32', m.dim, 'l2');
  index.add(m.data, Int32Array.from({ length: m.n }, (_, i) => i));
  const nq = 200;
  const queries = m.data.subarray(0, nq * m.dim);
  const exact = exactKnn(m.data, m.n, m.dim, queries, nq, 10, 'l2');
  const approx = index.search(queries, nq, 10);
  let found = 0;
  for (let q = 0; q < nq; q++) {
    const truth = new Set(exact.labels.subarray(q * 10, q * 10 + 10));
    for (const l of approx.labels.subarray(q * 10, q * 10 + 10)) if (truth.has(l)) found++;
  }
  const recall = found / (nq * 10);
  assert.ok(recall >= 0.95, `recall@10 = ${recall}`);
  c.close();
});

test('bad files are skipped with their reason and the good ones are indexed', { skip }, async () => {
  const photos = tmpDir();
  const good = collection.readPhotoBytes(collection.photos()[0].id);
  fs.writeFileSync(path.join(photos, 'good.jpg'), good);
  fs.writeFileSync(path.join(photos, 'copy-of-good.jpg'), good);
  fs.writeFileSync(path.join(photos, 'truncated.jpg'), good.subarray(0, Math.floor(good.length / 3)));
  fs.writeFileSync(path.join(photos, 'notes.jpg'), 'this is not an image\n');
  fs.writeFileSync(path.join(photos, 'empty.png'), '');
  fs.writeFileSync(path.join(photos, 'huge.png'), await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#808080' } }).png().toBuffer());
  const c = Collection.open(path.join(dir, 'bad'), { create: true });
  const report = await ingest(c, [photos], { encoders: ['tiny'], pixelLimit: 4_000_000 });
  assert.equal(report.added, 1);
  assert.equal(report.duplicates, 1);
  const byFile = Object.fromEntries(report.skipped.map((s) => [path.basename(s.path), s.code]));
  assert.deepEqual(byFile, { 'empty.png': 'EMPTY_FILE', 'huge.png': 'TOO_MANY_PIXELS', 'notes.jpg': 'NOT_AN_IMAGE', 'truncated.jpg': 'CORRUPT_IMAGE' });
  assert.equal(c.skippedItems().length, 4);
  // A rerun tries the skipped files again (they might have been fixed meanwhile) and changes nothing else.
  const again = await ingest(c, [photos], { encoders: ['tiny'], pixelLimit: 4_000_000 });
  assert.equal(again.added, 0);
  assert.equal(again.alreadyPresent, 2);
  assert.equal(again.retried, 4);
  assert.equal(again.skipped.length, 4);
  assert.equal(c.skippedItems().length, 4);
  c.close();
});

test('copies that turn up while their original awaits its commit become aliases, not a second photo', { skip }, async () => {
  const photos = tmpDir();
  const src = collection.photos().slice(0, 20);
  for (const p of src) {
    const bytes = collection.readPhotoBytes(p.id);
    fs.writeFileSync(path.join(photos, `a-${p.id}.jpg`), bytes);
    fs.writeFileSync(path.join(photos, `b-${p.id}.jpg`), bytes); // listed after every original
  }
  const c = Collection.open(path.join(dir, 'copies'), { create: true });
  const report = await ingest(c, [photos], { encoders: ['tiny'], threads: 2 });
  assert.equal(report.added, 20);
  assert.equal(report.duplicates, 20);
  assert.equal(report.skipped.length, 0);
  assert.equal(c.aliasCount(), 20);
  c.close();
});

test('killed with SIGKILL mid-ingest, a rerun completes with no duplicates and aligned descriptors', { skip }, async () => {
  const coll = path.join(dir, 'killed');
  const source = path.join(sharedData, 'ot8-64px/images.tar.gz');
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../src/cli/entry.ts'), 'index', source, '--encoders', 'tiny,lab-hist', '--collection', coll, '--quiet'], {
    stdio: 'ignore',
  });
  // Wait until some batches are committed, then kill without warning.
  const deadline = Date.now() + 120_000;
  let committed = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    if (!fs.existsSync(path.join(coll, 'deja.sqlite'))) continue;
    try {
      const c = Collection.open(coll);
      committed = c.count();
      c.close();
    } catch {
      continue; // the child is still creating the schema
    }
    if (committed >= 200) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(committed > 0 && committed < 2078, `killed after ${committed} photos`);
  const r = deja(['index', source, '--encoders', 'tiny,lab-hist', '--collection', coll, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(report.alreadyPresent >= committed);
  const c = Collection.open(coll);
  const total = c.count() + c.aliasCount() + c.skippedItems().length;
  assert.equal(total, 2078);
  for (const spec of ['tiny', 'lab-hist']) {
    const m = c.descriptorMatrix(spec);
    assert.equal(m.n, c.count());
    assert.equal(new Set(m.photoIds).size, m.n);
  }
  c.close();
});

test('CLI: search --json follows the documented schema and --sheet writes a contact sheet', { skip }, async () => {
  const query = path.join(tmpDir(), 'query.jpg');
  fs.writeFileSync(query, collection.readPhotoBytes(collection.photos()[5].id));
  const sheet = path.join(tmpDir(), 'sheet.jpg');
  const r = deja(['search', query, '--collection', collection.dir, '--k', '4', '--json', '--sheet', sheet]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['query', 'encoder', 'results', 'selfInCollection', 'excludedSelf']);
  assert.equal(out.selfInCollection.id, collection.photos()[5].id, 'a copy of a collection photo is found by content');
  assert.equal(out.encoder, 'gist');
  assert.equal(out.results.length, 4);
  assert.deepEqual(Object.keys(out.results[0]), ['id', 'path', 'distance']);
  assert.equal(out.results[0].id, collection.photos()[5].id);
  const meta = await sharp(sheet).metadata();
  assert.ok(meta.width! > 400 && meta.height! > 150);
});

test('CLI: bad input gives one line on stderr, exit code 2 and no stack trace', { skip }, () => {
  const cases: [string[], RegExp][] = [
    [['search', 'no-such-photo.jpg', '--collection', collection.dir], /no such file \(.*no-such-photo\.jpg\)/],
    [['search', path.join(sharedData, 'README.md'), '--collection', collection.dir], /not an image/],
    [['search', path.join(sharedData, 'bsds500/train.tar'), '--collection', tmpDir()], /no Deja collection here/],
    [['search', path.join(sharedData, 'README.md'), '--collection', collection.dir, '--encoder', 'gits'], /unknown encoder "gits": must be one of/],
    [['search', path.join(sharedData, 'README.md'), '--collection', collection.dir, '--k', 'many'], /Expected integer between 1 and 10000 for --k/],
    [['index', '--collection', tmpDir(), 'does/not/exist'], /no such file or folder/],
  ];
  for (const [args, pattern] of cases) {
    const r = deja(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('CLI: duplicates finds the re-encoded copy as a near-duplicate, not unrelated photos', { skip }, async () => {
  const photos = tmpDir();
  const src = collection.photos().slice(0, 6);
  for (const p of src) fs.writeFileSync(path.join(photos, `${p.id}.jpg`), collection.readPhotoBytes(p.id));
  fs.writeFileSync(path.join(photos, 'reencoded.jpg'), await sharp(collection.readPhotoBytes(src[2].id)).resize(240).jpeg({ quality: 70 }).toBuffer());
  const coll = path.join(tmpDir(), 'dups');
  assert.equal(deja(['index', photos, '--encoders', 'tiny', '--collection', coll, '--quiet']).code, 0);
  const r = deja(['duplicates', '--collection', coll, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const { groups } = JSON.parse(r.stdout);
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0].photos.map((p: { path: string }) => path.basename(p.path)).sort(), [`${src[2].id}.jpg`, 'reencoded.jpg']);
});
