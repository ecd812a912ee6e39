import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

const PREFIX = 'deja-serve-jobs-';
/** `deja-serve-jobs-<pid>-<random>`: the pid of the server that made it. */
const FOLDER = /^deja-serve-jobs-(\d+)-[A-Za-z0-9]+$/;
/** Folders servers of this process made (tests run several): never stale while the process lives. */
const ours = new Set<string>();

/**
 * The files `deja serve`'s jobs make (completions, maps, panels), one sub-folder per job under one
 * folder per server in the system temp folder (the collection may be on a read-only mount). Names
 * are chosen by the server (it checks job ids and file names against its own patterns); this only
 * refuses a name that would leave its folder.
 * @example const files = JobFiles.create(); files.save(id, 'grid.jpg', jpeg); files.open(id, 'grid.jpg')
 */
export class JobFiles {
  private constructor(readonly dir: string) {}

  /**
   * A fresh folder for one server's job files under `tmpRoot` (default `os.tmpdir()`). Folders left
   * by servers that were killed before they could remove theirs are removed first: their name holds
   * the pid of the server, and a pid that no longer runs is stale.
   */
  static create(tmpRoot = os.tmpdir()): JobFiles {
    removeStaleJobFilesDirs(tmpRoot);
    const dir = fs.mkdtempSync(path.join(tmpRoot, `${PREFIX}${process.pid}-`));
    ours.add(dir);
    return new JobFiles(dir);
  }

  /** Another handle on a folder `create` made (the job worker thread writes into the server's). */
  static at(dir: string): JobFiles {
    return new JobFiles(dir);
  }

  /** Writes one file of a job (its sub-folder is made on the first). */
  save(jobId: string, name: string, bytes: Buffer): void {
    const dir = path.join(this.dir, bare(jobId));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, bare(name)), bytes);
  }

  /** Reads one file of a job, as a stream (the file must exist: only names a job saved are asked for). */
  open(jobId: string, name: string): Readable {
    return fs.createReadStream(path.join(this.dir, bare(jobId), bare(name)));
  }

  /** Removes one job's files. */
  removeJob(jobId: string): void {
    fs.rmSync(path.join(this.dir, bare(jobId)), { recursive: true, force: true });
  }

  /** Removes every job file and the folder itself (the server is closing). */
  removeAll(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    ours.delete(this.dir);
  }
}

/** A name inside the folder, never a path out of it. */
function bare(name: string): string {
  if (!name || name !== path.basename(name) || name === '.' || name === '..') throw new Error(`assertion failed: job file name ${JSON.stringify(name)}`);
  return name;
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
