import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';

/** Largest photo (or archive member) ingest reads: a real photo is far smaller; bigger is refused as TOO_LARGE. */
export const MAX_PHOTO_BYTES = 512 * 1024 * 1024;

/** Largest list file read (one path a line: 64 MiB is millions of photos). */
export const MAX_LIST_BYTES = 64 * 1024 * 1024;

/** What a non-regular file is, for skip reasons: `a FIFO`, `a character device`… */
export function describeFileType(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Reads a regular file whole, refusing anything else before reading a byte: FIFOs, devices (`/dev/zero`),
 * sockets and folders, and files over `maxBytes`. Opened non-blocking, so a FIFO cannot hang the open;
 * read up to `maxBytes + 1`, so a file that grows (or lies about its size, like /proc files) cannot eat memory.
 * Symlinks are followed.
 * @param file absolute path
 * @param maxBytes size limit in bytes (default {@link MAX_PHOTO_BYTES})
 * @throws DejaError NOT_FOUND, IO_ERROR (not a regular file, unreadable), TOO_LARGE
 * @example readRegularFile('/photos/a.jpg') // Buffer
 */
export function readRegularFile(file: string, maxBytes = MAX_PHOTO_BYTES): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new DejaError('IO_ERROR', `not a regular file: ${describeFileType(st)}`, { file, hint: 'only regular files are read as photos' });
    if (st.size > maxBytes) throw tooLarge(file, st.size, maxBytes);
    return readUpTo(fd, file, st.size, maxBytes);
  } catch (e) {
    throw e instanceof DejaError ? e : ioError(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

function readUpTo(fd: number, file: string, expected: number, maxBytes: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(expected, 64 * 1024));
  let got = 0;
  for (;;) {
    if (got === buf.length) {
      if (got > maxBytes) throw tooLarge(file, got, maxBytes);
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(bigger, 0, 0, got);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, got, buf.length - got, null);
    if (n === 0) break;
    got += n;
  }
  if (got > maxBytes) throw tooLarge(file, got, maxBytes);
  return buf.subarray(0, got);
}

export function tooLarge(file: string, bytes: number, maxBytes: number): DejaError {
  return new DejaError('TOO_LARGE', `${mib(bytes)} is over the ${mib(maxBytes)} limit for one photo`, { file, hint: 'a photo that big is not a photo; remove it from the source' });
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/** A DejaError for a failed open/read, naming the system's reason (`EACCES: permission denied`). */
export function ioError(file: string, e: unknown): DejaError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new DejaError('NOT_FOUND', 'no such file or folder', { file, hint: 'check the path' });
  const why = err.code ? `${err.code}: ${systemReason(err)}` : String(e);
  return new DejaError('IO_ERROR', `cannot read (${why})`, { file, hint: err.code === 'EACCES' || err.code === 'EPERM' ? 'check its permissions' : undefined });
}

/** `permission denied` from `EACCES: permission denied, open '/x'`. */
function systemReason(err: NodeJS.ErrnoException): string {
  const m = /^[A-Z]+: ([^,]+)/.exec(err.message);
  return m ? m[1] : err.message;
}
