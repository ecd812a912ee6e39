/**
 * The store's reliability promises, each a regression test of a defect once reproduced on main:
 * one writer and many readers on one collection, resumable after kill -9, read-only collections, a
 * full disk, rebuilds that keep what they cannot recompute, and photos that changed or moved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { searchPhotos } from '../src/actions/shared/searchPhotos.ts';
import { verifyCollection } from '../src/actions/verify.ts';
import { relinkPhotos } from '../src/actions/relink.ts';
import { decodeImage } from '../src/io/decode.ts';
import { CANONICAL_MIN_SIDE } from '../src/actions/encode/encodePhoto.ts';
import { createServer } from '../src/server/app.ts';
import { deja, hasSharedData, repoRoot, sharedData, tmpDir } from './helpers.ts';

const skip = !hasSharedData && 'needs ../shared/data';
const entry = path.join(repoRoot, 'src/cli/entry.ts');
const streetview = path.join(sharedData, 'world-streetview/images');
const ot8 = path.join(sharedData, 'ot8-64px/images.tar.gz');
const bsds = path.join(sharedData, 'bsds500/train.tar');

/** A folder holding copies of the first `n` street-view photos. */
function photoFolder(n: number, offset = 0): string {
  const dir = tmpDir('deja-rel-photos-');
  for (const f of fs.readdirSync(streetview).sort().slice(offset, offset + n)) fs.copyFileSync(path.join(streetview, f), path.join(dir, f));
  return dir;
}

function spawnDeja(args: string[]): { child: ChildProcess; done: Promise<{ code: number; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const done = new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, stderr, stdout })));
  return { child, done };
}

