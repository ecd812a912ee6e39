import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import nodePath from 'node:path';
import { flushFolder, prepareReplacement } from './atomicFile.ts';
import { bytesDigest, fdDigest, fileDigest, type FileDigest } from './digest.ts';

/**
 * The descriptor rows an index was built from, so that a caller can tell whether the index still
 * describes its current matrix: the first `rows` rows of the `descriptors` matrix, with their ids,
 * hash to `rowsSha256` (see `rowsDigest`).
 */
export interface IndexSource {
  /** Encoder spec of the descriptor matrix, e.g. `tiny`. */
  descriptors: string;
  /** Rows of that matrix the index holds, as labels 0 … rows − 1. */
  rows: number;
  /** `rowsDigest` of those rows and their photo ids. */
  rowsSha256: string;
}

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
  /** Byte size of the data file at `<path>`: checked before the file is parsed. */
  bytes: number;
  /** SHA-256 (hex) of the data file: checked before the file is parsed. */
  sha256: string;
  /** Wrappers only (PCA): SHA-256 of the inner index's data file, so both halves come from one save. */
  innerSha256?: string;
  /** Where the vectors came from, when the saver said (`VectorIndex.save(path, source)`). */
  source?: IndexSource;
}

/** What a saver states; the data file's size and checksum are measured by `saveIndexFiles`. */
export type IndexMetaFields = Omit<IndexMeta, 'format' | 'bytes' | 'sha256'>;

/** Path of the sidecar of an index saved at `path`. */
export function indexMetaPath(path: string): string {
  return `${path}.json`;
}

/**
 * Saves an index as its data file at `path` (filled by `writeData`) and its sidecar. Both are
 * written and flushed as temporary files first, then renamed into place back to back, the data file
 * first: a reader that still catches the halves of two saves finds a checksum that does not match
 * and rebuilds, instead of parsing a mismatched or partial file.
 *
 * @returns the data file's size and checksum (as recorded in the sidecar).
 * @throws the file system's error (EACCES, EROFS, ENOSPC …) when either file cannot be written.
 */
export function saveIndexFiles(path: string, writeData: (tmpPath: string) => void, meta: IndexMetaFields): FileDigest {
  let digest: FileDigest | undefined;
  const data = prepareReplacement(path, (tmp) => {
    writeData(tmp);
    digest = fileDigest(tmp);
  });
  try {
    const sidecar: IndexMeta = { format: 'deja-index', ...meta, ...digest! };
    const side = prepareReplacement(indexMetaPath(path), (tmp) => fs.writeFileSync(tmp, JSON.stringify(sidecar, null, 2) + '\n'));
    data.commit();
    side.commit();
  } catch (e) {
    data.abandon();
    throw e;
  }
  flushFolder(nodePath.dirname(path));
  return digest!;
}

/**
 * Reads and checks the sidecar of an index saved at `path`: every field of the right type and range.
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
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    meta = undefined;
  }
  if (!isIndexMeta(meta)) {
    throw new DejaError('IO_ERROR', 'index sidecar is not a Deja index description', {
      file,
      hint: 'rebuild the index; the sidecar must hold format, version, spec, dim, metric, count, bytes and sha256',
    });
  }
  return meta;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_DIM = 1 << 20;
const MAX_COUNT = 2 ** 31 - 1;

function isIndexMeta(x: unknown): x is IndexMeta {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  return (
    m.format === 'deja-index' &&
    isIntIn(m.version, 1, 1000) &&
    typeof m.spec === 'string' &&
    isIntIn(m.dim, 1, MAX_DIM) &&
    (m.metric === 'l2' || m.metric === 'cosine') &&
    isIntIn(m.count, 0, MAX_COUNT) &&
    isIntIn(m.bytes, 0, Number.MAX_SAFE_INTEGER) &&
    isSha256(m.sha256) &&
    (m.innerSha256 === undefined || isSha256(m.innerSha256)) &&
    (m.source === undefined || isIndexSource(m.source))
  );
}

function isIndexSource(x: unknown): x is IndexSource {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const s = x as Record<string, unknown>;
  return typeof s.descriptors === 'string' && isIntIn(s.rows, 0, MAX_COUNT) && isSha256(s.rowsSha256);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

function isSha256(v: unknown): v is string {
  return typeof v === 'string' && SHA256_HEX.test(v);
}

/**
 * Reads a whole index data file and checks it against its sidecar's size and checksum.
 *
 * @throws DejaError NOT_FOUND when the file is missing; IO_ERROR when it is truncated or corrupt.
 */
export function readVerifiedIndexFile(path: string, meta: IndexMeta): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch {
    throw missingFile(path);
  }
  checkDigest(path, meta, bytesDigest(bytes));
  return bytes;
}

/**
 * Checks the data file at `path` against its sidecar, then calls `use` with a path to the very bytes
 * checked: on Linux `/proc/self/fd/<n>` of the descriptor that was hashed, so a concurrent save that
 * renames a new file into place cannot slip unverified bytes in between check and load.
 *
 * @throws DejaError NOT_FOUND when the file is missing; IO_ERROR when it is truncated or corrupt.
 */
export function withVerifiedIndexFile<T>(path: string, meta: IndexMeta, use: (verifiedPath: string) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    throw missingFile(path);
  }
  try {
    const size = fs.fstatSync(fd).size;
    // A size mismatch (the common torn write) is caught before reading the file at all.
    checkDigest(path, meta, size === meta.bytes ? fdDigest(fd) : { bytes: size, sha256: '' });
    const stable = `/proc/self/fd/${fd}`;
    return use(process.platform === 'linux' && fs.existsSync(stable) ? stable : path);
  } finally {
    fs.closeSync(fd);
  }
}

function checkDigest(path: string, meta: IndexMeta, got: FileDigest): void {
  if (got.bytes !== meta.bytes) {
    throw new DejaError('IO_ERROR', `index data file holds ${got.bytes} bytes, its sidecar says ${meta.bytes}`, {
      file: path,
      hint: 'the file is truncated or from another save; rebuild the index',
    });
  }
  if (got.sha256 !== meta.sha256) {
    throw new DejaError('IO_ERROR', `index data file's SHA-256 is ${got.sha256.slice(0, 12)}…, its sidecar says ${meta.sha256.slice(0, 12)}…`, {
      file: path,
      hint: 'the file is corrupt or from another save; rebuild the index',
    });
  }
}

function missingFile(path: string): DejaError {
  return new DejaError('NOT_FOUND', 'index data file is missing', { file: path, hint: 'rebuild the index' });
}
