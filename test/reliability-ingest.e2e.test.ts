import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { hasSharedData, repoRoot, sharedData, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const streetview = path.join(sharedData, 'world-streetview');
const streetviewCsv = path.join(streetview, 'photos.csv');
const penn = path.join(sharedData, 'geotagged-penn-campus/images');

/** A JPEG without EXIF made from a real photo, so its bytes differ from the original's. */
async function reencoded(file: string, quality: number): Promise<Buffer> {
  return sharp(fs.readFileSync(file)).jpeg({ quality }).toBuffer();
}

/** A list file naming some street-view photos (their CSV names them by bare file name). */
function streetviewList(dir: string, names: string[]): string {
  const list = path.join(dir, 'few.txt');
  fs.writeFileSync(list, names.map((n) => path.join(streetview, 'images', n)).join('\n'));
  return list;
}

test('CSV rows reach only the photos of the sources indexed: earlier photos with the same file names keep no label and no position', { skip }, async () => {
  const dir = tmpDir();
  for (const [folder, name, src] of [['buildings', '0.jpg', '6.jpg'], ['forest', '1.jpg', '7.jpg'], ['street', '3.jpg', '8.jpg']]) {
    fs.mkdirSync(path.join(dir, 'scenes', folder), { recursive: true });
    fs.writeFileSync(path.join(dir, 'scenes', folder, name), await reencoded(path.join(streetview, 'images', src), 60));
  }
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(c, [path.join(dir, 'scenes')], { encoders: ['tiny'] });
  const r = await ingest(c, [streetviewList(dir, ['0.jpg', '1.jpg', '3.jpg'])], { encoders: ['tiny'], geoCsv: streetviewCsv, labelsCsv: streetviewCsv, labelColumn: 'country' });
  const scenes = c.photos().filter((p) => p.path.includes('/scenes/'));
  assert.equal(scenes.length, 3);
  for (const p of scenes) assert.deepEqual([p.label, p.latitude], [null, null], `${p.path} took a street-view row`);
  const street = c.photos().filter((p) => p.path.startsWith(streetview));
  assert.deepEqual(street.map((p) => p.label), ['Australia', 'Australia', 'Australia']);
  assert.equal(c.photoByPath(path.join(streetview, 'images/0.jpg'))?.latitude, -38.14890723);
  assert.equal(r.geotagged, 3);
  // 1,183 rows, 3 used; the CSV was both --geo and --labels, and each unused row is reported once.
  assert.equal(r.csvProblems.length, 1180);
  assert.ok(r.csvProblems.every((p) => p.kind === 'unmatched' && p.csv === streetviewCsv));
  assert.equal(r.csvProblems[0].line, 5); // 4.jpg, the first row not indexed
  c.close();
});

test('a bare name shared by two photos of the run is reported as ambiguous; a path relative to the CSV picks one', { skip }, async () => {
  const dir = tmpDir();
  for (const [folder, q] of [['A', 50], ['B', 70]] as const) {
    fs.mkdirSync(path.join(dir, folder));
    fs.writeFileSync(path.join(dir, folder, '0.jpg'), await reencoded(path.join(streetview, 'images/0.jpg'), q));
    fs.writeFileSync(path.join(dir, folder, `only-${folder}.jpg`), await reencoded(path.join(streetview, 'images/1.jpg'), q));
  }
  fs.writeFileSync(path.join(dir, 'labels.csv'), 'file,label\n0.jpg,zero\nA/0.jpg,a-zero\nonly-B.jpg,b\n');
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  const r = await ingest(c, [path.join(dir, 'A'), path.join(dir, 'B')], { encoders: ['tiny'], labelsCsv: path.join(dir, 'labels.csv') });
  const labelOf = (rel: string) => c.photoByPath(path.join(dir, rel))?.label;
  assert.deepEqual(['A/0.jpg', 'B/0.jpg', 'A/only-A.jpg', 'B/only-B.jpg'].map(labelOf), ['a-zero', null, null, 'b']);
  assert.deepEqual(r.csvProblems.map((p) => [p.line, p.kind]), [[2, 'ambiguous']]);
  assert.match(r.csvProblems[0].message, /"0.jpg" matches 2 photos/);
  c.close();
});

test("a geotag CSV never replaces a photo's EXIF GPS unless geoOverridesExif is set", { skip }, async () => {
  const dir = tmpDir();
  fs.copyFileSync(path.join(penn, 'img_00000.jpg'), path.join(dir, 'img_00000.jpg'));
  fs.writeFileSync(path.join(dir, 'geo.csv'), 'file,latitude,longitude\nimg_00000.jpg,10,20\n');
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  const kept = await ingest(c, [path.join(dir, 'img_00000.jpg')], { encoders: ['tiny'], geoCsv: path.join(dir, 'geo.csv') });
  const photo = () => c.photos()[0];
  assert.ok(Math.abs(photo().latitude! - 39.9516483) < 1e-6, `EXIF latitude replaced by ${photo().latitude}`);
  assert.deepEqual([kept.geotagged, kept.geoKeptExif], [0, 1]);
  const replaced = await ingest(c, [path.join(dir, 'img_00000.jpg')], { encoders: ['tiny'], geoCsv: path.join(dir, 'geo.csv'), geoOverridesExif: true });
  assert.deepEqual([photo().latitude, photo().longitude], [10, 20]);
  assert.deepEqual([replaced.geotagged, replaced.geoKeptExif, replaced.alreadyPresent], [1, 0, 1]);
  c.close();
});

test('photos already present from an earlier run of the same sources, and exact copies, take the CSV rows', { skip }, async () => {
  const dir = tmpDir();
  const list = streetviewList(dir, ['0.jpg', '1.jpg']);
  fs.mkdirSync(path.join(dir, 'copies'));
  fs.copyFileSync(path.join(streetview, 'images/3.jpg'), path.join(dir, 'copies/3.jpg'));
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(c, [list, path.join(streetview, 'images/3.jpg')], { encoders: ['tiny'] });
  // 3.jpg is stored under the street-view path; this run finds only its copy.
  const r = await ingest(c, [list, path.join(dir, 'copies')], { encoders: ['tiny'], geoCsv: streetviewCsv });
  assert.deepEqual([r.added, r.alreadyPresent, r.duplicates, r.geotagged], [0, 2, 1, 3]);
  assert.ok(c.photos().every((p) => p.latitude !== null));
  c.close();
});

test('--rebuild tiny with another encoder alongside reproduces the tiny descriptors bit for bit', { skip }, async () => {
  const dir = tmpDir();
  for (const f of fs.readdirSync(penn).slice(0, 6)) fs.copyFileSync(path.join(penn, f), path.join(dir, f));
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  await ingest(c, [dir], { encoders: ['tiny'] });
  const before = c.descriptorMatrix('tiny');
  await ingest(c, [dir], { encoders: ['tiny', 'lab-hist'], rebuild: ['tiny'] });
  const after = c.descriptorMatrix('tiny');
  const rowsById = (m: typeof before) => new Map([...m.photoIds].map((id, r) => [id, m.data.slice(r * m.dim, (r + 1) * m.dim)]));
  assert.equal(after.n, 6);
  assert.deepEqual(rowsById(after), rowsById(before));
  c.close();
});

test('truncated photos decoded in parallel are skipped as truncated, never with "Unknown error"', { skip }, async () => {
  const dir = tmpDir();
  for (const f of fs.readdirSync(penn).slice(0, 12)) {
    const b = fs.readFileSync(path.join(penn, f));
    for (const k of [4, 9]) fs.writeFileSync(path.join(dir, `${k}-${f}`), b.subarray(0, Math.floor((b.length * k) / 13)));
  }
  const c = Collection.open(path.join(dir, 'c'), { create: true });
  const r = await ingest(c, [dir], { encoders: ['tiny'], threads: 4 });
  assert.equal(r.skipped.length, 24);
  for (const s of r.skipped) assert.match(s.reason, /^truncated JPEG: the file ends before its end-of-image marker/, s.path);
  c.close();
});

test('CLI: a missing source and a FIFO are skipped with their reasons and the rest of the batch is indexed', { skip: (!hasSharedData && 'needs ../shared/data') || (process.platform === 'win32' && 'no FIFOs') }, () => {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'photos'));
  for (const f of ['0.jpg', '1.jpg']) fs.copyFileSync(path.join(streetview, 'images', f), path.join(dir, 'photos', f));
  execFileSync('mkfifo', [path.join(dir, 'photos', 'pipe.jpg')]);
  fs.writeFileSync(path.join(dir, 'list.txt'), 'photos/pipe.jpg\n/dev/zero\n');
  const args = ['index', '-c', path.join(dir, 'c'), '--encoders', 'tiny', '--quiet', '--geo', streetviewCsv, path.join(dir, 'gone.jpg'), path.join(dir, 'photos'), path.join(dir, 'list.txt')];
  // A child with a time limit: reading a FIFO blocks, and /dev/zero never ends.
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 90_000 });
  assert.equal(r.status, 0, r.stderr || String(r.error));
  assert.match(r.stdout, /indexed 2 new photo/);
  assert.match(r.stdout, /skipped .*gone\.jpg: no such file or folder/);
  assert.match(r.stdout, /skipped .*pipe\.jpg: not a regular file: a FIFO/);
  assert.match(r.stdout, /skipped \/dev\/zero: not a regular file: a character device/);
  assert.match(r.stdout, /geotagged from CSV: 2/);
  assert.match(r.stdout, /CSV rows matching no photo of these sources: 1181, matching several: 0/);
  assert.match(r.stdout, /photos\.csv line 4: "3\.jpg" matches no photo of the sources indexed/);
});

test('CLI: when no source exists, one line on stderr and no collection folder is created', () => {
  const dir = tmpDir();
  const coll = path.join(dir, 'new-collection');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), 'index', '-c', coll, path.join(dir, 'a.jpg'), path.join(dir, 'b')], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^deja: no such file or folder \(.*a\.jpg\) — pass photo folders/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(fs.existsSync(coll), false);
});
