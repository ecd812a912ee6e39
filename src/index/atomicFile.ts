import crypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';

/**
 * Replaces the file at `target` all at once: `write` fills a temporary file in the same folder (a
 * unique name per process and call, so concurrent writers never share one), which is flushed to
 * disk and renamed over `target`; then the folder is flushed so the rename survives a crash. Readers
 * see the old file or the new one, never a partial one; of concurrent writers the last rename wins.
 * On any failure the temporary file is removed and the error rethrown; `target` is untouched.
 *
 * @param target - final path of the file.
 * @param write - writes the complete contents to the path it is given.
 * @throws whatever `write`, open, fsync or rename throw (e.g. EACCES, EROFS, ENOSPC).
 * @example
 * replaceFileAtomically('indexes/tiny.HNSW32.idx', (tmp) => native.save(tmp));
 */
export function replaceFileAtomically(target: string, write: (tmpPath: string) => void): void {
  const dir = nodePath.dirname(target);
  const tmp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    write(tmp);
    flushFile(tmp, 'r+');
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  // Best effort: some platforms and file systems cannot open or flush a folder.
  try {
    flushFile(dir, 'r');
  } catch {
    /* the rename is done; only its durability across a power cut is weaker */
  }
}

function flushFile(file: string, flags: string): void {
  const fd = fs.openSync(file, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
