import fs from 'node:fs';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { describeFileType, ioError } from './readRegularFile.ts';
import { PHOTO_EXTENSIONS, fileItem, problemItem, type SourceItem } from './sourceItem.ts';

/**
 * The photos under a folder, recursively, in sorted order. Symlinks to files and folders are followed;
 * each real folder (by device and inode) is walked once, so a link back to an enclosing folder is a
 * reported loop, not an endless walk, and a folder reached twice is listed once. Problems are yielded as
 * items whose `read` throws the reason: unreadable sub-folders (EACCES), symlink loops, broken links and
 * FIFOs/devices/sockets named like photos. Hidden entries (`.name`) and other file types are passed over.
 * @param root absolute folder path
 * @param visited `dev:ino` of folders already walked (shared across the sources of one listing)
 */
export function* walkFolder(root: string, visited: Set<string>): Generator<SourceItem> {
  yield* walk(root, root, visited, new Set());
}

function* walk(dir: string, root: string, visited: Set<string>, ancestors: Set<string>): Generator<SourceItem> {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  let st: fs.Stats;
  let entries: fs.Dirent[];
  try {
    st = fs.statSync(dir);
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    yield problemItem(dir, rel(dir), folderError(dir, e));
    return;
  }
  const key = `${st.dev}:${st.ino}`;
  if (ancestors.has(key)) {
    yield problemItem(dir, rel(dir), new DejaError('IO_ERROR', 'symlink loop: this link leads back to a folder that encloses it', { file: dir, hint: 'its photos are listed once, from the enclosing folder' }));
    return;
  }
  if (visited.has(key)) return; // reached again through a link: its photos are already listed
  visited.add(key);
  ancestors.add(key);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    const isPhotoName = PHOTO_EXTENSIONS.has(path.extname(e.name).toLowerCase());
    if (e.isDirectory()) {
      yield* walk(p, root, visited, ancestors);
      continue;
    }
    if (e.isFile()) {
      if (isPhotoName) yield fileItem(p, rel(p));
      continue;
    }
    const target = e.isSymbolicLink() ? statTarget(p) : undefined;
    if (target instanceof Error) {
      if (isPhotoName) yield problemItem(p, rel(p), new DejaError('NOT_FOUND', 'broken symlink: its target does not exist', { file: p, hint: 'fix or remove the link' }));
    } else if (target?.isDirectory()) yield* walk(p, root, visited, ancestors);
    else if (target?.isFile()) {
      if (isPhotoName) yield fileItem(p, rel(p));
    } else if (isPhotoName) {
      const kind = target ? describeFileType(target) : e.isFIFO() ? 'a FIFO (named pipe)' : e.isCharacterDevice() ? 'a character device' : e.isBlockDevice() ? 'a block device' : e.isSocket() ? 'a socket' : 'not a regular file';
      yield problemItem(p, rel(p), new DejaError('IO_ERROR', `not a regular file: ${kind}`, { file: p, hint: 'only regular files are read as photos' }));
    }
  }
  ancestors.delete(key);
}

function statTarget(p: string): fs.Stats | Error {
  try {
    return fs.statSync(p);
  } catch (e) {
    return e as Error;
  }
}

function folderError(dir: string, e: unknown): DejaError {
  const err = ioError(dir, e);
  const why = err.message.replace(/^cannot read \((.*)\)$/, '$1');
  return new DejaError(err.code, `cannot list folder (${why}); its photos are not indexed`, { file: dir, hint: err.hint ?? 'check its permissions' });
}
