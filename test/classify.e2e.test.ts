import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../src/core/rng.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

/** A 48×48 PNG: class `stripes` has horizontal bands in warm colours, class `dots` a cool checker. */
async function synthetic(file: string, cls: 'stripes' | 'dots', rng: Rng, side = 48): Promise<void> {
  const px = Buffer.alloc(side * side * 3);
  const phase = rng.int(8);
  const tint = rng.next() * 40;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const on = cls === 'stripes' ? ((y + phase) >> 2) % 2 === 0 : (((x + phase) >> 3) + ((y + phase) >> 3)) % 2 === 0;
      const noise = rng.int(30);
      const rgb = cls === 'stripes' ? (on ? [220, 120 + tint, 40] : [120, 50, 20]) : on ? [40, 90 + tint, 200] : [20, 40, 90];
      for (let c = 0; c < 3; c++) px[(y * side + x) * 3 + c] = Math.min(255, rgb[c] + noise);
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: side, height: side, channels: 3 } }).png().toFile(file);
}

let dir: string;
let coll: string;

before(async () => {
  dir = tmpDir('deja-classify-');
  const rng = new Rng(1);
  for (const cls of ['stripes', 'dots'] as const)
    for (let i = 0; i < 12; i++) {
      await synthetic(path.join(dir, 'train', cls, `${i}.png`), cls, rng);
      if (i < 4) await synthetic(path.join(dir, 'test', cls, `${i}.png`), cls, rng);
    }
  await synthetic(path.join(dir, 'unlabelled', 'x.png'), 'dots', rng);
  coll = path.join(dir, 'coll');
  const r = deja(['index', '-c', coll, '--encoders', 'tiny,lab-hist', '--label-from-folder', '-q', path.join(dir, 'train')]);
  assert.equal(r.code, 0, r.stderr);
});

test('deja classify labels a held-out photo by k-NN vote with per-label scores that sum to 1', () => {
  const r = deja(['classify', '-c', coll, path.join(dir, 'test/dots/0.png'), '--k', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.label, 'dots');
  const total = out.scores.reduce((s: number, x: { score: number }) => s + x.score, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  assert.equal(out.neighbours.length, 5);
  assert.equal(out.collectionSize, 24);
});

test('deja eval classify reports accuracy per k and a confusion matrix over the test folders', () => {
  const r = deja(['eval', 'classify', '-c', coll, '--test', path.join(dir, 'test'), '-k', '1,3,5', '-e', 'tiny+lab-hist', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tests, 8);
  assert.deepEqual(out.accuracyByK.map((a: { k: number }) => a.k), [1, 3, 5]);
  assert.ok(out.accuracyByK.every((a: { accuracy: number }) => a.accuracy >= 0.75), JSON.stringify(out.accuracyByK));
  assert.equal(out.confusion.counts.reduce((s: number, x: number) => s + x, 0), 8);
  assert.deepEqual(out.classes, ['dots', 'stripes']);
});

test('a collection without labels is refused with a hint to label at index time', () => {
  const bare = path.join(dir, 'bare');
  assert.equal(deja(['index', '-c', bare, '--encoders', 'tiny', '-q', path.join(dir, 'unlabelled')]).code, 0);
  const r = deja(['classify', '-c', bare, path.join(dir, 'test/dots/0.png')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no labelled photos.*--label-from-folder/);
});

test('a photo smaller than the 32×32 thumbnail is refused with a clear message', async () => {
  const small = path.join(dir, 'small.png');
  await synthetic(small, 'dots', new Rng(3), 20);
  const r = deja(['classify', '-c', coll, small]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /20×20, smaller than the 32×32 thumbnail/);
});

test('an encoder the collection lacks is named with the command that adds it', () => {
  const r = deja(['classify', '-c', coll, path.join(dir, 'test/dots/0.png'), '-e', 'tiny-gray']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no tiny-gray descriptors.*deja index --encoders tiny-gray/);
});

test('on real scene photos (ot8-64px, labels.csv) classify answers one of the indexed categories', { skip: !hasSharedData && 'needs ../shared/data' }, async () => {
  const real = path.join(dir, 'ot8');
  // The first 600 members (sorted by category: coast, forest, highway) keep the test fast.
  const ix = deja(['index', '-c', real, '--encoders', 'tiny', '--limit', '600', '--labels', path.join(sharedData, 'ot8-64px/labels.csv'), '-q', path.join(sharedData, 'ot8-64px/images.tar.gz')]);
  assert.equal(ix.code, 0, ix.stderr);
  const query = path.join(dir, 'query.png');
  // A coast photo from the Oliva–Torralba set at 2× (not byte-identical to any collection photo).
  const coast = (await import('../src/io/sources.ts')).listSources([path.join(sharedData, 'ot8-64px/images.tar.gz')]);
  for await (const item of coast) {
    await sharp(item.read()).resize(128, 128).png().toFile(query);
    break;
  }
  const r = deja(['classify', '-c', real, query, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(['coast', 'forest', 'highway'].includes(out.label), out.label);
  // --limit stops at a batch boundary, so a few more than 600 may be indexed.
  assert.ok(out.collectionSize >= 590 && out.collectionSize <= 700, `${out.collectionSize} labelled`);
  assert.equal(out.scores[0].label, out.label);
});
