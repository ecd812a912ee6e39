import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { listSources, countSources } from './sources.ts';
import { MAX_PHOTO_BYTES } from './readRegularFile.ts';

const data = path.resolve(import.meta.dirname, '../../../shared/data');

test('members of an uncompressed tar are listed with offsets that read back the exact bytes', { skip: !fs.existsSync(data) }, async () => {
  const items = [];
  for await (const item of listSources([path.join(data, 'bsds500/train.tar')])) items.push(item);
  assert.equal(items.length, 200);
  const first = items[0];
  assert.match(first.path, /train\.tar#train\/\d+\.jpg$/);
  assert.equal(first.folder, 'train');
  const bytes = first.read();
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8); // JPEG SOI
  assert.equal(bytes[bytes.length - 2], 0xff);
  assert.equal(bytes[bytes.length - 1], 0xd9); // JPEG EOI: the member was read whole
});

test('a gzip tar streams its members with their folder names', { skip: !fs.existsSync(data) }, async () => {
  let n = 0;
  const folders = new Set<string>();
  for await (const item of listSources([path.join(data, 'ot8-64px/images.tar.gz')])) {
    n++;
    folders.add(item.folder);
    assert.ok(item.compressed);
  }
  assert.equal(n, 2078);
  assert.deepEqual([...folders], ['images']);
});

test('folders are walked recursively in sorted order and list files resolve relative paths', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  fs.mkdirSync(path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'b', 'z.jpg'), 'x');
  fs.writeFileSync(path.join(dir, 'a.png'), 'x');
  fs.writeFileSync(path.join(dir, 'notes.txt.bak'), 'x');
  fs.writeFileSync(path.join(dir, 'list.txt'), 'a.png\n# comment\nb/z.jpg\n');
  const walked = [];
  for await (const i of listSources([dir])) walked.push(path.relative(dir, i.path));
  assert.deepEqual(walked, ['a.png', path.join('b', 'z.jpg')]);
  assert.equal(await countSources([path.join(dir, 'list.txt')]), 2);
});

/** Lists sources and reads every item, as ingest does: `{rel, ok}` or `{rel, code, reason}` per item. */
async function listAndRead(inputs: string[], base: string): Promise<{ rel: string; code?: string; reason?: string }[]> {
  const out: { rel: string; code?: string; reason?: string }[] = [];
  for await (const item of listSources(inputs)) {
    const rel = path.relative(base, item.path);
    try {
      item.read();
      out.push({ rel });
    } catch (e) {
      const err = e as { code: string; message: string };
      out.push({ rel, code: err.code, reason: err.message });
    }
  }
  return out;
}

test('a FIFO and /dev/zero named in a list file are skipped with their file type, without hanging', { skip: process.platform === 'win32' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  fs.writeFileSync(path.join(dir, 'a.jpg'), 'x');
  execFileSync('mkfifo', [path.join(dir, 'pipe.jpg')]);
  fs.writeFileSync(path.join(dir, 'list.txt'), `a.jpg\npipe.jpg\n/dev/zero\n`);
  const items = listInChild([path.join(dir, 'list.txt')], dir);
  assert.deepEqual(items.map((i) => [i.rel, i.code]), [['a.jpg', undefined], ['pipe.jpg', 'IO_ERROR'], [path.relative(dir, '/dev/zero'), 'IO_ERROR']]);
  assert.match(items[1].reason!, /not a regular file: a FIFO/);
  assert.match(items[2].reason!, /not a regular file: a character device/);
  // Passed directly, and found by a folder walk, they are skipped the same way.
  const direct = listInChild([path.join(dir, 'pipe.jpg'), '/dev/zero'], dir);
  assert.deepEqual(direct.map((i) => i.code), ['IO_ERROR', 'IO_ERROR']);
  const walked = listInChild([dir], dir);
  assert.deepEqual(walked.map((i) => [i.rel, i.code]), [['a.jpg', undefined], ['pipe.jpg', 'IO_ERROR']]);
});

