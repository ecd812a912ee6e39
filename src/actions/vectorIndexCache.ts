import fs from 'node:fs';
import path from 'node:path';
import { createIndex, loadIndex } from '../index/factory.ts';
import type { VectorIndex } from '../index/vectorIndex.ts';
import type { Metric } from '../core/metric.ts';
import type { Collection, DescriptorMatrix } from '../store/collection.ts';

interface Sidecar {
  encoderSpec: string;
  indexSpec: string;
  dim: number;
  rows: number;
}

/**
 * The persisted approximate index of one encoder's descriptors, brought up to date incrementally:
 * rows added since it was saved are inserted, then it is saved again. Labels are descriptor rows.
 * Rebuilt from scratch if the sidecar does not match (other encoder dim, or rows were dropped).
 */
export function upToDateIndex(collection: Collection, matrix: DescriptorMatrix, indexSpec: string, metric: Metric): VectorIndex {
  const base = path.join(collection.cacheDir(), `${safeName(matrix.spec)}.${safeName(indexSpec)}`);
  // A long-lived process (the server) searches the same index many times: keep the loaded one while
  // it covers every row, instead of reading it from disk per query.
  let loaded = memo.get(collection);
  if (!loaded) memo.set(collection, (loaded = new Map()));
  const hit = loaded.get(`${base}|${metric}`);
  if (hit && hit.rows === matrix.n && hit.data === matrix.data) return hit.index;
  const index = loadOrUpdate(base, matrix, indexSpec, metric);
  loaded.set(`${base}|${metric}`, { rows: matrix.n, data: matrix.data, index });
  return index;
}

const memo = new WeakMap<Collection, Map<string, { rows: number; data: Float32Array; index: VectorIndex }>>();

function loadOrUpdate(base: string, matrix: DescriptorMatrix, indexSpec: string, metric: Metric): VectorIndex {
  const sidecarFile = `${base}.json`;
  const indexFile = `${base}.idx`;
  let index: VectorIndex | undefined;
  let covered = 0;
  if (fs.existsSync(sidecarFile) && fs.existsSync(indexFile)) {
    const side = JSON.parse(fs.readFileSync(sidecarFile, 'utf8')) as Sidecar;
    if (side.encoderSpec === matrix.spec && side.dim === matrix.dim && side.indexSpec === indexSpec && side.rows <= matrix.n) {
      index = loadIndex(indexFile);
      covered = side.rows;
    }
  }
  const ready: VectorIndex = index ?? freshIndex(matrix, indexSpec, metric);
  if (covered < matrix.n) {
    const labels = new Int32Array(matrix.n - covered);
    for (let i = 0; i < labels.length; i++) labels[i] = covered + i;
    ready.add(matrix.data.subarray(covered * matrix.dim, matrix.n * matrix.dim), labels);
    ready.save(indexFile);
    const side: Sidecar = { encoderSpec: matrix.spec, indexSpec, dim: matrix.dim, rows: matrix.n };
    fs.writeFileSync(`${sidecarFile}.tmp`, JSON.stringify(side));
    fs.renameSync(`${sidecarFile}.tmp`, sidecarFile);
  }
  return ready;
}

function freshIndex(matrix: DescriptorMatrix, indexSpec: string, metric: Metric): VectorIndex {
  const index = createIndex(indexSpec, matrix.dim, metric);
  if (!index.isTrained) {
    const sample = Math.min(matrix.n, 20000);
    index.train(matrix.data.subarray(0, sample * matrix.dim), sample);
  }
  return index;
}

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '_');
}
