import crypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';

/** A complete new version of a file, written and flushed beside it, not yet in place. */
export interface PendingReplacement {
  /** Renames the new version over the target: readers see the old file or the new one, never a mix. */
  commit(): void;
  /** Removes the new version; the target is untouched. */
  abandon(): void;
}

/**
 * Writes the next version of `target` to a temporary file in the same folder (a unique name per
 * process and call, so concurrent writers never share one) and flushes it to disk; `commit` then
 * renames it into place. Splitting the two lets a caller prepare several files and rename them back
 * to back. On a failure while writing, the temporary file is removed and the error rethrown.
 *
 * @param target - final path of the file.
 * @param write - writes the complete contents to the path it is given.
 * @throws whatever `write`, open or fsync throw (e.g. EACCES, EROFS, ENOSPC).
 */
export function prepareReplacement(target: string, write: (tmpPath: string) => void): PendingReplacement {
  const tmp = nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const abandon = () => fs.rmSync(tmp, { force: true });
  try {
    write(tmp);
    flush(tmp, 'r+');
  } catch (e) {
    abandon();
    throw e;
  }
  return {
    commit() {
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        abandon();
        throw e;
      }
    },
    abandon,
  };
}

/**
 * Replaces the file at `target` all at once (`prepareReplacement`, then commit), then flushes the
 * folder so the rename survives a crash. Of concurrent writers the last rename wins.
 *
 * @example
 * replaceFileAtomically('indexes/tiny.HNSW32.idx', (tmp) => native.save(tmp));
 */
export function replaceFileAtomically(target: string, write: (tmpPath: string) => void): void {
  prepareReplacement(target, write).commit();
  flushFolder(nodePath.dirname(target));
}

/** Flushes a folder's entries (renames) to disk, where the platform allows it. */
export function flushFolder(dir: string): void {
  try {
    flush(dir, 'r');
  } catch {
    /* some platforms and file systems cannot open or flush a folder; the rename is done regardless */
  }
}

function flush(file: string, flags: string): void {
  const fd = fs.openSync(file, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