test('a file over the size limit is refused as TOO_LARGE before it is read', { timeout: 10_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  const big = path.join(dir, 'huge.jpg');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, MAX_PHOTO_BYTES + 1); // sparse: no disk used
  const items = await listAndRead([dir], dir);
  assert.deepEqual(items.map((i) => [i.rel, i.code]), [['huge.jpg', 'TOO_LARGE']]);
  assert.match(items[0].reason!, /over the 512 MiB limit/);
});

test('symlinks to files and folders are followed, and a link back to an enclosing folder is a reported loop', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-out-'));
  fs.writeFileSync(path.join(outside, 'o.jpg'), 'x');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 's.jpg'), 'x');
  fs.symlinkSync(outside, path.join(dir, 'linked'));
  fs.symlinkSync(path.join(outside, 'o.jpg'), path.join(dir, 'file-link.jpg'));
  fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
  fs.symlinkSync(path.join(dir, 'missing.jpg'), path.join(dir, 'broken.jpg'));
  const items = await Promise.race([listAndRead([dir], dir), new Promise<never>((_, no) => setTimeout(() => no(new Error('walk did not end')), 5000))]);
  assert.deepEqual(items.map((i) => [i.rel, i.code]), [
    ['broken.jpg', 'NOT_FOUND'],
    ['file-link.jpg', undefined],
    [path.join('linked', 'o.jpg'), undefined],
    [path.join('sub', 'loop'), 'IO_ERROR'],
    [path.join('sub', 's.jpg'), undefined],
  ]);
  assert.match(items[3].reason!, /symlink loop/);
});

test('one missing source is a skipped item and the others are listed; when none exists the error is thrown', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  fs.writeFileSync(path.join(dir, 'a.jpg'), 'x');
  const items = await listAndRead([path.join(dir, 'gone.jpg'), path.join(dir, 'a.jpg')], dir);
  assert.deepEqual(items.map((i) => [i.rel, i.code]), [['gone.jpg', 'NOT_FOUND'], ['a.jpg', undefined]]);
  await assert.rejects(countSources([path.join(dir, 'gone.jpg'), path.join(dir, 'gone2')]), /no such file or folder/);
});

test('an unreadable sub-folder is reported as a skipped item with EACCES', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-src-'));
  fs.mkdirSync(path.join(dir, 'locked'));
  fs.writeFileSync(path.join(dir, 'locked', 'x.jpg'), 'x');
  fs.writeFileSync(path.join(dir, 'a.jpg'), 'x');
  fs.chmodSync(path.join(dir, 'locked'), 0o000);
  fs.chmodSync(dir, 0o755);
  try {
    // Root reads any folder: then list as the unprivileged user `nobody` in a child process.
    const items = process.getuid?.() === 0 ? listInChild([dir], dir, { nobody: true }) : await listAndRead([dir], dir);
    assert.deepEqual(items.map((i) => [i.rel, i.code]), [['a.jpg', undefined], ['locked', 'IO_ERROR']]);
    assert.match(items[1].reason!, /cannot list folder \(EACCES: permission denied\)/);
  } finally {
    fs.chmodSync(path.join(dir, 'locked'), 0o755);
  }
});

/**
 * `listAndRead` in a child process, so a regression that blocks (a FIFO read) or eats memory (/dev/zero)
 * fails by timeout instead of hanging the test run; `nobody` runs it as that unprivileged user.
 */
function listInChild(inputs: string[], base: string, options: { nobody?: boolean } = {}): { rel: string; code?: string; reason?: string }[] {
  const script = `import { listSources } from ${JSON.stringify(path.join(import.meta.dirname, 'sources.ts'))};
    import path from 'node:path';
    const out = [];
    for await (const item of listSources(${JSON.stringify(inputs)})) {
      const rel = path.relative(${JSON.stringify(base)}, item.path);
      try { item.read(); out.push({ rel }); } catch (e) { out.push({ rel, code: e.code, reason: e.message }); }
    }
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', '--input-type=module', '-e', script], {
    ...(options.nobody ? { uid: 65534, gid: 65534 } : {}),
    encoding: 'utf8',
    cwd: path.resolve(import.meta.dirname, '../..'),
    timeout: 20_000,
  });
  return JSON.parse(stdout);
}
