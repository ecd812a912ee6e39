import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Collection, type NewPhoto } from './collection.ts';
import { toHalf, fromHalf } from './descriptorFile.ts';
import { DejaError } from '../core/errors.ts';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'deja-store-'));
}

function photo(i: number): NewPhoto {
  return {
    path: `/photos/${i}.jpg`,
    hash: `h${i}`,
    bytes: 100,
    dataOffset: null,
    width: 10,
    height: 10,
    format: 'jpeg',
    latitude: null,
    longitude: null,
    takenAt: null,
    camera: null,
    label: i % 2 ? 'odd' : 'even',
    exif: null,
    blob: null,
  };
}

const enc = { spec: 'toy', name: 'toy', version: 1, dim: 3 };

test('committed photos and descriptors come back as one matrix in row order', () => {
  const dir = tmpDir();
  const c = Collection.open(dir, { create: true });
  c.ensureEncoder(enc);
  const ids = c.commitBatch({ photos: [0, 1, 2].map((i) => ({ photo: photo(i), descriptors: new Map([['toy', Float32Array.of(i, i + 0.5, -i)]]) })) });
  assert.equal(ids.length, 3);
  const m = c.descriptorMatrix('toy');
  assert.equal(m.n, 3);
  assert.deepEqual(Array.from(m.data), [0, 0.5, -0, 1, 1.5, -1, 2, 2.5, -2]);
  assert.deepEqual(Array.from(m.photoIds), ids);
  assert.equal(c.photo(ids[1])!.label, 'odd');
  c.close();
});

test('bytes appended but never committed (a crash) are left alone by readers and truncated by the next writer', () => {
  const dir = tmpDir();
  const c = Collection.open(dir, { create: true });
  c.ensureEncoder(enc);
  c.commitBatch({ photos: [{ photo: photo(0), descriptors: new Map([['toy', Float32Array.of(1, 2, 3)]]) }] });
  c.close();
  const file = path.join(dir, 'descriptors', fs.readdirSync(path.join(dir, 'descriptors'))[0]);
  fs.appendFileSync(file, Buffer.alloc(7, 1)); // a torn, uncommitted append
  const again = Collection.open(dir);
  assert.equal(again.descriptorMatrix('toy').n, 1);
  // A reader must not truncate: those bytes might be a live writer's next batch.
  assert.equal(fs.statSync(file).size, 19);
  again.commitBatch({ photos: [{ photo: photo(1), descriptors: new Map([['toy', Float32Array.of(4, 5, 6)]]) }] });
  assert.equal(fs.statSync(file).size, 24);
  assert.deepEqual(Array.from(again.descriptorMatrix('toy').data), [1, 2, 3, 4, 5, 6]);
  again.close();
});

test('a duplicate path in a batch rolls back the whole batch and keeps files aligned', () => {
  const dir = tmpDir();
  const c = Collection.open(dir, { create: true });
  c.ensureEncoder(enc);
  c.commitBatch({ photos: [{ photo: photo(0), descriptors: new Map([['toy', Float32Array.of(1, 1, 1)]]) }] });
  assert.throws(() =>
    c.commitBatch({
      photos: [
        { photo: photo(1), descriptors: new Map([['toy', Float32Array.of(2, 2, 2)]]) },
        { photo: photo(0), descriptors: new Map([['toy', Float32Array.of(3, 3, 3)]]) },
      ],
    }),
  );
  assert.equal(c.count(), 1);
  c.commitBatch({ photos: [{ photo: photo(5), descriptors: new Map([['toy', Float32Array.of(5, 5, 5)]]) }] });
  assert.deepEqual(Array.from(c.descriptorMatrix('toy').data), [1, 1, 1, 5, 5, 5]);
  c.close();
});

test('an encoder of another version is refused with the command that rebuilds it', () => {
  const c = Collection.open(tmpDir(), { create: true });
  c.ensureEncoder(enc);
  assert.throws(
    () => c.ensureEncoder({ ...enc, version: 2 }),
    (e: unknown) => e instanceof DejaError && e.code === 'ENCODER_MISMATCH' && /deja index --rebuild "toy"/.test(e.hint ?? ''),
  );
  c.close();
});

test('float16 descriptor files round-trip to within half precision', () => {
  const c = Collection.open(tmpDir(), { create: true });
  c.ensureEncoder({ ...enc, spec: 'half' }, 'float16');
  c.commitBatch({ photos: [{ photo: photo(0), descriptors: new Map([['half', Float32Array.of(0.1234, -3.5, 1000)]]) }] });
  const m = c.descriptorMatrix('half');
  assert.ok(Math.abs(m.data[0] - 0.1234) < 1e-4);
  assert.equal(m.data[1], -3.5);
  assert.equal(m.data[2], 1000);
  assert.equal(fromHalf(toHalf(65504)), 65504);
  assert.equal(fromHalf(toHalf(1e-8)), 0);
  c.close();
});

test('opening a folder with no collection says how to make one', () => {
  assert.throws(() => Collection.open(tmpDir()), (e: unknown) => e instanceof DejaError && e.code === 'NOT_FOUND' && /deja index/.test(e.hint ?? ''));
});

test('opening a collection reads no descriptor file; the first descriptorMatrix reads only that encoder’s rows', () => {
  const dir = tmpDir();
  const c = Collection.open(dir, { create: true });
  c.ensureEncoder({ ...enc, spec: 'a', dim: 64 });
  c.ensureEncoder({ ...enc, spec: 'b', dim: 64 }, 'int8');
  const v = Float32Array.from({ length: 64 }, (_, i) => i / 64);
  c.commitBatch({ photos: [0, 1, 2, 3].map((i) => ({ photo: photo(i), descriptors: new Map([['a', v], ['b', v]]) })) });
  c.close();
  const readSync = fs.readSync;
  let bytesRead = 0;
  (fs as { readSync: unknown }).readSync = (...args: Parameters<typeof fs.readSync>) => {
    const got = readSync(...args);
    bytesRead += got;
    return got;
  };
  try {
    const r = Collection.open(dir);
    assert.equal(bytesRead, 0);
    assert.equal(r.descriptorMatrix('b').n, 4);
    assert.equal(bytesRead, 4 * (64 + 4)); // the int8 file only: 4 rows of a scale and 64 bytes
    r.close();
  } finally {
    (fs as { readSync: unknown }).readSync = readSync;
  }
});
