import fs from 'node:fs';
import path from 'node:path';
import { isDejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { rowsDigest } from '../ann/digest.ts';
import { builtIndexSpec, createIndex, loadIndexWithMeta, specEfSearch } from '../ann/factory.ts';
import { indexMetaPath, readIndexMeta, type IndexMeta, type IndexSource } from '../ann/indexMeta.ts';
import type { VectorIndex } from '../ann/vectorIndex.ts';
import type { Collection, DescriptorMatrix } from './collection.ts';

/**
 * The persisted approximate index of one encoder's descriptors, brought up to date incrementally:
 * rows added since it was saved are inserted, then it is saved again. Labels are descriptor rows.
 * The index's sidecar records the rows it was built from (count and checksum of their vectors and
 * photo ids); it is rebuilt from scratch when those rows changed (`deja index --rebuild`), when its
 * spec, dimension or metric differ, or when its files are torn or corrupt (with one warning line).
 * A collection that cannot be written (read-only mount, full disk) keeps the index in memory.
 */
export function upToDateIndex(collection: Collection, matrix: DescriptorMatrix, indexSpec: string, metric: Metric): VectorIndex {
  const key = `${matrix.spec}|${indexSpec}|${metric}`;
  // A long-lived process (the server) searches the same index many times: keep the loaded one while
  // it covers every row, instead of reading it from disk per query.
  let loaded = memo.get(collection);
  if (!loaded) memo.set(collection, (loaded = new Map()));
  const hit = loaded.get(key);
  if (hit && hit.rows === matrix.n && hit.data === matrix.data) return hit.index;
  const index = loadOrUpdate(indexFileFor(collection, matrix.spec, indexSpec, metric), matrix, indexSpec, metric);
  loaded.set(key, { rows: matrix.n, data: matrix.data, index });
  return index;
}

const memo = new WeakMap<Collection, Map<string, { rows: number; data: Float32Array; index: VectorIndex }>>();

/** `indexes/<encoder>.<index>[.cosine].idx`, or undefined when the folder cannot be made. */
function indexFileFor(collection: Collection, encoderSpec: string, indexSpec: string, metric: Metric): string | undefined {
  let dir: string;
  try {
    dir = collection.cacheDir();
  } catch (e) {
    warnOnce(`cannot create the index folder (${(e as Error).message}); the index is kept in memory only`);
    return undefined;
  }
  // One file per built graph: specs differing only in HNSW's search breadth (ef) share it.
  return path.join(dir, `${safeName(encoderSpec)}.${safeName(builtIndexSpec(indexSpec))}${metric === 'l2' ? '' : '.cosine'}.idx`);
}

function loadOrUpdate(indexFile: string | undefined, matrix: DescriptorMatrix, indexSpec: string, metric: Metric): VectorIndex {
  const empty = createIndex(indexSpec, matrix.dim, metric);
  const saved = indexFile === undefined ? undefined : savedIndex(indexFile, matrix, empty);
  const index = saved?.index ?? trained(empty, matrix);
  const covered = saved?.rows ?? 0;
  if (covered < matrix.n) {
    const labels = new Int32Array(matrix.n - covered);
    for (let i = 0; i < labels.length; i++) labels[i] = covered + i;
    index.add(matrix.data.subarray(covered * matrix.dim, matrix.n * matrix.dim), labels);
    if (indexFile !== undefined) {
      saveOrKeepInMemory(index, indexFile, { descriptors: matrix.spec, rows: matrix.n, rowsSha256: rowsDigest(matrix.data, matrix.photoIds, matrix.n, matrix.dim) });
    }
  }
  return index;
}

/**
 * The index saved at `indexFile` and the rows it holds, when it was built like `empty` from the
 * current first rows of `matrix`; undefined when it must be rebuilt. Its files are verified before
 * they are parsed; one retry covers a concurrent save caught between its data file and its sidecar.
 */
function savedIndex(indexFile: string, matrix: DescriptorMatrix, empty: VectorIndex): { index: VectorIndex; rows: number } | undefined {
  for (let attempt = 0; ; attempt++) {
    if (!fs.existsSync(indexMetaPath(indexFile))) return undefined;
    let meta: IndexMeta | undefined;
    try {
      meta = readIndexMeta(indexFile);
      if (!describesRows(meta, matrix, empty)) return undefined;
      // An index that already holds every row is only searched: memory-map it instead of reading it.
      return { index: loadIndexWithMeta(indexFile, meta, { view: meta.count === matrix.n, efSearch: specEfSearch(empty.spec) }), rows: meta.count };
    } catch (e) {
      if (!isDejaError(e)) throw e;
      if (attempt === 0 && meta && sidecarChanged(indexFile, meta)) continue;
      warnOnce(`${e.message} (${e.file ?? indexFile}); rebuilding it from the descriptors`);
      return undefined;
    }
  }
}

/** True when the sidecar says the index is `empty`'s kind, built from the current first rows of `matrix`. */
function describesRows(meta: IndexMeta, matrix: DescriptorMatrix, empty: VectorIndex): boolean {
  const source = meta.source;
  if (!source || source.descriptors !== matrix.spec || source.rows !== meta.count || source.rows > matrix.n) return false;
  if (builtIndexSpec(meta.spec) !== builtIndexSpec(empty.spec) || meta.dim !== matrix.dim || meta.metric !== empty.metric) return false;
  // Recomputed or reordered descriptors (deja index --rebuild) keep the row count but not the checksum.
  return rowsDigest(matrix.data, matrix.photoIds, source.rows, matrix.dim) === source.rowsSha256;
}

function sidecarChanged(indexFile: string, meta: IndexMeta): boolean {
  try {
    return readIndexMeta(indexFile).sha256 !== meta.sha256;
  } catch {
    return false;
  }
}

function trained(index: VectorIndex, matrix: DescriptorMatrix): VectorIndex {
  if (!index.isTrained) {
    const sample = Math.min(matrix.n, 20000);
    index.train(matrix.data.subarray(0, sample * matrix.dim), sample);
  }
  return index;
}

/** Saves the index; where the collection cannot be written, warns once and goes on with it in memory. */
function saveOrKeepInMemory(index: VectorIndex, indexFile: string, source: IndexSource): void {
  try {
    index.save(indexFile, source);
    // Before index sidecars recorded their source rows, this cache kept them in `<name>.json`.
    fs.rmSync(indexFile.replace(/\.idx$/, '.json'), { force: true });
  } catch (e) {
    warnOnce(`cannot save the index ${indexFile} (${(e as Error).message}); it is kept in memory for this process`);
  }
}

const warned = new Set<string>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`deja: warning: ${message}\n`);
}

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '_');
}