/** Path → descriptor bytes, to compare collections built different ways. */
function vectorsByPath(c: Collection, spec: string): Map<string, string> {
  const m = c.descriptorMatrix(spec);
  const out = new Map<string, string>();
  for (let i = 0; i < m.n; i++) out.set(c.photo(m.photoIds[i])!.path, Buffer.from(m.data.buffer, m.data.byteOffset + i * m.dim * 4, m.dim * 4).toString('base64'));
  return out;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function count(dir: string): number {
  if (!fs.existsSync(path.join(dir, 'deja.sqlite'))) return 0;
  try {
    const c = Collection.open(dir);
    const n = c.count();
    c.close();
    return n;
  } catch {
    return 0;
  }
}

test('readers searching in a loop during an ingest, and a second ingest, corrupt nothing', { skip }, async () => {
  const photos = streetview;
  const coll = path.join(tmpDir(), 'c');
  const writer = spawnDeja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet', '--threads', '1']);
  await waitFor(() => count(coll) > 0, 60_000);
  // A second writer is refused at once, naming the first.
  const second = deja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /^deja: the collection is being written by process \d+/);
  assert.equal(second.stderr.trim().split('\n').length, 1);
  // A reader in this process reads committed snapshots the whole time; the old store truncated the
  // writer's synced but uncommitted rows on open, misaligning every later row.
  let reads = 0;
  let exited = false;
  void writer.done.then(() => (exited = true));
  let last = 0;
  while (!exited) {
    const c = Collection.open(coll);
    try {
      const m = c.descriptorMatrix('tiny');
      assert.ok(m.n >= last, 'a reader never sees fewer rows than before');
      last = m.n;
      if (m.n) {
        const probe = m.photoIds[m.n - 1];
        const { image } = await decodeImage(c.readPhotoBytes(probe), { minSide: CANONICAL_MIN_SIDE });
        const [hit] = await searchPhotos(c, image, { encoder: 'tiny', k: 1, exact: true, mirror: false });
        assert.equal(hit.id, probe, 'the last committed photo finds itself');
      }
      reads++;
    } finally {
      c.close();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const w = await writer.done;
  assert.equal(w.code, 0, w.stderr);
  assert.ok(reads >= 3, `only ${reads} reads during the ingest`);
  // Every descriptor is bit-identical to a clean, lonely ingest of the same photos.
  const clean = Collection.open(path.join(tmpDir(), 'clean'), { create: true });
  await ingest(clean, [photos], { encoders: ['tiny'], threads: 1 });
  const c = Collection.open(coll);
  assert.equal(c.count(), clean.count());
  assert.deepEqual(vectorsByPath(c, 'tiny'), vectorsByPath(clean, 'tiny'));
  c.close();
  clean.close();
});

test('two ingests started at once on a new collection: one indexes, the other is refused in one line', { skip }, async () => {
  const photos = photoFolder(40);
  const coll = path.join(tmpDir(), 'new');
  const a = spawnDeja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']);
  const b = spawnDeja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']);
  const results = await Promise.all([a.done, b.done]);
  for (const r of results) assert.doesNotMatch(r.stderr, /already exists|internal error|UNIQUE/);
  const ok = results.filter((r) => r.code === 0);
  assert.ok(ok.length >= 1, results.map((r) => r.stderr).join('\n'));
  for (const r of results.filter((x) => x.code !== 0)) assert.match(r.stderr, /being written by process \d+/);
  assert.equal(count(coll), 40);
});

test('20 kills (SIGKILL) during an ingest: the rerun ends with every descriptor bit-identical to a clean run', { skip }, async () => {
  const coll = path.join(tmpDir(), 'killed');
  // Killed at random moments: before its first commit, mid-batch, between batches.
  const seen: number[] = [];
  for (let kill = 0; kill < 20; kill++) {
    const before = count(coll);
    const run = spawnDeja(['index', ot8, '-c', coll, '--encoders', 'tiny', '--quiet', '--threads', '1']);
    await new Promise((r) => setTimeout(r, 1200 + Math.random() * 2500));
    // Every fourth run waits for a commit of its own first (then dies mid-batch or between batches), so
    // a loaded machine, where starting the CLI alone can outlast the random delay, still sees progress.
    for (const t0 = Date.now(); kill % 4 === 3 && count(coll) === before && Date.now() - t0 < 30_000; ) await new Promise((r) => setTimeout(r, 100));
    if (kill % 4 === 3) await new Promise((r) => setTimeout(r, Math.random() * 400));
    run.child.kill('SIGKILL');
    await run.done;
    seen.push(count(coll));
  }
  assert.ok(seen.some((n) => n > 0) && seen[seen.length - 1] < 2078, `committed after each kill: ${seen.join(' ')}`);
  const r = deja(['index', ot8, '-c', coll, '--encoders', 'tiny', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const clean = Collection.open(path.join(tmpDir(), 'clean'), { create: true });
  await ingest(clean, [ot8], { encoders: ['tiny'] });
  const c = Collection.open(coll);
  assert.equal(c.count(), clean.count());
  assert.equal(c.aliasCount(), clean.aliasCount());
  assert.deepEqual(vectorsByPath(c, 'tiny'), vectorsByPath(clean, 'tiny'));
  c.close();
  clean.close();
});

/** Mounts `dir` read-only at a new folder (root only); undefined where the machine does not allow it. */
function readOnlyMount(dir: string): { at: string; unmount: () => void } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const at = tmpDir('deja-ro-');
  const bind = spawnSync('mount', ['--bind', dir, at]);
  if (bind.status !== 0) return undefined;
  if (spawnSync('mount', ['-o', 'remount,bind,ro', at]).status !== 0) {
    spawnSync('umount', [at]);
    return undefined;
  }
  return { at, unmount: () => void spawnSync('umount', [at]) };
}

test('a read-only collection answers every reading command; writing is refused in one line', { skip }, async (t) => {
  const photos = photoFolder(30);
  const coll = path.join(tmpDir(), 'ro');
  assert.equal(deja(['index', photos, '-c', coll, '--encoders', 'tiny,tiny-gray', '--quiet']).code, 0);
  const query = path.join(photos, fs.readdirSync(photos).sort()[3]);
  const check = (dir: string, run: (args: string[]) => { code: number; stdout: string; stderr: string }) => {
    const info = run(['info', '-c', dir, '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(JSON.parse(info.stdout).photos, 30);
    for (const exact of [['--exact'], []]) {
      const s = run(['search', query, '-c', dir, '--encoder', 'tiny', '--k', '3', '--json', ...exact]);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(JSON.parse(s.stdout).results[0].path, query);
    }
    const outDir = tmpDir();
    fs.chmodSync(outDir, 0o777);
    const out = path.join(outDir, 'colour.png');
    const col = run(['colorize', query, '-c', dir, '--out', out, '--json']);
    assert.equal(col.code, 0, col.stderr);
    assert.ok(fs.statSync(out).size > 0);
    const v = run(['verify', '-c', dir, '--json', '--quiet']);
    assert.equal(v.code, 0, v.stderr);
    const w = run(['index', photos, '-c', dir, '--encoders', 'tiny', '--quiet']);
    assert.equal(w.code, 2);
    assert.match(w.stderr, /^deja: .*read-only/);
    assert.equal(w.stderr.trim().split('\n').length, 1);
  };
  const mount = readOnlyMount(coll);
  if (mount) {
    try {
      check(mount.at, deja);
      const app = await createServer({ collection: mount.at, webRoot: path.join(tmpDir(), 'no-web') });
      try {
        const health = await app.inject({ method: 'GET', url: '/api/health' });
        assert.equal(health.json().photos, 30);
        const s = await app.inject({ method: 'POST', url: '/api/search', payload: { photoId: 4, encoder: 'tiny', k: 2 } });
        assert.equal(s.statusCode, 200, s.body);
        assert.equal(s.json().results[0].id, 4);
      } finally {
        await app.close();
      }
    } finally {
      mount.unmount();
    }
  } else t.diagnostic('read-only mount not available here');
  // Another user's collection: readable, not writable.
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/setpriv')) {
    for (const p of [coll, path.dirname(coll), ...fs.readdirSync(coll, { recursive: true }).map((f) => path.join(coll, String(f)))]) fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    fs.chmodSync(photos, 0o755);
    const asNobody = (args: string[]) => {
      const r = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', entry, ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, HOME: '/tmp' },
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    if (asNobody(['--version']).code === 0) check(coll, asNobody);
    else t.diagnostic('cannot run node as another user here');
  }
});

test('a full disk is one line naming it; after space is freed the rerun completes', { skip }, async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mounting a small tmpfs needs root');
  const at = tmpDir('deja-full-');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', at]).status !== 0) return t.skip('cannot mount a tmpfs here');
  try {
    const photos = photoFolder(120);
    const coll = path.join(at, 'c');
    const r = deja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^deja: .*disk is full/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    spawnSync('mount', ['-o', 'remount,size=20m', at]);
    const again = deja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']);
    assert.equal(again.code, 0, again.stderr);
    const c = Collection.open(coll);
    assert.equal(c.count(), 120);
    assert.equal(c.descriptorMatrix('tiny').n, 120);
    c.close();
  } finally {
    spawnSync('umount', [at]);
  }
});

test('--rebuild keeps, and reports, the descriptors of photos it cannot recompute', { skip }, async () => {
  const photos = photoFolder(20);
  const c = Collection.open(path.join(tmpDir(), 'rb'), { create: true });
  await ingest(c, [photos], { encoders: ['tiny'] });
  const before = vectorsByPath(c, 'tiny');
  const gone = path.join(photos, fs.readdirSync(photos).sort()[4]);
  fs.rmSync(gone);
  const changed = path.join(photos, fs.readdirSync(photos).sort()[7]);
  fs.appendFileSync(changed, Buffer.from('trailing bytes'));
  const report = await ingest(c, [photos], { encoders: ['tiny'], rebuild: ['tiny'] });
  assert.equal(report.rebuilt[0].recomputed, 18);
  assert.deepEqual(report.rebuilt[0].kept.map((k) => k.path).sort(), [changed, gone].sort());
  assert.match(report.rebuilt[0].kept.find((k) => k.path === gone)!.reason, /moved or been deleted/);
  assert.match(report.rebuilt[0].kept.find((k) => k.path === changed)!.reason, /changed since it was indexed/);
  assert.equal(before.get(gone), vectorsByPath(c, 'tiny').get(gone));
  assert.equal(c.descriptorMatrix('tiny').n, 20);
  // The same run then re-indexed the changed photo (its new bytes), keeping its id.
  assert.deepEqual(report.changed, [changed]);
  c.close();
});

test('a photo edited in place and a half-copied one that was completed are picked up by the next run', { skip }, async () => {
  const photos = photoFolder(12);
  const names = fs.readdirSync(photos).sort();
  const half = path.join(photos, 'late.jpg');
  const full = fs.readFileSync(path.join(streetview, fs.readdirSync(streetview).sort()[500]));
  fs.writeFileSync(half, full.subarray(0, full.length >> 1));
  const c = Collection.open(path.join(tmpDir(), 'ch'), { create: true });
  const first = await ingest(c, [photos], { encoders: ['tiny'] });
  assert.equal(first.added, 12);
  assert.deepEqual(first.skipped.map((s) => s.path), [half]);
  fs.writeFileSync(half, full);
  const edited = path.join(photos, names[2]);
  const id = c.photoByPath(edited)!.id;
  const newBytes = await sharp(fs.readFileSync(path.join(streetview, fs.readdirSync(streetview).sort()[600]))).jpeg({ quality: 80 }).toBuffer();
  fs.writeFileSync(edited, newBytes);
  const second = await ingest(c, [photos], { encoders: ['tiny'] });
  assert.equal(second.retried, 1);
  assert.equal(second.added, 1);
  assert.deepEqual(second.changed, [edited]);
  assert.equal(second.alreadyPresent, 11);
  assert.equal(c.photoByPath(edited)!.id, id);
  const { image } = await decodeImage(newBytes, { minSide: CANONICAL_MIN_SIDE });
  const [hit] = await searchPhotos(c, image, { encoder: 'tiny', k: 1, exact: true, mirror: false });
  assert.equal(hit.id, id);
  assert.ok(hit.distance < 0.01, `distance ${hit.distance}`);
  assert.equal(c.descriptorMatrix('tiny').n, 13);
  assert.deepEqual(verifyCollection(c).changed, []);
  c.close();
});

test('an archive re-packed in another member order: verify names the changed photos, relink repairs them', { skip }, async () => {
  const { default: tar } = await import('tar-stream');
  const members: { name: string; data: Buffer }[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        if (header.type === 'file' && members.length < 12) members.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  fs.createReadStream(bsds).pipe(extract);
  await done;
  const pack = async (file: string, list: typeof members) => {
    const p = tar.pack();
    for (const m of list) p.entry({ name: m.name, size: m.data.length }, m.data);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    fs.writeFileSync(file, Buffer.concat(chunks));
  };
  const archive = path.join(tmpDir(), 'photos.tar');
  await pack(archive, members);
  const c = Collection.open(path.join(tmpDir(), 'arch'), { create: true });
  await ingest(c, [archive], { encoders: ['tiny'] });
  assert.equal(c.count(), 12);
  await pack(archive, [...members].reverse());
  const v = verifyCollection(c);
  assert.ok(v.changed.length >= 10, `${v.changed.length} changed`);
  assert.throws(() => c.readPhotoBytes(v.changed[0].id), /changed since it was indexed/);
  const r = await relinkPhotos(c, [archive]);
  assert.equal(r.relinked.length, v.changed.length);
  assert.deepEqual(r.stillMissing, []);
  assert.deepEqual(verifyCollection(c).changed, []);
  for (const p of c.photos()) assert.ok(c.readPhotoBytes(p.id).length > 0);
  c.close();
});

test('deja relink finds photos moved to a new folder by their content', { skip }, async () => {
  const photos = photoFolder(8);
  const coll = path.join(tmpDir(), 'mv');
  assert.equal(deja(['index', photos, '-c', coll, '--encoders', 'tiny', '--quiet']).code, 0);
  const moved = path.join(tmpDir(), 'moved');
  fs.renameSync(photos, moved);
  const v = deja(['verify', '-c', coll, '--quiet']);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /8 missing/);
  const r = deja(['relink', moved, '-c', coll, '--json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).relinked.length, 8);
  assert.equal(deja(['verify', '-c', coll, '--quiet']).code, 0);
});
