import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DejaError, assert, isDejaError } from '../core/errors.ts';
import crypto from 'node:crypto';
import { migrate, schemaIsCurrent } from './schema.ts';
import { checkDtype, DescriptorFile, DTYPE_EXTENSION, rowBytesOf, type Dtype } from './descriptorFile.ts';
import { WriterLease } from './writerLease.ts';
import { commonDescriptorRows, type CommonDescriptors } from './commonDescriptors.ts';
import { fileSystemError } from '../core/fileSystemError.ts';
import { readArchiveMember } from '../io/sources.ts';

// Lets a collection on a read-only mount be opened with SQLite's `immutable=1` URI parameter. Must be
// set before the first connection (better-sqlite3 loads its addon, which reads it, lazily).
process.env.SQLITE_USE_URI ??= '1';

/** One photo of a collection. */
export interface PhotoRecord {
  id: number;
  /** Absolute file path, or `archive path#member`. */
  path: string;
  hash: string;
  width: number;
  height: number;
  format: string;
  latitude: number | null;
  longitude: number | null;
  /** ISO 8601 local time, with offset when known. */
  takenAt: string | null;
  camera: string | null;
  label: string | null;
}

/** A new photo's record before it has an id. */
export interface NewPhoto extends Omit<PhotoRecord, 'id'> {
  bytes: number;
  dataOffset: number | null;
  exif: Record<string, unknown> | null;
  /** Original bytes to keep (members of compressed archives), or null. */
  blob: Buffer | null;
  /** Modification time of the file (or its archive) when read, or null. */
  mtimeMs?: number | null;
}

/** What the collection knows of a path it has handled. */
export type PathState =
  | { kind: 'photo'; id: number; hash: string; bytes: number; mtimeMs: number | null; dataOffset: number | null }
  | { kind: 'alias'; photoId: number }
  | { kind: 'skipped'; code: string; reason: string };

/** Where a photo's bytes come from, for verifying and relinking. */
export interface PhotoSource {
  id: number;
  path: string;
  hash: string;
  bytes: number;
  dataOffset: number | null;
  /** The bytes are kept in the collection (members of compressed archives). */
  kept: boolean;
}

export interface EncoderInfo {
  spec: string;
  name: string;
  version: number;
  dim: number;
  dtype: Dtype;
  rows: number;
}

/** All descriptors of one encoder: an `n × dim` row-major matrix and the photo id of each row. */
export interface DescriptorMatrix {
  spec: string;
  dim: number;
  n: number;
  data: Float32Array;
  photoIds: Int32Array;
}

type CachedMatrix = DescriptorMatrix & { file: string; lastRow: number; stale: boolean };
type EncoderFile = { dim: number; dtype: Dtype; file: string };

const PHOTO_COLUMNS = 'id, path, hash, width, height, format, latitude, longitude, taken_at AS takenAt, camera, label';

/**
 * A photo collection in a folder: `deja.sqlite` (WAL) for photo records, provenance and bookkeeping,
 * and `descriptors/<encoder>.f32|f16` matrices. The only owner of that folder's files.
 *
 * Concurrency: one writer at a time per collection (the writer lease, taken on the first write and
 * refused with the holder's pid while another process writes) and any number of readers, each of
 * which sees a committed snapshot: descriptor bytes are synced before their rows commit, readers read
 * only committed rows and never truncate, and a rebuilt encoder gets a new file. A reader notices
 * other processes' commits cheaply (`PRAGMA data_version`) and reloads what changed.
 */
export class Collection {
  private readonly db: Database.Database;
  private readonly files = new Map<string, DescriptorFile>();
  private readonly matrixCache = new Map<string, CachedMatrix>();
  private lease: WriterLease | undefined;
  private dataVersion = 0;
  private ownCommits = 0;

