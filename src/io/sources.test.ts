import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listSources, countSources } from './sources.ts';

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
