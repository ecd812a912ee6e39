import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'deja-serve-jobs-';
/** `deja-serve-jobs-<pid>-<random>`: the pid of the server that made it. */
const FOLDER = /^deja-serve-jobs-(\d+)-[A-Za-z0-9]+$/;
/** Folders servers of this process made (tests run several): never stale while the process lives. */
const ours = new Set<string>();

/**
 * A fresh folder for one server's job files under the system temp folder (the collection may be on a
 * read-only mount). Folders left by servers that were killed before they could remove theirs are
 * removed first: their name holds the pid of the server, and a pid that no longer runs is stale.
 * @param tmpRoot - where to make it (default `os.tmpdir()`)
 */
export function createJobFilesDir(tmpRoot = os.tmpdir()): string {
  removeStaleJobFilesDirs(tmpRoot);
  const dir = fs.mkdtempSync(path.join(tmpRoot, `${PREFIX}${process.pid}-`));
  ours.add(dir);
  return dir;
}

/** Removes the job folders under `tmpRoot` whose server is gone; returns their paths. */
export function removeStaleJobFilesDirs(tmpRoot = os.tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(tmpRoot)) {
    const m = FOLDER.exec(name);
    const dir = path.join(tmpRoot, name);
    if (!m || ours.has(dir) || isRunning(Number(m[1]))) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's folder in a shared temp folder: theirs to remove.
    }
  }
  return removed;
}

/** Forgets a folder once its server has removed it. */
export function releaseJobFilesDir(dir: string): void {
  ours.delete(dir);
}

function isRunning(pid: number): boolean {
  // A restarted server in a container often gets the pid of the one that was killed: a folder with
  // our own pid that this process did not make is stale.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
