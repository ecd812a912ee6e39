import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

// 16 street-view photos (geotagged, labelled with their country), indexed first with the old default
// encoders and then again with the new ones: the second run backfills tiny-gray.
const skip = !hasSharedData && 'needs ../shared/data';
const N = 16;
let dir: string;
let coll: string;
let images: string;
let photo: string;
let first: { code: number; stdout: string; stderr: string };
let second: { code: number; stdout: string; stderr: string };

before(() => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-cli-');
  coll = path.join(dir, 'sv');
  images = path.join(sharedData, 'world-streetview/images');
  photo = path.join(images, '0.jpg');
  const csv = path.join(sharedData, 'world-streetview/photos.csv');
  const meta = ['--geo', csv, '--labels', csv, '--label-column', 'country', '--threads', '2', '--limit', String(N)];
  first = deja(['index', images, '-c', coll, '-e', 'gist,tiny,lab-hist', ...meta, '--json']);
  second = deja(['index', images, '-c', coll, ...meta, '--limit', '1', '--json']);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const oneLine = (r: { code: number; stderr: string }, pattern: RegExp) => {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^deja: /);
  assert.match(lines[0], pattern);
};

test('deja index prints its ETA on stderr after the first batch, and --json stdout stays JSON', { skip }, () => {
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).added, N);
  assert.match(first.stderr, new RegExp(`^indexing ${N} photos, about \\d+(\\.\\d)? (s|min|h) at \\d+\\.\\d photos/s$`, 'm'));
});

test('the default encoders include tiny-gray, a rerun backfills it, and colorize then works', { skip }, () => {
  assert.equal(second.code, 0, second.stderr);
  const r = JSON.parse(second.stdout);
  assert.ok(r.encoders.some((e: { spec: string }) => e.spec === 'tiny-gray'), JSON.stringify(r.encoders));
  assert.equal(r.backfilled, N, 'every earlier photo gets its tiny-gray descriptor');
  const help = deja(['index', '--help']).stdout;
  assert.match(help.replace(/\s+/g, ' '), /gist,tiny,lab-hist,tiny-gray/);
  const out = path.join(dir, 'colour.gif');
  const c = deja(['colorize', photo, '-c', coll, '-k', '3', '-o', out]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(fs.readFileSync(out).subarray(0, 4).toString('latin1'), 'GIF8', '.gif is written as GIF, not PNG bytes');
});

test('output files with an extension Deja cannot write, or in a missing folder, are refused in one line and not created', { skip }, () => {
  const bmp = path.join(dir, 'o.bmp');
  oneLine(deja(['colorize', photo, '-c', coll, '-o', bmp]), /\.bmp.*\.png, \.jpg, \.jpeg, \.webp, \.gif/);
  assert.ok(!fs.existsSync(bmp));
  const txt = path.join(dir, 'sheet.txt');
  oneLine(deja(['search', photo, '-c', coll, '--sheet', txt]), /--sheet cannot write "\.txt" files/);
  assert.ok(!fs.existsSync(txt));
  const missing = path.join(dir, 'no', 'such', 'dir');
  oneLine(deja(['search', photo, '-c', coll, '--sheet', path.join(missing, 's.jpg')]), /folder of --sheet does not exist/);
  assert.ok(!fs.existsSync(path.join(dir, 'no')), 'no folder is created');
  oneLine(deja(['locate', photo, '-c', coll, '--map', path.join(dir, 'm.jpg')]), /--map cannot write "\.jpg" files.*\.png/);
  const png = path.join(dir, 'sheet.png');
  assert.equal(deja(['search', photo, '-c', coll, '-k', '2', '--sheet', png]).code, 0);
  assert.deepEqual([...fs.readFileSync(png).subarray(1, 4)], [...Buffer.from('PNG')], 'a .png sheet is PNG');
});

test("commander's parse errors print as one deja: line with a hint to --help, and --help marks required options", () => {
  oneLine(deja(['search']), /missing required argument 'photo' — see `deja search --help`/);
  oneLine(deja(['search', 'x.jpg', '--bogus']), /unknown option '--bogus'.*deja search --help/);
  oneLine(deja(['eval', 'classify']), /required option '-t, --test <paths...>' not specified — see `deja eval classify --help`/);
  const help = deja(['colorize', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /-o, --out <file>\s+required: output image/);
  assert.doesNotMatch(help.stdout, /-k, --k <n>\s+required/);
});

test('search, classify and locate report a query that is in the collection the same way and leave it out with --exclude-self', { skip }, () => {
  const run = (args: string[]) => {
    const r = deja([...args, photo, '-c', coll, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const s = run(['search', '-k', '3']);
  const c = run(['classify', '-k', '3']);
  const l = run(['locate']);
  for (const r of [s, c, l]) {
    assert.equal(r.query, photo, 'the query path is absolute');
    assert.deepEqual(r.selfInCollection, s.selfInCollection);
  }
  assert.equal(s.selfInCollection.path, photo);
  assert.equal(s.results[0].id, s.selfInCollection.id, 'search keeps it by default, at distance ~0');
  assert.equal(s.excludedSelf, false);
  assert.equal(l.excludedSelf, true, 'locate leaves it out by default (its own position would answer)');
  const se = run(['search', '-k', '3', '--exclude-self']);
  assert.equal(se.results.length, 3);
  assert.ok(se.results.every((h: { id: number }) => h.id !== s.selfInCollection.id));
  const ce = run(['classify', '-k', '3', '--exclude-self']);
  assert.ok(ce.excludedSelf && ce.neighbours.every((n: { id: number }) => n.id !== s.selfInCollection.id));
  assert.equal(run(['locate', '--no-exclude-self']).excludedSelf, false);
  const note = (args: string[]) => deja([...args, photo, '-c', coll]).stderr.trim();
  assert.match(note(['search', '-k', '2']), /^deja: note: the photo is itself in the collection \(#\d+ .*0\.jpg\); it is among its neighbours \(--exclude-self leaves it out\)$/);
  assert.equal(note(['classify', '-k', '2']), note(['search', '-k', '2']));
  assert.equal(note(['locate']), note(['search', '-k', '2', '--exclude-self']));
});
