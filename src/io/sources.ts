import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import tar from 'tar-stream';
import { DejaError, assert } from '../core/errors.ts';
import { MAX_LIST_BYTES, MAX_PHOTO_BYTES, describeFileType, ioError, readRegularFile, tooLarge } from './readRegularFile.ts';
import { walkFolder } from './walkFolder.ts';
import { PHOTO_EXTENSIONS, fileItem, problemItem, type SourceItem } from './sourceItem.ts';

export { PHOTO_EXTENSIONS, type SourceItem } from './sourceItem.ts';

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
    throw noSuchSource(p);
  }
}

function noSuchSource(p: string): DejaError {
  return new DejaError('NOT_FOUND', 'no such file or folder', { file: p, hint: 'pass photo folders, files, .tar/.tar.gz archives or a list file' });
}

/**
 * Refuses a batch none of whose sources exists, with the one-line error for the first (a batch where
 * only some are missing goes on: `listSources` reports the missing ones as skipped items).
 * @throws DejaError NOT_FOUND
 */
export function assertSomeSourceExists(inputs: string[]): void {
  if (inputs.length > 0 && !inputs.some((p) => fs.existsSync(p))) throw noSuchSource(path.resolve(inputs[0]));
}

/**
 * The inputs that exist (folders, files, archives), in the order given: e.g. the shared photo sets
 * `deja quickstart` indexes when it is given none, of which a checkout may have some or none.
 * @example existingSources(['../shared/data/bsds500/train.tar', '/no/such']) // ['../shared/data/bsds500/train.tar']
 */
export function existingSources(inputs: readonly string[]): string[] {
  return inputs.filter((p) => fs.existsSync(p));
}

/**
 * Every photo under the inputs, in a stable order: folders walked recursively (sorted, symlinks followed,
 * each real folder once), archives in member order, list files line by line (paths relative to the list
 * file). Only regular files are read. A missing input is yielded as a skipped item, unless none exists.
 * @throws DejaError NOT_FOUND when no input exists
 */
export async function* listSources(inputs: string[], options: { keepBytes?: boolean } = {}): AsyncGenerator<SourceItem> {
  assertSomeSourceExists(inputs);
  const visitedFolders = new Set<string>(); // dev:ino of folders walked, across all inputs
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      yield problemItem(abs, path.basename(abs), ioError(abs, e).code === 'NOT_FOUND' ? noSuchSource(abs) : ioError(abs, e));
      continue;
    }
    if (st.isDirectory()) {
      yield* walkFolder(abs, visitedFolders);
      continue;
    }
    if (!st.isFile()) {
      yield problemItem(abs, path.basename(abs), new DejaError('IO_ERROR', `not a regular file: ${describeFileType(st)}`, { file: abs, hint: 'only regular files are read as photos' }));
      continue;
    }
    const kind = sourceKind(abs);
    if (kind === 'tar') yield* tarMembers(abs);
    else if (kind === 'tar.gz') yield* gzipTarMembers(abs, options.keepBytes ?? true);
    else if (kind === 'list') yield* listFileItems(abs);
    else yield fileItem(abs, path.basename(abs));
  }
}

/** Counts the photos `listSources` will yield (for progress totals); compressed archives are scanned. */
export async function countSources(inputs: string[]): Promise<number> {
  return (await listSourcePaths(inputs)).length;
}

/** The path and source-relative path of every item `listSources` yields, without keeping any bytes. */
export async function listSourcePaths(inputs: string[]): Promise<{ path: string; relPath: string }[]> {
  const out: { path: string; relPath: string }[] = [];
  for await (const item of listSources(inputs, { keepBytes: false })) out.push({ path: item.path, relPath: item.relPath });
  return out;
}

function* listFileItems(list: string): Generator<SourceItem> {
  let text: string;
  try {
    text = readRegularFile(list, MAX_LIST_BYTES).toString('utf8');
  } catch (e) {
    yield problemItem(list, path.basename(list), e as DejaError);
    return;
  }
  const base = path.dirname(list);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const l of lines) {
    const abs = path.resolve(base, l);
    yield fileItem(abs, path.relative(base, abs).split(path.sep).join('/'));
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
    const { size, mtimeMs } = fs.fstatSync(fd);
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
          const member = `${archive}#${name}`;
          if (bytes > MAX_PHOTO_BYTES) yield problemItem(member, name, tooLarge(member, bytes, MAX_PHOTO_BYTES));
          else
            yield {
              path: member,
              folder: path.posix.basename(path.posix.dirname(name)),
              relPath: name,
              dataOffset,
              compressed: false,
              read: () => readArchiveMember(archive, dataOffset, bytes),
              stamp: () => ({ size: bytes, mtimeMs }),
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

/**
 * Members of a gzip'd tar, streamed (tar-stream); bytes are buffered per member (only counted when
 * `keepBytes` is false). A member over the size limit is passed over unread and yielded as a problem.
 */
async function* gzipTarMembers(archive: string, keepBytes: boolean): AsyncGenerator<SourceItem> {
  const extract = tar.extract();
  const { mtimeMs } = fs.statSync(archive);
  const input = fs.createReadStream(archive);
  pipeline(input, zlib.createGunzip(), extract, () => {});
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      const size = entry.header.size ?? 0;
      if (entry.header.type !== 'file' || !isPhotoMember(name)) {
        entry.resume();
        continue;
      }
      const member = `${archive}#${name}`;
      if (size > MAX_PHOTO_BYTES) {
        entry.resume();
        yield problemItem(member, name, tooLarge(member, size, MAX_PHOTO_BYTES));
        continue;
      }
      let data: Buffer | null = null;
      if (keepBytes) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        data = Buffer.concat(chunks);
      } else entry.resume();
      yield {
        path: `${archive}#${name}`,
        folder: path.posix.basename(path.posix.dirname(name)),
        relPath: name,
        dataOffset: null,
        compressed: true,
        read: () => {
          assert(data !== null, 'bytes of a compressed member listed with keepBytes: false were read');
          return data;
        },
        stamp: () => ({ size, mtimeMs }),
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
