import type { Database } from 'better-sqlite3';
import { DejaError } from '../core/errors.ts';

/**
 * The collection's SQLite schema, as numbered migrations applied in order (PRAGMA user_version).
 * A migration is never edited once released; a change is a new entry.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- absolute file path, or archive path + '#' + member
    hash TEXT NOT NULL UNIQUE,          -- sha256 of the bytes: exact duplicates are one photo
    bytes INTEGER NOT NULL,
    data_offset INTEGER,                -- for members of uncompressed tars: where the bytes start
    width INTEGER NOT NULL,             -- upright size (after EXIF orientation)
    height INTEGER NOT NULL,
    format TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    taken_at TEXT,                      -- ISO 8601 local time, with offset when known
    camera TEXT,
    label TEXT,
    exif TEXT,                          -- JSON of the EXIF fields read
    added_at TEXT NOT NULL
  );
  CREATE INDEX photos_label ON photos(label);
  -- Other paths whose bytes equal a photo's (content-hash de-duplication).
  CREATE TABLE aliases (
    path TEXT PRIMARY KEY,
    photo_id INTEGER NOT NULL REFERENCES photos(id)
  );
  -- Bad inputs: skipped and reported, never retried silently.
  CREATE TABLE skipped (
    path TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
  );
  -- One row per encoder spec whose descriptors the collection holds (provenance).
  CREATE TABLE encoders (
    spec TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    file TEXT NOT NULL
  );
  -- Row r of an encoder's descriptor file belongs to photo_id. Committed only after the bytes are synced.
  CREATE TABLE descriptors (
    spec TEXT NOT NULL REFERENCES encoders(spec),
    row INTEGER NOT NULL,
    photo_id INTEGER NOT NULL REFERENCES photos(id),
    PRIMARY KEY (spec, row),
    UNIQUE (spec, photo_id)
  );
  -- Original bytes of photos that cannot be read back cheaply (members of compressed archives).
  CREATE TABLE blobs (
    photo_id INTEGER PRIMARY KEY REFERENCES photos(id),
    data BLOB NOT NULL
  );
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  -- Modification time of the file (or archive) when its photo was read: with bytes, tells a photo
  -- edited in place from one left alone without hashing it again.
  ALTER TABLE photos ADD COLUMN mtime_ms REAL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a collection's schema up to date. Runs in one IMMEDIATE transaction that re-reads the version
 * inside it, so two processes creating the same new collection at once migrate it exactly once.
 */
export function migrate(db: Database): void {
  const check = (current: number) => {
    if (current > SCHEMA_VERSION)
      throw new DejaError('BAD_ARGUMENT', `collection schema version ${current} is newer than this Deja (${SCHEMA_VERSION})`, { hint: 'upgrade Deja' });
  };
  check(db.pragma('user_version', { simple: true }) as number);
  if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    check(current);
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** True when a collection opened read-only has the current schema (it cannot be migrated there). */
export function schemaIsCurrent(db: Database): boolean {
  return (db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION;
}