  private constructor(
    readonly dir: string,
    /** Opened on a folder this process cannot write (a read-only mount, another user's collection). */
    readonly readOnly: boolean,
  ) {
    const file = path.join(dir, 'deja.sqlite');
    this.db = readOnly ? openReadOnly(file) : new Database(file);
    if (readOnly) {
      if (!schemaIsCurrent(this.db)) {
        this.db.close();
        throw new DejaError('READ_ONLY', 'this read-only collection was made by an older Deja and needs a schema upgrade', {
          file: dir,
          hint: 'open it once with write access (any deja command), then it can be read from here',
        });
      }
    } else {
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db);
    }
    this.dataVersion = this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Opens the collection in `dir`. A folder this process may read but not write opens read-only:
   * every reading command works there, and writes are refused with READ_ONLY.
   * @throws DejaError NOT_FOUND when it does not exist and `create` is false
   */
  static open(dir: string, options: { create?: boolean; readOnly?: boolean } = {}): Collection {
    const abs = path.resolve(dir);
    const exists = fs.existsSync(path.join(abs, 'deja.sqlite'));
    if (!exists && !options.create)
      throw new DejaError('NOT_FOUND', 'no Deja collection here', { file: abs, hint: 'build one with `deja index <photos>` or pass --collection <dir>' });
    if (!exists) {
      if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory())
        throw new DejaError('BAD_ARGUMENT', 'collection path is a file, not a folder', { file: abs, hint: 'pass a folder to --collection' });
      try {
        fs.mkdirSync(path.join(abs, 'descriptors'), { recursive: true });
      } catch (e) {
        throw fileSystemError(e, abs, 'cannot create the collection folder');
      }
    }
    const readOnly = options.readOnly ?? (exists && !canWrite(abs));
    try {
      return new Collection(abs, readOnly);
    } catch (e) {
      throw isDejaError(e) ? e : fileSystemError(e, abs, 'cannot open the collection');
    }
  }

  /**
   * Takes the collection's writer lease now (writes take it anyway): a second writer is refused at
   * once, before it reads a single photo.
   * @throws DejaError LOCKED naming the holder, READ_ONLY
   */
  acquireWriter(): void {
    this.writable();
  }

  private writable(): void {
    if (this.readOnly)
      throw new DejaError('READ_ONLY', 'the collection is read-only here', { file: this.dir, hint: 'reading commands work; to change it, use an account and mount that may write the folder' });
    if (!this.lease) {
      this.lease = WriterLease.acquire(this.dir);
      // Rows past the committed count are a crashed writer's: only now may they be truncated.
      for (const f of this.files.values()) f.close();
      this.files.clear();
    }
  }

  close(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
    this.db.close();
    this.lease?.release();
    this.lease = undefined;
  }

  /**
   * A number that changes whenever anything was committed to the collection, by this process or any
   * other; cheap enough to call per request (one PRAGMA). Caches of derived values key on it.
   */
  generation(): number {
    this.refresh();
    return this.dataVersion * 1_000_003 + this.ownCommits;
  }

  /** Drops cached descriptors when another process has committed since they were read. */
  private refresh(): void {
    const v = this.db.pragma('data_version', { simple: true }) as number;
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    if (!this.lease) {
      for (const f of this.files.values()) f.close();
      this.files.clear();
    }
    // Cached matrices are checked (and extended, if rows were only appended) on their next use.
    for (const m of this.matrixCache.values()) m.stale = true;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
  }

  photo(id: number): PhotoRecord | undefined {
    return this.db.prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE id = ?`).get(id) as PhotoRecord | undefined;
  }

  /** Every photo, ordered by id. */
  photos(): PhotoRecord[] {
    return this.db.prepare(`SELECT ${PHOTO_COLUMNS} FROM photos ORDER BY id`).all() as PhotoRecord[];
  }

  /** A page of photos, for browsing. */
  photoPage(offset: number, limit: number): PhotoRecord[] {
    return this.db.prepare(`SELECT ${PHOTO_COLUMNS} FROM photos ORDER BY id LIMIT ? OFFSET ?`).all(limit, offset) as PhotoRecord[];
  }

  photoByPath(p: string): PhotoRecord | undefined {
    return this.db.prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE path = ?`).get(p) as PhotoRecord | undefined;
  }

  /** True when this path was already handled (stored, an alias of a stored photo, or skipped). */
  hasSeenPath(p: string): boolean {
    return this.pathState(p) !== undefined;
  }

  /** What the collection knows of a path: a photo (with the stamp to tell whether it changed), an alias, a skipped file. */
  pathState(p: string): PathState | undefined {
    const photo = this.db.prepare('SELECT id, hash, bytes, mtime_ms AS mtimeMs, data_offset AS dataOffset FROM photos WHERE path = ?').get(p) as
      | { id: number; hash: string; bytes: number; mtimeMs: number | null; dataOffset: number | null }
      | undefined;
    if (photo) return { kind: 'photo', ...photo };
    const alias = this.db.prepare('SELECT photo_id AS photoId FROM aliases WHERE path = ?').get(p) as { photoId: number } | undefined;
    if (alias) return { kind: 'alias', photoId: alias.photoId };
    const skipped = this.db.prepare('SELECT code, reason FROM skipped WHERE path = ?').get(p) as { code: string; reason: string } | undefined;
    if (skipped) return { kind: 'skipped', ...skipped };
    return undefined;
  }

  photoIdByHash(hash: string): number | undefined {
    return (this.db.prepare('SELECT id FROM photos WHERE hash = ?').get(hash) as { id: number } | undefined)?.id;
  }

  /** Where each photo's bytes come from (for `deja verify` and `deja relink`). */
  photoSources(): PhotoSource[] {
    return (
      this.db
        .prepare('SELECT id, path, hash, bytes, data_offset AS dataOffset, EXISTS (SELECT 1 FROM blobs b WHERE b.photo_id = p.id) AS kept FROM photos p ORDER BY id')
        .all() as (Omit<PhotoSource, 'kept'> & { kept: number })[]
    ).map((r) => ({ ...r, kept: r.kept === 1 }));
  }

  /**
   * The original bytes of a photo, from its file, its uncompressed archive, or the kept blob, checked
   * against the content hash it was indexed with.
   * @throws DejaError NOT_FOUND when the file is gone, CHANGED when its bytes are no longer the indexed ones
   */
  readPhotoBytes(id: number): Buffer {
    const row = this.db.prepare('SELECT path, hash, bytes, data_offset AS dataOffset FROM photos WHERE id = ?').get(id) as
      | { path: string; hash: string; bytes: number; dataOffset: number | null }
      | undefined;
    if (!row) throw new DejaError('NOT_FOUND', `no photo with id ${id} in the collection`, { file: this.dir });
    const blob = this.db.prepare('SELECT data FROM blobs WHERE photo_id = ?').get(id) as { data: Buffer } | undefined;
    if (blob) return blob.data;
    const hash = row.path.indexOf('#');
    let bytes: Buffer;
    if (hash >= 0 && row.dataOffset !== null) bytes = readArchiveMember(row.path.slice(0, hash), row.dataOffset, row.bytes);
    else {
      try {
        bytes = fs.readFileSync(row.path);
      } catch {
        throw new DejaError('NOT_FOUND', 'photo file has moved or been deleted since it was indexed', {
          file: row.path,
          hint: 'restore it, or point the collection at its new folder with `deja relink <folder>`',
        });
      }
    }
    if (sha256(bytes) !== row.hash)
      throw new DejaError('CHANGED', `photo ${id} has changed since it was indexed (its bytes no longer match)`, {
        file: row.path,
        hint: 'run `deja verify` to list changed photos; `deja index` the folder again to re-index them, or `deja relink <folder>` if they moved',
      });
    return bytes;
  }

  /** Points a photo at its new location (same bytes: `deja relink`). */
  relinkPhoto(id: number, newPath: string, dataOffset: number | null, mtimeMs: number | null, keptBytes?: Buffer): void {
    this.writable();
    this.db.transaction(() => {
      this.db.prepare('UPDATE photos SET path = ?, data_offset = ?, mtime_ms = ? WHERE id = ?').run(newPath, dataOffset, mtimeMs, id);
      if (keptBytes) this.db.prepare('INSERT OR REPLACE INTO blobs (photo_id, data) VALUES (?, ?)').run(id, keptBytes);
    })();
    this.ownCommits++;
  }

  /** Descriptor files shorter than their committed rows (torn by something outside Deja). */
  checkDescriptorFiles(): { spec: string; problem: string }[] {
    const out: { spec: string; problem: string }[] = [];
    const encoders = this.db.prepare('SELECT spec, dim, dtype, file FROM encoders').all() as (EncoderFile & { spec: string })[];
    for (const e of encoders) {
      const last = (this.db.prepare('SELECT MAX(row) AS m FROM descriptors WHERE spec = ?').get(e.spec) as { m: number | null }).m;
      const need = (last === null ? 0 : last + 1) * rowBytesOf(e.dim, e.dtype);
      let have = 0;
      try {
        have = fs.statSync(path.join(this.dir, 'descriptors', e.file)).size;
      } catch {
        have = 0;
      }
      if (have < need) out.push({ spec: e.spec, problem: `descriptor file ${e.file} has ${have} bytes, fewer than the ${need} committed` });
    }
    return out;
  }

  /** Records the stamp of a photo whose file was touched but whose bytes are unchanged. */
  touchPhoto(id: number, mtimeMs: number | null, dataOffset: number | null): void {
    this.writable();
    this.db.prepare('UPDATE photos SET mtime_ms = ?, data_offset = ? WHERE id = ?').run(mtimeMs, dataOffset, id);
  }

  /** Encoders whose descriptors this collection holds, with row counts (rebuilds in progress are not listed). */
  encoders(): EncoderInfo[] {
    return this.db
      .prepare(
        `SELECT e.spec, e.name, e.version, e.dim, e.dtype, (SELECT COUNT(*) FROM descriptors d WHERE d.spec = e.spec) AS rows
         FROM encoders e WHERE e.spec NOT LIKE '%${STAGED}' ORDER BY e.spec`,
      )
      .all() as EncoderInfo[];
  }

  /** A token that changes when an encoder's descriptors are rebuilt (the name of their file). */
  descriptorSource(spec: string): string {
    return (this.db.prepare('SELECT file FROM encoders WHERE spec = ?').get(spec) as { file: string } | undefined)?.file ?? '';
  }

  /** The stored provenance of one encoder spec, or undefined. */
  encoderInfo(spec: string): EncoderInfo | undefined {
    return this.db
      .prepare('SELECT e.spec, e.name, e.version, e.dim, e.dtype, (SELECT COUNT(*) FROM descriptors d WHERE d.spec = e.spec) AS rows FROM encoders e WHERE e.spec = ?')
      .get(spec) as EncoderInfo | undefined;
  }

  /**
   * Registers an encoder (or checks that the stored descriptors were made by the same version and dim).
   * `dtype` applies to a new encoder only: an existing one keeps the precision its file was made with.
   * @throws DejaError ENCODER_MISMATCH with the command that rebuilds them; BAD_ARGUMENT for an unknown dtype
   */
  ensureEncoder(encoder: { spec: string; name: string; version: number; dim: number }, dtype: Dtype = 'float32'): void {
    checkDtype(dtype);
    const row = this.db.prepare('SELECT version, dim, dtype FROM encoders WHERE spec = ?').get(encoder.spec) as
      | { version: number; dim: number; dtype: Dtype }
      | undefined;
    if (row) {
      if (row.version !== encoder.version || row.dim !== encoder.dim)
        throw new DejaError(
          'ENCODER_MISMATCH',
          `descriptors for ${encoder.spec} were made by encoder version ${row.version} (dim ${row.dim}), this Deja has version ${encoder.version} (dim ${encoder.dim})`,
          { file: this.dir, hint: `rebuild them with: deja index --rebuild "${encoder.spec}"` },
        );
      return;
    }
    this.writable();
    this.db
      .prepare('INSERT OR IGNORE INTO encoders (spec, name, version, dim, dtype, file) VALUES (?, ?, ?, ?, ?, ?)')
      .run(encoder.spec, encoder.name, encoder.version, encoder.dim, dtype, newFileName(encoder.spec, dtype));
    this.ownCommits++;
  }

  /** Drops an encoder's descriptors so the next `deja index` recomputes them. */
  dropEncoder(spec: string): boolean {
    const row = this.db.prepare('SELECT file FROM encoders WHERE spec = ?').get(spec) as { file: string } | undefined;
    if (!row) return false;
    this.writable();
    this.closeFile(row.file);
    this.matrixCache.delete(spec);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM descriptors WHERE spec = ?').run(spec);
      this.db.prepare('DELETE FROM encoders WHERE spec = ?').run(spec);
    })();
    this.ownCommits++;
    fs.rmSync(path.join(this.dir, 'descriptors', row.file), { force: true });
    return true;
  }

  /**
   * Starts (or resumes) rebuilding an encoder's descriptors. New vectors go to a staged encoder with its
   * own file while readers keep using the old ones; `finishRebuild` swaps them in one transaction. A kill
   * in between leaves the old descriptors intact and the staged ones resumable.
   * @returns the staged spec to store the recomputed vectors under
   */
  beginRebuild(encoder: { spec: string; name: string; version: number; dim: number }, dtype: Dtype = 'float32'): string {
    this.writable();
    const staged = encoder.spec + STAGED;
    const row = this.db.prepare('SELECT version, dim FROM encoders WHERE spec = ?').get(staged) as { version: number; dim: number } | undefined;
    if (row && (row.version !== encoder.version || row.dim !== encoder.dim)) this.dropEncoder(staged);
    this.ensureEncoder({ ...encoder, spec: staged }, dtype);
    return staged;
  }

  /**
   * Swaps a staged rebuild in: the old descriptors of photos the rebuild could not recompute are copied
   * over (when the dimension allows), then one transaction replaces the old rows and provenance.
   * @returns the photos whose old descriptors were kept, and those left without one (other dimension)
   */
  finishRebuild(spec: string): { kept: number[]; dropped: number[] } {
    this.writable();
    const staged = spec + STAGED;
    const live = this.db.prepare('SELECT dim, file FROM encoders WHERE spec = ?').get(spec) as { dim: number; file: string } | undefined;
    const next = this.db.prepare('SELECT name, version, dim, dtype, file FROM encoders WHERE spec = ?').get(staged) as
      | { name: string; version: number; dim: number; dtype: Dtype; file: string }
      | undefined;
    assert(next, `no staged rebuild of ${spec}`);
    const kept: number[] = [];
    const dropped: number[] = [];
    if (live) {
      const lacking = this.db
        .prepare('SELECT d.photo_id AS id, d.row FROM descriptors d WHERE d.spec = ? AND d.photo_id NOT IN (SELECT photo_id FROM descriptors WHERE spec = ?) ORDER BY d.row')
        .all(spec, staged) as { id: number; row: number }[];
      if (live.dim === next.dim && lacking.length) {
        const old = this.descriptorFile(spec);
        this.commitBatch({ photos: [], extraDescriptors: lacking.map((r) => ({ photoId: r.id, spec: staged, vector: old.readRows(r.row, 1) })) });
        kept.push(...lacking.map((r) => r.id));
      } else dropped.push(...lacking.map((r) => r.id));
    }
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM descriptors WHERE spec = ?').run(spec);
      this.db.prepare('DELETE FROM encoders WHERE spec = ?').run(spec);
      this.db.prepare('INSERT INTO encoders (spec, name, version, dim, dtype, file) VALUES (?, ?, ?, ?, ?, ?)').run(spec, next.name, next.version, next.dim, next.dtype, next.file);
      this.db.prepare('UPDATE descriptors SET spec = ? WHERE spec = ?').run(spec, staged);
      this.db.prepare('DELETE FROM encoders WHERE spec = ?').run(staged);
    })();
    this.ownCommits++;
    this.matrixCache.delete(spec);
    this.matrixCache.delete(staged);
    if (live) {
      this.closeFile(live.file);
      // Readers that still hold the old file keep reading it (an unlinked file stays readable).
      fs.rmSync(path.join(this.dir, 'descriptors', live.file), { force: true });
    }
    return { kept, dropped };
  }

  /** Photo ids that lack a descriptor of this encoder spec. */
  photosMissing(spec: string): number[] {
    return (
      this.db.prepare('SELECT id FROM photos WHERE id NOT IN (SELECT photo_id FROM descriptors WHERE spec = ?) ORDER BY id').all(spec) as {
        id: number;
      }[]
    ).map((r) => r.id);
  }

  private descriptorFile(spec: string): DescriptorFile {
    const e = this.db.prepare('SELECT dim, dtype, file FROM encoders WHERE spec = ?').get(spec) as EncoderFile | undefined;
    if (!e) throw new DejaError('NO_DATA', `the collection has no ${spec} descriptors`, { file: this.dir, hint: `add them by indexing the same photos again: deja index --encoders "${spec}" <their folders or archives>` });
    return this.openFile(spec, e);
  }

  private openFile(spec: string, e: EncoderFile): DescriptorFile {
    let f = this.files.get(e.file);
    if (!f) {
      checkDtype(e.dtype); // a newer Deja's precision is refused, not misread
      const full = path.join(this.dir, 'descriptors', e.file);
      if (this.lease) {
        // The writer truncates to one past the last committed row: anything after is a crashed batch.
        const last = (this.db.prepare('SELECT MAX(row) AS m FROM descriptors WHERE spec = ?').get(spec) as { m: number | null }).m;
        f = new DescriptorFile(full, e.dim, e.dtype, last === null ? 0 : last + 1, 'write');
      } else {
        try {
          f = new DescriptorFile(full, e.dim, e.dtype, 0, 'read');
        } catch (err) {
          throw fileSystemError(err, full, 'cannot read descriptor file');
        }
      }
      this.files.set(e.file, f);
    }
    return f;
  }

  private closeFile(file: string): void {
    this.files.get(file)?.close();
    this.files.delete(file);
  }

  /**
   * Stores a batch atomically: new photos (with their descriptors), descriptors for existing photos,
   * photos whose file changed (new record and descriptors, same id), aliases and skipped items.
   * Descriptor bytes are appended and synced first, then one SQLite transaction commits every row; a
   * crash in between leaves only bytes that the next writer truncates.
   * @returns the ids given to the new photos, in order
   */
  commitBatch(batch: {
    photos: { photo: NewPhoto; descriptors: Map<string, Float32Array> }[];
    extraDescriptors?: { photoId: number; spec: string; vector: Float32Array }[];
    changed?: { photoId: number; photo: NewPhoto; descriptors: Map<string, Float32Array> }[];
    aliases?: { path: string; photoId: number }[];
    skipped?: { path: string; code: string; reason: string }[];
  }): number[] {
    this.writable();
    // 1. Descriptor bytes, grouped per encoder, appended and synced.
    const perSpec = new Map<string, { vectors: Float32Array[]; owners: (number | { index: number })[] }>();
    const group = (spec: string) => {
      let g = perSpec.get(spec);
      if (!g) perSpec.set(spec, (g = { vectors: [], owners: [] }));
      return g;
    };
    batch.photos.forEach((p, index) => {
      for (const [spec, v] of p.descriptors) {
        const g = group(spec);
        g.vectors.push(v);
        g.owners.push({ index });
      }
    });
    for (const d of batch.extraDescriptors ?? []) {
      const g = group(d.spec);
      g.vectors.push(d.vector);
      g.owners.push(d.photoId);
    }
    for (const c of batch.changed ?? [])
      for (const [spec, v] of c.descriptors) {
        const g = group(spec);
        g.vectors.push(v);
        g.owners.push(c.photoId);
      }
    const firstRows = new Map<string, number>();
    try {
      for (const [spec, g] of perSpec) {
        const file = this.descriptorFile(spec);
        const flat = new Float32Array(g.vectors.length * file.dim);
        g.vectors.forEach((v, i) => {
          assert(v.length === file.dim, `descriptor for ${spec} has ${v.length} values, expected ${file.dim}`);
          flat.set(v, i * file.dim);
        });
        firstRows.set(spec, file.appendSync(flat));
      }
    } catch (e) {
      this.rollBackFiles(perSpec.keys());
      throw isDejaError(e) ? e : fileSystemError(e, path.join(this.dir, 'descriptors'), 'cannot write descriptors');
    }
    // 2. One transaction for all rows.
    const now = new Date().toISOString();
    const insertPhoto = this.db.prepare(
      `INSERT INTO photos (path, hash, bytes, data_offset, width, height, format, latitude, longitude, taken_at, camera, label, exif, added_at, mtime_ms)
       VALUES (@path, @hash, @bytes, @dataOffset, @width, @height, @format, @latitude, @longitude, @takenAt, @camera, @label, @exif, @addedAt, @mtimeMs)`,
    );
    // A changed photo keeps its id and label; GPS and time come from its new EXIF when it has them.
    const updatePhoto = this.db.prepare(
      `UPDATE photos SET hash = @hash, bytes = @bytes, data_offset = @dataOffset, width = @width, height = @height, format = @format,
         latitude = COALESCE(@latitude, latitude), longitude = COALESCE(@longitude, longitude), taken_at = COALESCE(@takenAt, taken_at),
         camera = @camera, exif = @exif, added_at = @addedAt, mtime_ms = @mtimeMs WHERE id = @id`,
    );
    const insertBlob = this.db.prepare('INSERT OR REPLACE INTO blobs (photo_id, data) VALUES (?, ?)');
    const deleteBlob = this.db.prepare('DELETE FROM blobs WHERE photo_id = ?');
    const deleteDescriptors = this.db.prepare('DELETE FROM descriptors WHERE photo_id = ?');
    const insertDescriptor = this.db.prepare('INSERT INTO descriptors (spec, row, photo_id) VALUES (?, ?, ?)');
    const insertAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (path, photo_id) VALUES (?, ?)');
    const insertSkipped = this.db.prepare('INSERT OR REPLACE INTO skipped (path, code, reason, at) VALUES (?, ?, ?, ?)');
    const unskip = this.db.prepare('DELETE FROM skipped WHERE path = ?');
    const ids: number[] = [];
    try {
      this.db.transaction(() => {
        for (const { photo } of batch.photos) {
          const { blob, exif, ...rest } = photo;
          const info = insertPhoto.run({ ...rest, mtimeMs: rest.mtimeMs ?? null, exif: exif ? JSON.stringify(exif) : null, addedAt: now });
          const id = Number(info.lastInsertRowid);
          ids.push(id);
          if (blob) insertBlob.run(id, blob);
          unskip.run(photo.path);
        }
        for (const c of batch.changed ?? []) {
          const { blob, exif, label: _label, path: _path, ...rest } = c.photo;
          deleteDescriptors.run(c.photoId);
          updatePhoto.run({ ...rest, id: c.photoId, mtimeMs: rest.mtimeMs ?? null, exif: exif ? JSON.stringify(exif) : null, addedAt: now });
          if (blob) insertBlob.run(c.photoId, blob);
          else deleteBlob.run(c.photoId);
        }
        for (const [spec, g] of perSpec) {
          const first = firstRows.get(spec)!;
          g.owners.forEach((owner, i) => insertDescriptor.run(spec, first + i, typeof owner === 'number' ? owner : ids[owner.index]));
        }
        for (const a of batch.aliases ?? []) {
          insertAlias.run(a.path, a.photoId);
          unskip.run(a.path);
        }
        for (const s of batch.skipped ?? []) insertSkipped.run(s.path, s.code, s.reason, now);
      })();
    } catch (e) {
      this.rollBackFiles(perSpec.keys());
      throw fileSystemError(e, path.join(this.dir, 'deja.sqlite'), 'cannot commit to the collection');
    }
    this.ownCommits++;
    for (const spec of perSpec.keys()) this.matrixCache.delete(spec);
    return ids;
  }

  /** Closes the files of a failed batch so the next open truncates them back to their committed rows. */
  private rollBackFiles(specs: Iterable<string>): void {
    for (const spec of specs) {
      const e = this.db.prepare('SELECT file FROM encoders WHERE spec = ?').get(spec) as { file: string } | undefined;
      if (e) this.closeFile(e.file);
    }
  }

  /**
   * All descriptors of an encoder spec, as one committed snapshot. Cached; after another process's
   * commit the cache is checked, and rows that were only appended are read on their own.
   */
  descriptorMatrix(spec: string): DescriptorMatrix {
    this.refresh();
    const cached = this.matrixCache.get(spec);
    if (cached && !cached.stale) return cached;
    // One read transaction: the file and its rows come from the same committed state.
    const snapshot = this.db.transaction(() => {
      const e = this.db.prepare('SELECT dim, dtype, file FROM encoders WHERE spec = ?').get(spec) as EncoderFile | undefined;
      const rows = e ? (this.db.prepare('SELECT row, photo_id FROM descriptors WHERE spec = ? ORDER BY row').raw().all(spec) as [number, number][]) : [];
      return { e, rows };
    })();
    if (!snapshot.e) throw new DejaError('NO_DATA', `the collection has no ${spec} descriptors`, { file: this.dir, hint: `add them by indexing the same photos again: deja index --encoders "${spec}" <their folders or archives>` });
    const f = this.openFile(spec, snapshot.e);
    const prefix = cached && cached.file === snapshot.e.file && isAppendOf(cached, snapshot.rows) ? cached : undefined;
    if (prefix && snapshot.rows.length === prefix.n) {
      prefix.stale = false;
      return prefix;
    }
    let m: CachedMatrix;
    try {
      m = readSnapshot(spec, f, snapshot.e.file, snapshot.rows, prefix);
    } catch (e) {
      // A rebuild swapped the file between the snapshot and the read: take a new snapshot.
      if (this.lease || (e as { code?: string }).code !== 'EBADF') throw e;
      this.closeFile(snapshot.e.file);
      this.matrixCache.delete(spec);
      return this.descriptorMatrix(spec);
    }
    this.matrixCache.set(spec, m);
    return m;
  }

  /**
   * Several encoders' descriptors over their common rows: the photos that have every one of them (and
   * pass `keep`), in photo-id order, with the count of photos left out for a missing descriptor.
   * @throws DejaError NO_DATA when the collection has no descriptors of one of the specs.
   * @example
   * const { photoIds, parts, leftOut } = collection.commonDescriptors(['gist', 'tiny'], (id) => geotagged.has(id));
   */
  commonDescriptors(specs: readonly string[], keep?: (photoId: number) => boolean): CommonDescriptors {
    return commonDescriptorRows(specs.map((s) => this.descriptorMatrix(s)), keep);
  }

  /**
   * An encoder's normalising distance scale, cached in the collection's meta and estimated again when
   * its row count changes or its descriptors are rebuilt. `estimate` receives all the encoder's
   * descriptors and their rows sorted by photo id, so the value does not depend on row order.
   * @example
   * const s = collection.distanceScale('gist', (m, byId) => combinedScale(m.data, m.n, m.dim, 'l2', byId));
   */
  distanceScale(spec: string, estimate: (m: DescriptorMatrix, rowsByPhotoId: Int32Array) => number): number {
    const m = this.descriptorMatrix(spec);
    const key = `scale:${spec}`;
    const source = this.descriptorSource(spec);
    const cached = this.getMeta(key)?.split(':');
    if (cached && Number(cached[0]) === m.n && cached[2] === source && Number(cached[1]) > 0) return Number(cached[1]);
    const byPhotoId = Int32Array.from({ length: m.n }, (_, r) => r).sort((a, b) => m.photoIds[a] - m.photoIds[b]);
    const scale = estimate(m, byPhotoId);
    this.setMeta(key, `${m.n}:${scale}:${source}`);
    return scale;
  }

  setGeo(id: number, latitude: number, longitude: number, takenAt?: string | null): void {
    this.writable();
    if (takenAt === undefined) this.db.prepare('UPDATE photos SET latitude = ?, longitude = ? WHERE id = ?').run(latitude, longitude, id);
    else this.db.prepare('UPDATE photos SET latitude = ?, longitude = ?, taken_at = ? WHERE id = ?').run(latitude, longitude, takenAt, id);
    this.ownCommits++;
  }

  setLabel(id: number, label: string | null): void {
    this.writable();
    this.db.prepare('UPDATE photos SET label = ? WHERE id = ?').run(label, id);
    this.ownCommits++;
  }

  skippedItems(): { path: string; code: string; reason: string; at: string }[] {
    return this.db.prepare('SELECT path, code, reason, at FROM skipped ORDER BY at, path').all() as { path: string; code: string; reason: string; at: string }[];
  }

  aliasCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM aliases').get() as { n: number }).n;
  }

  /** Photos with a given hash or alias path (exact-duplicate groups). */
  exactDuplicateGroups(): { photoId: number; paths: string[] }[] {
    const rows = this.db.prepare('SELECT photo_id AS photoId, path FROM aliases ORDER BY photo_id, path').all() as { photoId: number; path: string }[];
    const groups = new Map<number, string[]>();
    for (const r of rows) {
      if (!groups.has(r.photoId)) groups.set(r.photoId, [this.photo(r.photoId)!.path]);
      groups.get(r.photoId)!.push(r.path);
    }
    return [...groups].map(([photoId, paths]) => ({ photoId, paths }));
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  /**
   * Stores a small derived value (a cached normalisation). Readers may call it too: SQLite serialises
   * such writes, and on a read-only collection it does nothing (the value is recomputed next time).
   */
  setMeta(key: string, value: string): void {
    if (this.readOnly) return;
    try {
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!/^SQLITE_(READONLY|BUSY|FULL|IOERR)/.test(code)) throw e;
    }
  }

  /** Runs `fn` in one SQLite transaction (a write: takes the writer lease). */
  transaction<T>(fn: () => T): T {
    this.writable();
    const out = this.db.transaction(fn)();
    this.ownCommits++;
    return out;
  }

  /** Counts for `deja info`. */
  stats(): { geotagged: number; labelled: number; labels: { label: string; count: number }[]; diskBytes: number } {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      geotagged: one('SELECT COUNT(*) AS n FROM photos WHERE latitude IS NOT NULL'),
      labelled: one('SELECT COUNT(*) AS n FROM photos WHERE label IS NOT NULL'),
      labels: this.db.prepare('SELECT label, COUNT(*) AS count FROM photos WHERE label IS NOT NULL GROUP BY label ORDER BY count DESC, label').all() as {
        label: string;
        count: number;
      }[],
      diskBytes: folderBytes(this.dir),
    };
  }

  /** Folder for derived files (indexes) that may be rebuilt at any time; on a read-only collection it may not be writable. */
  cacheDir(): string {
    const d = path.join(this.dir, 'indexes');
    if (!this.readOnly) fs.mkdirSync(d, { recursive: true });
    return d;
  }
}

