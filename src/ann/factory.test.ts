import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.ts';
import { createIndex, loadIndex } from './factory.ts';
import { FlatIndex } from './flat.ts';
import { HnswIndex } from './hnsw.ts';
import { PcaIndex } from './pca.ts';

const dim = 24;
const rng = new Rng(13);
const n = 600;
const data = Float32Array.from({ length: n * dim }, (_, i) => rng.normal() + (i % dim < 4 ? 3 * Math.sin(i) : 0));
const labels = Int32Array.from({ length: n }, (_, i) => 10 * i + 1);
const queries = data.subarray(0, 30 * dim);

// FAISS-style table: spec → class, canonical spec, isTrained before train, metrics it takes.
const table: [string, Function, string, boolean, ('l2' | 'cosine')[]?][] = [
  ['Flat', FlatIndex, 'Flat', true],
  ['HNSW32', HnswIndex, 'HNSW32', true],
  ['HNSW16_ef200', HnswIndex, 'HNSW16_ef200', true],
  ['HNSW8_efc40_ef32', HnswIndex, 'HNSW8_efc40_ef32', true],
  ['HNSW32_efc128_ef64', HnswIndex, 'HNSW32', true],
  ['HNSW32_SQfp16', HnswIndex, 'HNSW32_SQfp16', true],
  ['HNSW16_SQfp16_efc64_ef200', HnswIndex, 'HNSW16_SQfp16_efc64_ef200', true],
  ['HNSW32_SQ8', HnswIndex, 'HNSW32_SQ8', true, ['cosine']],
  ['HNSW32_SQ8_ef128', HnswIndex, 'HNSW32_SQ8_ef128', true, ['cosine']],
  ['PCA16,HNSW16_SQfp16', PcaIndex, 'PCA16,HNSW16_SQfp16', false],
  ['PCA8,Flat', PcaIndex, 'PCA8,Flat', false],
  ['PCA16,HNSW32', PcaIndex, 'PCA16,HNSW32', false],
  ['PCA16,PCA8,HNSW16', PcaIndex, 'PCA16,PCA8,HNSW16', false],
];

for (const [spec, cls, canonical, trained, metrics] of table) {
  for (const metric of metrics ?? (['l2', 'cosine'] as const)) {
    test(`createIndex("${spec}", ${metric}) builds a ${cls.name} that finds each vector itself and reloads identically`, () => {
      const index = createIndex(spec, dim, metric);
      assert.ok(index instanceof cls);
      assert.equal(index.spec, canonical);
      assert.equal(index.dim, dim);
      assert.equal(index.metric, metric);
      assert.equal(index.isTrained, trained);
      index.train(data, n);
      assert.ok(index.isTrained);
      index.add(data, labels);
      assert.equal(index.size, n);
      const nn = index.search(queries, 30, 3);
      let self = 0;
      for (let q = 0; q < 30; q++) self += nn.labels[q * 3] === labels[q] ? 1 : 0;
      assert.ok(self >= 27, `${self}/30 queries found themselves first`);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-factory-'));
      try {
        const file = path.join(dir, 'index.bin');
        index.save(file);
        const loaded = loadIndex(file);
        assert.ok(loaded instanceof cls);
        assert.deepEqual([loaded.spec, loaded.dim, loaded.metric, loaded.size], [canonical, dim, metric, n]);
        assert.deepEqual(loaded.search(queries, 30, 3), nn);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

const bad: [string, string][] = [
  ['IVF100,Flat', 'UNKNOWN_NAME'],
  ['hnsw32', 'UNKNOWN_NAME'],
  ['HNSW', 'UNKNOWN_NAME'],
  ['HNSW32_ef', 'UNKNOWN_NAME'],
  ['PCA16', 'UNKNOWN_NAME'],
  ['Flat,PCA16', 'UNKNOWN_NAME'],
  ['', 'UNKNOWN_NAME'],
  ['HNSW1', 'BAD_ARGUMENT'],
  ['HNSW32_ef0', 'BAD_ARGUMENT'],
  ['PCA0,Flat', 'BAD_ARGUMENT'],
  ['PCA25,Flat', 'BAD_ARGUMENT'],
  ['HNSW32_SQ4', 'UNKNOWN_NAME'],
  ['HNSW32_ef64_SQ8', 'UNKNOWN_NAME'],
  ['HNSW32_sqfp16', 'UNKNOWN_NAME'],
  ['HNSW32_SQ8', 'BAD_ARGUMENT'], // int8 storage is unit-length (cosine only); these tests use l2
];

for (const [spec, code] of bad) {
  test(`createIndex("${spec}") fails with ${code}`, () => {
    assert.throws(() => createIndex(spec, dim, 'l2'), (e: Error & { code?: string }) => {
      assert.equal(e.code, code);
      if (code === 'UNKNOWN_NAME') assert.match(e.message, /must be one of \[Flat, HNSW<M>\[_SQfp16\|_SQ8\]\[_efc<n>\]\[_ef<n>\], PCA<d>,<inner>\]/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });
}

test('loadIndex of a path without a sidecar fails with NOT_FOUND naming the sidecar', () => {
  assert.throws(() => loadIndex(path.join(os.tmpdir(), 'deja-no-such-index')), (e: Error & { code?: string; file?: string }) => {
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.file ?? '', /deja-no-such-index\.json$/);
    return true;
  });
});
