import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { completePhoto } from '../src/actions/complete.ts';
import { listSources } from '../src/io/sources.ts';
import { decodeFile } from '../src/io/decode.ts';
import { isDejaError } from '../src/core/errors.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const ENCODER = 'gist(size=64)';
let dir: string;
let photo: string;

async function writeMask(file: string, w: number, h: number, hole: (x: number, y: number) => boolean): Promise<string> {
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = hole(x, y) ? 255 : 0;
  await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(file);
  return file;
}

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-complete-');
  const c = Collection.open(path.join(dir, 'scenes'), { create: true });
  // About 100 intel-scenes photos (buildings) as the collection; the 250th member, not in it, is the query.
  const report = await ingest(c, [path.join(sharedData, 'intel-scenes/train.tar.gz')], { encoders: [ENCODER], limit: 80 });
  assert.ok(report.added >= 80 && report.added < 200, `added ${report.added}`);
  c.close();
  let i = 0;
  for await (const s of listSources([path.join(sharedData, 'intel-scenes/train.tar.gz')])) {
    if (++i < 250) continue;
    photo = path.join(dir, 'query.jpg');
    fs.writeFileSync(photo, s.read());
    break;
  }
  await writeMask(path.join(dir, 'rect.png'), 150, 150, (x, y) => x >= 55 && x < 100 && y >= 50 && y < 95);
  await writeMask(path.join(dir, 'small.png'), 150, 100, (x, y) => x > 50 && x < 60 && y > 40 && y < 50);
  await writeMask(path.join(dir, 'empty.png'), 150, 150, () => false);
  await writeMask(path.join(dir, 'white.png'), 150, 150, () => true);
  await writeMask(path.join(dir, 'border.png'), 150, 150, (x, y) => x < 30 && y > 60 && y < 90);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('deja complete fills the hole from the collection and writes ranked completions, a grid and a JSON report', { skip }, async () => {
  const out = path.join(dir, 'out');
  const r = deja(['complete', photo, '--mask', path.join(dir, 'rect.png'), '-c', path.join(dir, 'scenes'), '-e', ENCODER, '--k', '3', '--scenes', '25', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.results.length, 3);
  assert.equal(report.bandRadius, 25);
  assert.ok(Math.abs(report.holeFraction - (45 * 45) / (150 * 150)) < 1e-9);
  for (let i = 0; i < 3; i++) {
    const c = report.results[i];
    assert.equal(c.rank, i + 1);
    assert.match(c.source.path, /intel-scenes\/train\.tar\.gz#train\//);
    assert.ok([0.81, 0.9, 1].includes(c.placement.scale));
    for (const k of ['scene', 'context', 'contextColor', 'contextTexture', 'seam']) assert.ok(Number.isFinite(c.terms[k]) && c.terms[k] >= 0, k);
    if (i > 0) assert.ok(c.score >= report.results[i - 1].score, 'ranked by score');
    assert.ok(fs.existsSync(c.file));
  }
  assert.ok(fs.existsSync(path.join(out, 'grid.jpg')));
  // The completion keeps the photo outside hole ∪ band and changes the hole.
  const original = (await decodeFile(photo)).image;
  const done = (await decodeFile(report.results[0].file)).image;
  assert.equal(done.width, 150);
  let far = 0;
  let inside = 0;
  for (let y = 0; y < 150; y++)
    for (let x = 0; x < 150; x++) {
      const d = Math.abs(done.data[y * 150 + x] - original.data[y * 150 + x]);
      if (x < 20 || x > 130 || y < 15 || y > 125) far = Math.max(far, d);
      if (x >= 60 && x < 95 && y >= 55 && y < 90) inside += d;
    }
  assert.ok(far <= 1 / 255 + 1e-6, `pixels far from the hole changed by ${far}`);
  assert.ok(inside / (35 * 35) > 0.01, 'the hole is filled with new content');
  fs.rmSync(out, { recursive: true });
});

test('a mask of another size with --mask-fit refuse and an empty collection are one-line errors with exit code 2 and write nothing', { skip }, () => {
  const out = path.join(dir, 'bad-out');
  const bad = deja(['complete', photo, '--mask', path.join(dir, 'small.png'), '--mask-fit', 'refuse', '-c', path.join(dir, 'scenes'), '--out', out]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^deja: mask is 150x100 but the photo is 150x150 \(.*small\.png\) — make a 150x150 mask/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  Collection.open(path.join(dir, 'empty'), { create: true }).close();
  const empty = deja(['complete', photo, '--mask', path.join(dir, 'rect.png'), '-c', path.join(dir, 'empty'), '--out', out]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^deja: the collection has no photos/);
  assert.ok(!fs.existsSync(out), 'nothing written');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('empty and all-white masks are refused, a border hole is filled with a warning', { skip }, async () => {
  const c = Collection.open(path.join(dir, 'scenes'));
  try {
    for (const [mask, msg] of [
      ['empty.png', /mask is empty/],
      ['white.png', /mask is all white/],
    ] as const) {
      await assert.rejects(
        completePhoto(c, photo, { mask: path.join(dir, mask), encoder: ENCODER, k: 1 }),
        (e) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && msg.test(e.message),
      );
    }
    const r = await completePhoto(c, photo, { mask: path.join(dir, 'border.png'), encoder: ENCODER, k: 2, scenes: 10 });
    assert.equal(r.results.length, 2);
    assert.ok(r.warnings.some((w) => /touches the photo border/.test(w)));
    const d = await completePhoto(null, photo, { mask: path.join(dir, 'rect.png'), method: 'diffusion' });
    assert.equal(d.results.length, 1);
    assert.equal(d.results[0].source, null);
  } finally {
    c.close();
  }
});

test('above the approximate threshold, HNSW candidates feed the same exact masked re-rank', { skip }, async () => {
  const c = Collection.open(path.join(dir, 'scenes'));
  try {
    const mask = path.join(dir, 'rect.png');
    const exact = await completePhoto(c, photo, { mask, encoder: ENCODER, k: 2, scenes: 10 });
    const approx = await completePhoto(c, photo, { mask, encoder: ENCODER, k: 2, scenes: 10, approximateAbove: 10 });
    // Candidates (5000) cover this small collection, so the approximate stage must not change the answer.
    assert.deepEqual(
      approx.results.map((r) => r.source?.id),
      exact.results.map((r) => r.source?.id),
    );
    assert.ok(fs.readdirSync(path.join(dir, 'scenes', 'indexes')).some((f) => f.endsWith('.idx')), 'the HNSW index is persisted');
  } finally {
    c.close();
  }
});

/** One 512×512 irregular mask of the shared set, written as a PNG file. */
async function irregularMask(file: string): Promise<string> {
  for await (const s of listSources([path.join(sharedData, 'irregular-masks/masks.tar')])) {
    fs.writeFileSync(file, s.read());
    return file;
  }
  throw new Error('no mask in masks.tar');
}

test('--mask-fit stretch (the default) completes a real photo with a 512x512 irregular mask, with a one-line note; refuse gives the old error', { skip }, async () => {
  const mask = await irregularMask(path.join(dir, 'irregular.png'));
  assert.deepEqual([(await sharp(mask).metadata()).width, (await sharp(mask).metadata()).height], [512, 512]);
  const portrait = path.join(sharedData, 'geotagged-penn-campus/images/img_00000.jpg');
  const { width, height } = await sharp(portrait).metadata();
  assert.deepEqual([width, height], [480, 640]);
  const out = path.join(dir, 'stretch-out');
  const r = deja(['complete', portrait, '--mask', mask, '--method', 'diffusion', '--max-side', '96', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const notes = r.stderr.split('\n').filter((l) => l.startsWith('deja: note:'));
  assert.equal(notes.length, 1, r.stderr);
  assert.match(notes[0], /mask irregular\.png is 512x512: stretched to the photo's 480x640 \(aspect ratios differ by 33 %/);
  const report = JSON.parse(r.stdout);
  assert.equal(report.note, notes[0].replace('deja: note: ', ''));
  assert.equal(report.results.length, 1);
  assert.deepEqual([report.width, report.height], [96, 128]);
  // The irregular masks cover roughly 1–60 % of the frame; a stretch keeps that fraction.
  assert.ok(report.holeFraction > 0.005 && report.holeFraction < 0.7, `hole ${report.holeFraction}`);
  assert.ok(fs.existsSync(path.join(out, 'completion-01.png')));
  const refused = deja(['complete', portrait, '--mask', mask, '--mask-fit', 'refuse', '--method', 'diffusion']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^deja: mask is 512x512 but the photo is 480x640 \(.*irregular\.png\) — make a 480x640 mask/);
  assert.equal(refused.stderr.trim().split('\n').length, 1);
  // Same aspect ratio (a square mask on a square photo): stretched without a note.
  const square = await completePhoto(null, photo, { mask, method: 'diffusion' });
  assert.equal(square.note, null);
  assert.equal(square.results.length, 1);
});
