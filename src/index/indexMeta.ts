import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';

/** The JSON sidecar (`<path>.json`) that every saved index writes beside its data file. */
export interface IndexMeta {
  /** Always `deja-index`: tells a sidecar from any other JSON file. */
  format: 'deja-index';
  /** Layout version of the data file, per index kind. */
  version: number;
  /** Factory spec of the saved index (`Flat`, `HNSW32`, `PCA128,HNSW32`). */
  spec: string;
  dim: number;
  metric: Metric;
  /** Vectors held when saved. */
  count: number;
}

/** Path of the sidecar of an index saved at `path`. */
export function indexMetaPath(path: string): string {
  return `${path}.json`;
}

/** Writes the sidecar of an index saved at `path`. */
export function writeIndexMeta(path: string, meta: Omit<IndexMeta, 'format'>): void {
  fs.writeFileSync(indexMetaPath(path), JSON.stringify({ format: 'deja-index', ...meta }, null, 2) + '\n');
}

/**
 * Reads and checks the sidecar of an index saved at `path`.
 *
 * @throws DejaError NOT_FOUND when the sidecar is missing; IO_ERROR when it is not a Deja index sidecar.
 */
export function readIndexMeta(path: string): IndexMeta {
  const file = indexMetaPath(path);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DejaError('NOT_FOUND', `no index at ${path}: its sidecar is missing`, {
      file,
      hint: 'build the index first, or pass the path that index.save() was given',
    });
  }
  let meta: Partial<IndexMeta>;
  try {
    meta = JSON.parse(text) as Partial<IndexMeta>;
  } catch {
    meta = {};
  }
  const ok =
    meta.format === 'deja-index' &&
    typeof meta.spec === 'string' &&
    Number.isInteger(meta.dim) && (meta.dim as number) > 0 &&
    (meta.metric === 'l2' || meta.metric === 'cosine') &&
    Number.isInteger(meta.count) && (meta.count as number) >= 0 &&
    Number.isInteger(meta.version);
  if (!ok) {
    throw new DejaError('IO_ERROR', 'index sidecar is not a Deja index description', {
      file,
      hint: 'rebuild the index; the sidecar must hold format, version, spec, dim, metric and count',
    });
  }
  return meta as IndexMeta;
}

/** Reads a whole binary file as bytes; NOT_FOUND names the file when it is missing. */
export function readIndexFile(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch {
    throw new DejaError('NOT_FOUND', 'index data file is missing', { file: path, hint: 'rebuild the index' });
  }
}
