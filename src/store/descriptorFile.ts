import fs from 'node:fs';
import { assert, DejaError } from '../core/errors.ts';

/** Storage precisions of a descriptor file, as recorded in the `encoders` table's `dtype` column. */
export const DTYPES = ['float32', 'float16', 'int8'] as const;
export type Dtype = (typeof DTYPES)[number];

/**
 * Checks a storage precision named by a user or read from a collection.
 * @throws DejaError BAD_ARGUMENT naming the valid dtypes.
 */
export function checkDtype(dtype: string): Dtype {
  if ((DTYPES as readonly string[]).includes(dtype)) return dtype as Dtype;
  throw new DejaError('BAD_ARGUMENT', `unknown descriptor dtype "${dtype}": must be one of [${DTYPES.join(', ')}]`, {
    hint: 'float16 halves the disk, int8 quarters it (e.g. deja index --dtype int8)',
  });
}

/**
 * Bytes one row of `dim` values takes on disk: 4 a value for float32, 2 for float16, and for int8 one
 * a value plus a leading float32 scale per row (symmetric quantisation, x ≈ scale · q with q in
 * −127 … 127 and scale = max |x| / 127), so rows never clip whatever their range.
 */
export function rowBytesOf(dim: number, dtype: Dtype): number {
  return dtype === 'int8' ? 4 + dim : dim * (dtype === 'float16' ? 2 : 4);
}

/** File name extension of each dtype's descriptor files. */
export const DTYPE_EXTENSION: Readonly<Record<Dtype, string>> = Object.freeze({ float32: '.f32', float16: '.f16', int8: '.i8' });

/**
 * An append-only matrix file of descriptors: row-major, no header (the header lives in SQLite's
 * `encoders` table). Appends are synced before the rows are committed in SQLite. Only the writer (the
 * process holding the collection's writer lease) opens it for writing, and only the writer truncates it
 * to the committed row count on open, dropping bytes a crashed writer left uncommitted. Readers open it
 * read-only and never change it: bytes past the committed rows may be a live writer's next batch.
 */
export class DescriptorFile {
  private fd: number;

  constructor(
    readonly file: string,
    readonly dim: number,
    readonly dtype: Dtype,
    committedRows: number,
    readonly mode: 'read' | 'write' = 'write',
  ) {
    if (mode === 'read') {
      this.fd = openForReading(file);
      return;
    }
    this.fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    const want = committedRows * this.rowBytes;
    const have = fs.fstatSync(this.fd).size;
    assert(have >= want, `descriptor file ${file} has ${have} bytes, fewer than the ${want} committed`);
    if (have > want) fs.ftruncateSync(this.fd, want);
  }

  get rowBytes(): number {
    return rowBytesOf(this.dim, this.dtype);
  }

  get rows(): number {
    return this.fd < 0 ? 0 : Math.floor(fs.fstatSync(this.fd).size / this.rowBytes);
  }

  /** Appends rows (`vectors.length` a multiple of dim) and syncs them to disk. Returns the first new row. */
  appendSync(vectors: Float32Array): number {
    assert(this.mode === 'write', `descriptor file ${this.file} was opened for reading`);
    assert(vectors.length % this.dim === 0, 'append a whole number of rows');
    const first = this.rows;
    const bytes =
      this.dtype === 'float16'
        ? toFloat16Bytes(vectors)
        : this.dtype === 'int8'
          ? toInt8Rows(vectors, this.dim)
          : new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off, first * this.rowBytes + off);
    fs.fdatasyncSync(this.fd);
    return first;
  }

  /** All rows as one float32 matrix (float16 files are widened, int8 ones dequantised). No per-row objects. */
  readAll(rows = this.rows): Float32Array {
    return this.readRows(0, rows);
  }

  /** Rows `first … first + count - 1` as one float32 matrix. */
  readRows(first: number, count: number): Float32Array {
    const size = count * this.rowBytes;
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const got = fs.readSync(this.fd, buf, off, size - off, first * this.rowBytes + off);
      assert(got > 0, `descriptor file ${this.file} ended early`);
      off += got;
    }
    if (this.dtype === 'float32') return new Float32Array(buf.buffer, 0, count * this.dim);
    if (this.dtype === 'int8') return fromInt8Rows(buf, this.dim);
    return fromFloat16Bytes(buf);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** A descriptor file that does not exist yet (an encoder with no committed rows) reads as empty. */
function openForReading(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw e;
  }
}

// IEEE 754 half precision, round to nearest even.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function toFloat16Bytes(v: Float32Array): Uint8Array {
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = toHalf(v[i]);
  return new Uint8Array(out.buffer);
}

const halfTable = new Float32Array(65536);
for (let h = 0; h < 65536; h++) halfTable[h] = fromHalf(h);

function fromFloat16Bytes(buf: Uint8Array): Float32Array {
  const h = new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = halfTable[h[i]];
  return out;
}

/**
 * Rows of `dim` values as int8 rows, each a little-endian float32 scale then `dim` signed bytes:
 * q = round(x / scale), scale = max |x| / 127 (0 for an all-zero row). The error per value is at most
 * scale / 2, i.e. 1/254 of the row's largest magnitude.
 */
export function toInt8Rows(v: Float32Array, dim: number): Uint8Array {
  const rows = v.length / dim;
  const out = new Uint8Array(rows * (4 + dim));
  const view = new DataView(out.buffer);
  const q = new Int8Array(out.buffer);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let t = 0; t < dim; t++) max = Math.max(max, Math.abs(v[r * dim + t]));
    const scale = max / 127;
    const o = r * (4 + dim);
    view.setFloat32(o, scale, true);
    // Rounding with the float32 scale as stored, so dequantising multiplies by exactly this value.
    const inv = scale > 0 ? 1 / Math.fround(scale) : 0;
    for (let t = 0; t < dim; t++) q[o + 4 + t] = Math.max(-127, Math.min(127, Math.round(v[r * dim + t] * inv)));
  }
  return out;
}

/** The inverse of `toInt8Rows`: float32 rows, x = scale · q. */
export function fromInt8Rows(buf: Uint8Array, dim: number): Float32Array {
  const rows = buf.byteLength / (4 + dim);
  const out = new Float32Array(rows * dim);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const q = new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let r = 0; r < rows; r++) {
    const o = r * (4 + dim);
    const scale = view.getFloat32(o, true);
    for (let t = 0; t < dim; t++) out[r * dim + t] = scale * q[o + 4 + t];
  }
  return out;
}