/** Reads a snapshot's rows into one matrix; a cached prefix (rows only appended since) is copied, not read. */
function readSnapshot(spec: string, f: DescriptorFile, file: string, rows: [number, number][], prefix?: CachedMatrix): CachedMatrix {
  const n = rows.length;
  const photoIds = new Int32Array(n);
  for (let i = 0; i < n; i++) photoIds[i] = rows[i][1];
  const lastRow = n ? rows[n - 1][0] : -1;
  // The common case, rows 0 … n-1 with nothing cached: one read, no copy.
  if (!prefix && lastRow === n - 1) return { spec, dim: f.dim, n, data: f.readRows(0, n), photoIds, file, lastRow, stale: false };
  const data = new Float32Array(n * f.dim);
  const from = prefix ? prefix.n : 0;
  if (prefix) data.set(prefix.data.subarray(0, prefix.n * f.dim));
  // Rows are contiguous but for holes where a changed photo's old rows were deleted: read in runs.
  let i = from;
  while (i < n) {
    let j = i + 1;
    while (j < n && rows[j][0] === rows[j - 1][0] + 1) j++;
    data.set(f.readRows(rows[i][0], j - i), i * f.dim);
    i = j;
  }
  return { spec, dim: f.dim, n, data, photoIds, file, lastRow, stale: false };
}

