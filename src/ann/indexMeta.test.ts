import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.ts';
import { replaceFileAtomically } from './atomicFile.ts';
import { createIndex, loadIndex } from './factory.ts';
import { indexMetaPath, readIndexMeta } from './indexMeta.ts';

const dim = 24;
const n = 400;
const rng = new Rng(5);
const data = Float32Array.from({ length: n * dim }, () => rng.normal());
const labels = Int32Array.from({ length: n }, (_, i) => i);

function withDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-meta-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function saved(spec: string, file: string) {
  const index = createIndex(spec, dim, 'l2');
  if (!index.isTrained) index.train(data, n);
  index.add(data, labels);
  index.save(file);
  return index;
}

const isIoError = { code: 'IO_ERROR' };

for (const spec of ['Flat', 'HNSW16', 'PCA8,HNSW16']) {
  test(`a ${spec} index whose data file lost its tail is refused with IO_ERROR before it is parsed`, () => {
    withDir((dir) => {
      const file = path.join(dir, 'x.idx');
      saved(spec, file);
      const target = spec.startsWith('PCA') ? `${file}.inner` : file;
      fs.truncateSync(target, Math.floor(fs.statSync(target).size * 0.6));
      assert.throws(() => loadIndex(file), isIoError);
    });
  });

  test(`a ${spec} index with overwritten bytes but the same size is refused with IO_ERROR`, () => {
    withDir((dir) => {
      const file = path.join(dir, 'x.idx');
      saved(spec, file);
      const size = fs.statSync(file).size;
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(16, 0xff), 0, 16, Math.floor(size / 2));
      fs.closeSync(fd);
      assert.equal(fs.statSync(file).size, size);
      assert.throws(() => loadIndex(file), isIoError);
    });
  });
}

test('a saved index records its data file size and SHA-256 and reloads with identical answers', () => {
  withDir((dir) => {
    const file = path.join(dir, 'x.idx');
    const index = saved('HNSW16', file);
    const meta = readIndexMeta(file);
    assert.equal(meta.bytes, fs.statSync(file).size);
    assert.match(meta.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(loadIndex(file).search(data, 20, 5), index.search(data, 20, 5));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['x.idx', 'x.idx.json'], 'no temporary files left');
  });
});

test('a sidecar that is valid JSON but lies about field types is refused with IO_ERROR, never a TypeError', () => {
  withDir((dir) => {
    const file = path.join(dir, 'x.idx');
    saved('HNSW16', file);
    const good = JSON.parse(fs.readFileSync(indexMetaPath(file), 'utf8')) as Record<string, unknown>;
    const lies: unknown[] = [
      null,
      [],
      42,
      'deja-index',
      { ...good, dim: String(dim) },
      { ...good, dim: 1e12 },
      { ...good, count: -1 },
      { ...good, bytes: '1000' },
      { ...good, bytes: undefined },
      { ...good, sha256: 'not-a-hash' },
      { ...good, sha256: 12345 },
      { ...good, metric: 'hamming' },
      { ...good, spec: ['HNSW16'] },
      { ...good, source: { descriptors: 'tiny', rows: '400', rowsSha256: good.sha256 } },
    ];
    for (const lie of lies) {
      fs.writeFileSync(indexMetaPath(file), JSON.stringify(lie));
      assert.throws(() => loadIndex(file), isIoError, JSON.stringify(lie));
    }
  });
});

test('a PCA index whose inner index comes from another save is refused with IO_ERROR', () => {
  withDir((dir) => {
    const a = path.join(dir, 'a.idx');
    const b = path.join(dir, 'b.idx');
    saved('PCA8,HNSW16', a);
    const other = createIndex('PCA8,HNSW16', dim, 'l2');
    other.train(data, n);
    other.add(data.subarray(0, 100 * dim), labels.subarray(0, 100));
    other.save(b);
    fs.copyFileSync(`${b}.inner`, `${a}.inner`);
    fs.copyFileSync(`${b}.inner.json`, `${a}.inner.json`);
    assert.throws(() => loadIndex(a), isIoError);
  });
});

test('replaceFileAtomically leaves the old file whole and no temporary file when the write fails', () => {
  withDir((dir) => {
    const file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, 'old');
    assert.throws(() =>
      replaceFileAtomically(file, (tmp) => {
        fs.writeFileSync(tmp, 'half');
        throw new Error('disk full');
      }),
    /disk full/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['f.bin']);
    replaceFileAtomically(file, (tmp) => fs.writeFileSync(tmp, 'new'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(dir), ['f.bin']);
  });
});
