import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import tar from 'tar-stream';
import { DejaError } from '../core/errors.ts';

/** File extensions picked up when walking folders and archives (explicit files are always tried). */
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif']);

/** One photo to ingest, wherever it lives. */
export interface SourceItem {
  /** Absolute file path, or `absolute archive path#member`. */
  path: string;
  /** The name of the folder holding it (for `--label-from-folder`). */
  folder: string;
  /** Offset of the bytes in an uncompressed tar, for cheap re-reads; null otherwise. */
  dataOffset: number | null;
  /** True for members of compressed archives: their bytes must be kept to be read again. */
  compressed: boolean;
  /** Reads the bytes (throws DejaError for unreadable files). */
  read(): Buffer;
  /** Size and modification time (of the file, or of the archive holding it) without reading it: tells a changed photo from an unchanged one. */
  stamp(): FileStamp;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Stamp of a file; size -1 when it cannot be stat'ed (it is then read and hashed). */
function fileStamp(abs: string): FileStamp {
  try {
    const st = fs.statSync(abs);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { size: -1, mtimeMs: -1 };
  }
}

export type SourceKind = 'folder' | 'file' | 'tar' | 'tar.gz' | 'list';

export function sourceKind(p: string): SourceKind {
  const st = statOrThrow(p);
  if (st.isDirectory()) return 'folder';
  const lower = p.toLowerCase();
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.txt') || lower.endsWith('.lst') || lower.endsWith('.list')) return 'list';
  return 'file';
}

function statOrThrow(p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch {
    throw new DejaError('NOT_FOUND', 'no such file or folder', { file: p, hint: 'pass photo folders, files, .tar/.tar.gz archives or a list file' });
  }
}

/**
 * Every photo under the inputs, in a stable order: folders walked recursively (sorted), archives
 * in member order, list files line by line (paths relative to the list file).
 */
export async function* listSources(inputs: string[]): AsyncGenerator<SourceItem> {
  for (const input of inputs) {
    const abs = path.resolve(input);
    const kind = sourceKind(abs);
    if (kind === 'folder') yield* walkFolder(abs);
    else if (kind === 'tar') yield* tarMembers(abs);
    else if (kind === 'tar.gz') yield* gzipTarMembers(abs);
    else if (kind === 'list') {
      const base = path.dirname(abs);
      const lines = fs.readFileSync(abs, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      for (const l of lines) yield fileItem(path.resolve(base, l));
    } else yield fileItem(abs);
  }
}

/** Counts the photos `listSources` will yield (for progress totals); compressed archives are scanned. */
export async function countSources(inputs: string[]): Promise<number> {
  let n = 0;
  for await (const _ of listSourcesNoRead(inputs)) n++;
  return n;
}

async function* listSourcesNoRead(inputs: string[]): AsyncGenerator<string> {
  for await (const item of listSources(inputs)) yield item.path;
}

function fileItem(abs: string): SourceItem {
  return {
    path: abs,
    folder: path.basename(path.dirname(abs)),
    dataOffset: null,
    compressed: false,
    read: () => readBytes(abs),
    stamp: () => fileStamp(abs),
  };
}

function readBytes(abs: string): Buffer {
  try {
    return fs.readFileSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DejaError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read file (${code ?? 'error'})`, { file: abs });
  }
}

function* walkFolder(dir: string): Generator<SourceItem> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable sub-folder: nothing to yield
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walkFolder(p);
    else if (e.isFile() && PHOTO_EXTENSIONS.has(path.extname(e.name).toLowerCase())) yield fileItem(p);
  }
}

function isPhotoMember(name: string): boolean {
  const base = path.posix.basename(name);
  return !base.startsWith('.') && PHOTO_EXTENSIONS.has(path.posix.extname(name).toLowerCase());
}

/** Members of an uncompressed tar, read by offset (ustar, pax `path` records and GNU long names). */
function* tarMembers(archive: string): Generator<SourceItem> {
  const fd = fs.openSync(archive, 'r');
  try {
    const st = fs.fstatSync(fd);
    const size = st.size;
    const header = Buffer.alloc(512);
    let offset = 0;
    let longName: string | null = null;
    while (offset + 512 <= size) {
      fs.readSync(fd, header, 0, 512, offset);
      if (header.every((b) => b === 0)) break;
      const rawName = cString(header, 0, 100);
      const prefix = cString(header, 345, 155);
      const bytes = parseOctal(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      const dataOffset = offset + 512;
      const next = dataOffset + Math.ceil(bytes / 512) * 512;
      if (type === 'x' || type === 'L') {
        const body = Buffer.alloc(bytes);
        fs.readSync(fd, body, 0, bytes, dataOffset);
        longName = type === 'L' ? cString(body, 0, bytes) : (/(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? null);
      } else {
        const name = longName ?? (prefix ? `${prefix}/${rawName}` : rawName);
        longName = null;
        if ((type === '0' || type === '7') && isPhotoMember(name)) {
          yield {
            path: `${archive}#${name}`,
            folder: path.posix.basename(path.posix.dirname(name)),
            dataOffset,
            compressed: false,
            read: () => readArchiveMember(archive, dataOffset, bytes),
            stamp: () => ({ size: bytes, mtimeMs: st.mtimeMs }),
          };
        }
      }
      offset = next;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function cString(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

function parseOctal(buf: Buffer, start: number, len: number): number {
  if (buf[start] & 0x80) {
    // GNU base-256 for sizes over 8 GiB.
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i];
    return v;
  }
  const s = cString(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** Reads `bytes` bytes at `offset` of an uncompressed archive. */
export function readArchiveMember(archive: string, offset: number, bytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(archive, 'r');
  } catch {
    throw new DejaError('NOT_FOUND', 'archive has moved or been deleted since it was indexed', { file: archive, hint: 'restore it or re-index' });
  }
  try {
    const out = Buffer.alloc(bytes);
    let got = 0;
    while (got < bytes) {
      const n = fs.readSync(fd, out, got, bytes - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got === bytes ? out : out.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Members of a gzip'd tar, streamed (tar-stream); bytes are buffered per member. */
async function* gzipTarMembers(archive: string): AsyncGenerator<SourceItem> {
  const extract = tar.extract();
  const { mtimeMs } = fs.statSync(archive);
  const input = fs.createReadStream(archive);
  pipeline(input, zlib.createGunzip(), extract, () => {});
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (entry.header.type !== 'file' || !isPhotoMember(name)) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      yield {
        path: `${archive}#${name}`,
        folder: path.posix.basename(path.posix.dirname(name)),
        dataOffset: null,
        compressed: true,
        read: () => data,
        stamp: () => ({ size: data.length, mtimeMs }),
      };
    }
  } catch (e) {
    throw new DejaError('CORRUPT_IMAGE', `cannot read archive: ${e instanceof Error ? e.message : String(e)}`, {
      file: archive,
      hint: 'check that it is a complete .tar.gz',
    });
  } finally {
    input.destroy();
  }
}