/** Suffix of the staged encoder of a rebuild in progress. */
const STAGED = '@rebuild';

/** True when `rows` starts with exactly the rows of the cached matrix (rows were only appended since). */
function isAppendOf(cached: { n: number; lastRow: number; photoIds: Int32Array }, rows: [number, number][]): boolean {
  if (rows.length < cached.n) return false;
  if (cached.n === 0) return true;
  const last = rows[cached.n - 1];
  return last[0] === cached.lastRow && last[1] === cached.photoIds[cached.n - 1];
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** True when this process may write in the folder and its database file. */
function canWrite(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    fs.accessSync(path.join(dir, 'deja.sqlite'), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only connection. SQLite reads a WAL database read-only only while its `-shm` file exists or
 * can be made; on a read-only mount after a clean close neither holds, and `immutable=1` (nothing will
 * change it there) is the way in.
 */
function openReadOnly(file: string): Database.Database {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('user_version');
    return db;
  } catch (e) {
    // CANTOPEN on a read-only mount; READONLY_CANTINIT and kin when another user owns the -shm.
    if (!/^SQLITE_(CANTOPEN|READONLY)/.test((e as { code?: string }).code ?? '')) throw e;
    return new Database(`file:${encodeURI(file).replace(/\?/g, '%3f').replace(/#/g, '%23')}?immutable=1`, { readonly: true });
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/**
 * A new, unique file name for an encoder's descriptors: safe characters, and a random suffix so a
 * rebuilt encoder never reuses the file a reader may still be reading.
 */
function newFileName(spec: string, dtype: Dtype): string {
  const safe = spec.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 60);
  return `${safe}-${crypto.randomBytes(4).toString('hex')}${DTYPE_EXTENSION[dtype]}`;
}
