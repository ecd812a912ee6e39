import crypto from 'node:crypto';
import fs from 'node:fs';

/** A data file's identity as its sidecar records it: byte size and SHA-256 (hex). */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

const CHUNK = 1 << 22;

/**
 * Size and SHA-256 of the file open at `fd`, read from its start in 4 MiB chunks. SHA-256 runs at
 * about 1 GB/s with the CPU's SHA extensions: ~80 ms for a 90 MB HNSW index of 14k × 1536 floats,
 * against ~350 ms for usearch to load it.
 */
export function fdDigest(fd: number): FileDigest {
  const hash = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  for (let got; (got = fs.readSync(fd, buf, 0, CHUNK, bytes)) > 0; bytes += got) hash.update(buf.subarray(0, got));
  return { bytes, sha256: hash.digest('hex') };
}

/** Size and SHA-256 of the file at `path`. */
export function fileDigest(path: string): FileDigest {
  const fd = fs.openSync(path, 'r');
  try {
    return fdDigest(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Size and SHA-256 of bytes held in memory. */
export function bytesDigest(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.byteLength, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
}

/**
 * SHA-256 (hex) of the first `rows` rows of a row-major descriptor matrix and of their ids: the
 * values' bytes (`rows * dim` float32), then the ids' bytes (`rows` int32). Two matrices agree on it
 * exactly when those rows hold the same vectors for the same ids. ~55 ms for 14k × 1536.
 *
 * @param data - row-major `n * dim` values, n ≥ rows.
 * @param ids - one id per row, length ≥ rows.
 */
export function rowsDigest(data: Float32Array, ids: Int32Array, rows: number, dim: number): string {
  const values = data.subarray(0, rows * dim);
  const rowIds = ids.subarray(0, rows);
  return crypto
    .createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .update(new Uint8Array(rowIds.buffer, rowIds.byteOffset, rowIds.byteLength))
    .digest('hex');
}
