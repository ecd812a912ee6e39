/**
 * The structure-from-motion database of `deja reconstruct` (COLMAP's `database.db`): each photo's SIFT
 * features and each pair's verified matches, so that a rerun — after a kill, with other mapper options,
 * or with photos added — computes only what is missing. Photos are keyed by the sha256 of their bytes,
 * entries by the parameters that produced them (a changed parameter is a miss, never a stale hit).
 * Writes are transactions of whole entries (a kill leaves complete entries only); WAL and a busy
 * timeout let several processes share one file; a repeated entry is ignored (no duplicates).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DejaError } from '../core/errors.ts';

/** "DJSF": marks a Deja SfM database (SQLite's application_id), so another SQLite file is refused. */
const APPLICATION_ID = 0x444a5346;
const SCHEMA_VERSION = 1;

/** One photo's features as stored (SIFT's arrays, and its report as JSON). */
export interface StoredFeatures {
  count: number;
  keypoints: Float32Array;
  responses: Float32Array;
  descriptors: Float32Array;
  report: unknown;
}

/** One pair's matches as stored (`PairMatchReport` without the RANSAC models). */
export interface StoredMatch {
  count: number;
  pairs: Int32Array;
  distances: Float32Array;
  inliers: Uint8Array | null;
  inlierCount: number;
  configuration: string;
}

const blob = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** A copy of a blob as a typed array (SQLite's buffers need not be aligned). */
function typed<T extends Float32Array | Int32Array | Uint8Array>(b: Buffer, Kind: { new (buffer: ArrayBuffer): T }): T {
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return new Kind(copy);
}

/** Features and matches of photos, keyed by content hash and parameters. */
export class SfmDatabase {
  readonly file: string;
  private readonly db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  /**
   * Opens the database at `file`, creating it (and its folder) when missing.
   * @throws DejaError BAD_ARGUMENT for a file that is not a Deja SfM database; IO_ERROR when it cannot be created.
   * @example const db = SfmDatabase.open('out/database.sqlite'); db.features(sha, params); db.close();
   */
  static open(file: string): SfmDatabase {
    const abs = path.resolve(file);
    let db: Database.Database;
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      db = new Database(abs);
    } catch (e) {
      throw new DejaError('IO_ERROR', `cannot open the SfM database: ${(e as Error).message}`, { file: abs, hint: 'pass --database with a writable path' });
    }
    try {
      db.pragma('busy_timeout = 10000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const id = db.pragma('application_id', { simple: true }) as number;
      const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
      if (id !== APPLICATION_ID && (id !== 0 || tables > 0)) throw new Error('not a Deja SfM database');
      if (id === 0) {
        db.transaction(() => {
          db.exec(`CREATE TABLE IF NOT EXISTS features (photo TEXT NOT NULL, params TEXT NOT NULL, count INTEGER NOT NULL, keypoints BLOB NOT NULL,
                     responses BLOB NOT NULL, descriptors BLOB NOT NULL, report TEXT NOT NULL, PRIMARY KEY (photo, params));
                   CREATE TABLE IF NOT EXISTS matches (a TEXT NOT NULL, b TEXT NOT NULL, params TEXT NOT NULL, count INTEGER NOT NULL, pairs BLOB NOT NULL,
                     distances BLOB NOT NULL, inliers BLOB, inlier_count INTEGER NOT NULL, configuration TEXT NOT NULL, PRIMARY KEY (a, b, params));`);
          db.pragma(`application_id = ${APPLICATION_ID}`);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
      } else if ((db.pragma('user_version', { simple: true }) as number) !== SCHEMA_VERSION) {
        throw new Error(`a Deja SfM database of another version (${db.pragma('user_version', { simple: true })}; this Deja reads ${SCHEMA_VERSION})`);
      }
    } catch (e) {
      db.close();
      const message = (e as Error).message;
      throw new DejaError('BAD_ARGUMENT', /not a database|file is not/i.test(message) ? 'not a Deja SfM database (not SQLite)' : message, {
        file: abs, hint: 'pass --database a new file, or the database.sqlite an earlier deja reconstruct wrote',
      });
    }
    return new SfmDatabase(abs, db);
  }

  /** A photo's stored features for these parameters, or null. */
  features(photo: string, params: string): StoredFeatures | null {
    const row = this.db.prepare('SELECT count, keypoints, responses, descriptors, report FROM features WHERE photo = ? AND params = ?').get(photo, params) as
      { count: number; keypoints: Buffer; responses: Buffer; descriptors: Buffer; report: string } | undefined;
    if (!row) return null;
    return { count: row.count, keypoints: typed(row.keypoints, Float32Array), responses: typed(row.responses, Float32Array), descriptors: typed(row.descriptors, Float32Array), report: JSON.parse(row.report) };
  }

  /** Stores photos' features in one transaction; an entry already there is kept. */
  putFeatures(entries: readonly { photo: string; params: string; features: StoredFeatures }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO features VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { photo, params, features: f } of entries) insert.run(photo, params, f.count, blob(f.keypoints), blob(f.responses), blob(f.descriptors), JSON.stringify(f.report));
    }).immediate();
  }

  /** A pair's stored matches (photo a's features first) for these parameters, or null. */
  match(a: string, b: string, params: string): StoredMatch | null {
    const row = this.db.prepare('SELECT count, pairs, distances, inliers, inlier_count, configuration FROM matches WHERE a = ? AND b = ? AND params = ?').get(a, b, params) as
      { count: number; pairs: Buffer; distances: Buffer; inliers: Buffer | null; inlier_count: number; configuration: string } | undefined;
    if (!row) return null;
    return {
      count: row.count, pairs: typed(row.pairs, Int32Array), distances: typed(row.distances, Float32Array),
      inliers: row.inliers ? typed(row.inliers, Uint8Array) : null, inlierCount: row.inlier_count, configuration: row.configuration,
    };
  }

  /** Stores pairs' matches in one transaction; an entry already there is kept. */
  putMatches(entries: readonly { a: string; b: string; params: string; match: StoredMatch }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { a, b, params, match: m } of entries) insert.run(a, b, params, m.count, blob(m.pairs), blob(m.distances), m.inliers ? blob(m.inliers) : null, m.inlierCount, m.configuration);
    }).immediate();
  }

  /** Entries stored, for reports and tests. */
  counts(): { features: number; matches: number } {
    const n = (t: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { features: n('features'), matches: n('matches') };
  }

  close(): void {
    this.db.close();
  }
}
