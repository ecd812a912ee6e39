import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { deja, tmpDir } from './helpers.ts';

const dir = tmpDir('deja-dtype-');

/** 24 small photos: smooth colour gradients, each with its own hue and direction. */
async function photos(folder: string): Promise<string[]> {
  fs.mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 24; i++) {
    const px = Buffer.alloc(48 * 48 * 3);
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 48; x++)
        for (let c = 0; c < 3; c++) px[(y * 48 + x) * 3 + c] = (37 * i * (c + 1) + (i % 2 ? x : y) * (2 + c) + ((x * y) % (5 + i))) & 255;
    const file = path.join(folder, `p${i}.png`);
    await sharp(px, { raw: { width: 48, height: 48, channels: 3 } }).png().toFile(file);
    files.push(file);
  }
  return files;
}

test('deja index --dtype int8 stores int8 descriptors that deja info reports and deja search finds each photo by', async () => {
  const files = await photos(path.join(dir, 'src'));
  const coll = path.join(dir, 'c');
  const ix = deja(['index', '-c', coll, '--dtype', 'int8', '--encoders', 'tiny', '-q', path.join(dir, 'src')]);
  assert.equal(ix.code, 0, ix.stderr);
  assert.deepEqual(fs.readdirSync(path.join(coll, 'descriptors')).map((f) => path.extname(f)), ['.i8']);
  const info = deja(['info', '-c', coll, '--json']);
  assert.equal(info.code, 0, info.stderr);
  const encoders = JSON.parse(info.stdout).encoders as { spec: string; dtype: string; rows: number }[];
  assert.deepEqual(encoders.map((e) => [e.spec, e.dtype, e.rows]), [['tiny', 'int8', 24]]);
  for (const file of [files[3], files[16]]) {
    const r = deja(['search', '-c', coll, '-e', 'tiny', '--exact', '-k', '2', '--no-mirror', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const [first, second] = out.results as { path: string; distance: number }[];
    assert.equal(path.basename(first.path), path.basename(file));
    // int8 rounding leaves the photo a small distance from itself, far below the next photo's.
    assert.ok(first.distance > 0 && first.distance < 0.05 * second.distance, `${first.distance} vs ${second.distance}`);
  }
});

test('deja index --dtype with an unknown precision exits 2 naming the valid ones', () => {
  const r = deja(['index', '-c', path.join(dir, 'bad'), '--dtype', 'int4', '-q', path.join(dir, 'src')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /int4.*float32, float16, int8/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
