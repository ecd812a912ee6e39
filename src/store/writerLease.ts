import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DejaError } from '../core/errors.ts';

/** Who holds a collection's writer lease (written beside the lock once it is taken). */
export interface LeaseHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const LOCK_FILE = 'writer.lock';
const HOLDER_FILE = 'writer.json';

/**
 * The one-writer-at-a-time lease of a collection folder. It is an OS advisory lock (SQLite's fcntl
 * RESERVED lock on `writer.lock`, held by an open `BEGIN IMMEDIATE`), so the kernel releases it the
 * moment its process dies, even by `kill -9`: there is never a stale lease to clean up by hand.
 * Readers never touch it. Held until `release()` (Collection.close).
 */
export class WriterLease {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string,
  ) {}

  /**
   * Takes the lease, or refuses at once naming the holder.
   * @throws DejaError LOCKED when another process (or another handle in this one) holds it
   */
  static acquire(dir: string): WriterLease {
    const db = new Database(path.join(dir, LOCK_FILE));
    try {
      db.pragma('busy_timeout = 0');
      db.exec('CREATE TABLE IF NOT EXISTS lease (id INTEGER PRIMARY KEY)');
      db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw lockedError(dir);
      throw e;
    }
    const holderFile = path.join(dir, HOLDER_FILE);
    const holder: LeaseHolder = { pid: process.pid, host: os.hostname(), command: process.argv.slice(1).map((a) => path.basename(a)).join(' ').slice(0, 200), since: new Date().toISOString() };
    const tmp = `${holderFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(holder) + '\n');
    fs.renameSync(tmp, holderFile);
    return new WriterLease(db, holderFile);
  }

  release(): void {
    if (!this.db.open) return;
    fs.rmSync(this.holderFile, { force: true });
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

/** The recorded holder of a collection's lease, if it wrote one. */
export function leaseHolder(dir: string): LeaseHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, HOLDER_FILE), 'utf8')) as LeaseHolder;
  } catch {
    return undefined;
  }
}

function lockedError(dir: string): DejaError {
  const h = leaseHolder(dir);
  const who = h ? `process ${h.pid}${h.host !== os.hostname() ? ` on ${h.host}` : ''} (${h.command}, since ${h.since})` : 'another process';
  return new DejaError('LOCKED', `the collection is being written by ${who}; one writer at a time`, {
    file: dir,
    hint: 'wait for it to finish (searching, serving and other reading commands work meanwhile)',
  });
}
