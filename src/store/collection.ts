import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DejaError, assert } from '../core/errors.ts';
import { migrate } from './schema.ts';
import { DescriptorFile, type Dtype } from './descriptorFile.ts';
import { readArchiveMember } from '../io/sources.ts';

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

const PHOTO_COLUMNS = 'id, path, hash, width, height, format, latitude, longitude, taken_at AS takenAt, camera, label';

/**
 * A photo collection in a folder: `deja.sqlite` (WAL) for photo records, provenance and bookkeeping,
 * and `descriptors/<encoder>.f32|f16` matrices. The only owner of that folder's files.
 */
export class Collection {
  private readonly db: Database.Database;
  private readonly files = new Map<string, DescriptorFile>();
  private readonly matrixCache = new Map<string, DescriptorMatrix>();

  private constructor(readonly dir: string) {
    this.db = new Database(path.join(dir, 'deja.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
  }

  /**
   * Opens the collection in `dir`.
   * @throws DejaError NOT_FOUND when it does not exist and `create` is false
   */
  static open(dir: string, options: { create?: boolean } = {}): Collection {
    const abs = path.resolve(dir);
    const exists = fs.existsSync(path.join(abs, 'deja.sqlite'));
    if (!exists && !options.create)
      throw new DejaError('NOT_FOUND', 'no Deja collection here', { file: abs, hint: 'build one with `deja index <photos>` or pass --collection <dir>' });
    if (!exists) {
      if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory())
        throw new DejaError('BAD_ARGUMENT', 'collection path is a file, not a folder', { file: abs, hint: 'pass a folder to --collection' });
      fs.mkdirSync(path.join(abs, 'descriptors'), { recursive: true });
    }
    return new Collection(abs);
  }

  close(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
    this.db.close();
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
    return !!this.db.prepare('SELECT 1 FROM photos WHERE path = ? UNION ALL SELECT 1 FROM aliases WHERE path = ? UNION ALL SELECT 1 FROM skipped WHERE path = ? LIMIT 1').get(p, p, p);
  }

  photoIdByHash(hash: string): number | undefined {
    return (this.db.prepare('SELECT id FROM photos WHERE hash = ?').get(hash) as { id: number } | undefined)?.id;
  }

  /** The original bytes of a photo: from its file, its uncompressed archive, or the kept blob. */
  readPhotoBytes(id: number): Buffer {
    const row = this.db.prepare('SELECT path, bytes, data_offset AS dataOffset FROM photos WHERE id = ?').get(id) as
      | { path: string; bytes: number; dataOffset: number | null }
      | undefined;
    if (!row) throw new DejaError('NOT_FOUND', `no photo with id ${id} in the collection`, { file: this.dir });
    const blob = this.db.prepare('SELECT data FROM blobs WHERE photo_id = ?').get(id) as { data: Buffer } | undefined;
    if (blob) return blob.data;
    const hash = row.path.indexOf('#');
    if (hash >= 0 && row.dataOffset !== null) return readArchiveMember(row.path.slice(0, hash), row.dataOffset, row.bytes);
    try {
      return fs.readFileSync(row.path);
    } catch {
      throw new DejaError('NOT_FOUND', 'photo file has moved or been deleted since it was indexed', {
        file: row.path,
        hint: 'restore it, or re-index the folder where it now lives',
      });
    }
  }

  /** Encoders whose descriptors this collection holds, with row counts. */
  encoders(): EncoderInfo[] {
    return this.db
      .prepare('SELECT e.spec, e.name, e.version, e.dim, e.dtype, (SELECT COUNT(*) FROM descriptors d WHERE d.spec = e.spec) AS rows FROM encoders e ORDER BY e.spec')
      .all() as EncoderInfo[];
  }

  /**
   * Registers an encoder (or checks that the stored descriptors were made by the same version and dim).
   * @throws DejaError ENCODER_MISMATCH with the command that rebuilds them
   */
  ensureEncoder(encoder: { spec: string; name: string; version: number; dim: number }, dtype: Dtype = 'float32'): void {
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
    const file = fileNameFor(encoder.spec) + (dtype === 'float16' ? '.f16' : '.f32');
    this.db
      .prepare('INSERT INTO encoders (spec, name, version, dim, dtype, file) VALUES (?, ?, ?, ?, ?, ?)')
      .run(encoder.spec, encoder.name, encoder.version, encoder.dim, dtype, file);
  }

  /** Drops an encoder's descriptors so the next `deja index` recomputes them. */
  dropEncoder(spec: string): boolean {
    const row = this.db.prepare('SELECT file FROM encoders WHERE spec = ?').get(spec) as { file: string } | undefined;
    if (!row) return false;
    this.files.get(spec)?.close();
    this.files.delete(spec);
    this.matrixCache.delete(spec);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM descriptors WHERE spec = ?').run(spec);
      this.db.prepare('DELETE FROM encoders WHERE spec = ?').run(spec);
    })();
    fs.rmSync(path.join(this.dir, 'descriptors', row.file), { force: true });
    return true;
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
    let f = this.files.get(spec);
    if (!f) {
      const e = this.db.prepare('SELECT dim, dtype, file FROM encoders WHERE spec = ?').get(spec) as
        | { dim: number; dtype: Dtype; file: string }
        | undefined;
      if (!e) throw new DejaError('NO_DATA', `the collection has no ${spec} descriptors`, { file: this.dir, hint: `add them with: deja index --encoders "${spec}"` });
      const rows = (this.db.prepare('SELECT COUNT(*) AS n FROM descriptors WHERE spec = ?').get(spec) as { n: number }).n;
      f = new DescriptorFile(path.join(this.dir, 'descriptors', e.file), e.dim, e.dtype, rows);
      this.files.set(spec, f);
    }
    return f;
  }

  /**
   * Stores a batch atomically: new photos (with their descriptors), descriptors for existing photos,
   * aliases and skipped items. Descriptor bytes are appended and synced first, then one SQLite
   * transaction commits every row; a crash in between leaves only bytes that the next open truncates.
   * @returns the ids given to the new photos, in order
   */
  commitBatch(batch: {
    photos: { photo: NewPhoto; descriptors: Map<string, Float32Array> }[];
    extraDescriptors?: { photoId: number; spec: string; vector: Float32Array }[];
    aliases?: { path: string; photoId: number }[];
    skipped?: { path: string; code: string; reason: string }[];
  }): number[] {
    // 1. Descriptor bytes, grouped per encoder, appended and synced.
    const perSpec = new Map<string, { vectors: Float32Array[]; owners: (number | { index: number })[] }>();
    batch.photos.forEach((p, index) => {
      for (const [spec, v] of p.descriptors) {
        let g = perSpec.get(spec);
        if (!g) perSpec.set(spec, (g = { vectors: [], owners: [] }));
        g.vectors.push(v);
        g.owners.push({ index });
      }
    });
    for (const d of batch.extraDescriptors ?? []) {
      let g = perSpec.get(d.spec);
      if (!g) perSpec.set(d.spec, (g = { vectors: [], owners: [] }));
      g.vectors.push(d.vector);
      g.owners.push(d.photoId);
    }
    const firstRows = new Map<string, number>();
    for (const [spec, g] of perSpec) {
      const file = this.descriptorFile(spec);
      const flat = new Float32Array(g.vectors.length * file.dim);
      g.vectors.forEach((v, i) => {
        assert(v.length === file.dim, `descriptor for ${spec} has ${v.length} values, expected ${file.dim}`);
        flat.set(v, i * file.dim);
      });
      firstRows.set(spec, file.appendSync(flat));
    }
    // 2. One transaction for all rows.
    const now = new Date().toISOString();
    const insertPhoto = this.db.prepare(
      `INSERT INTO photos (path, hash, bytes, data_offset, width, height, format, latitude, longitude, taken_at, camera, label, exif, added_at)
       VALUES (@path, @hash, @bytes, @dataOffset, @width, @height, @format, @latitude, @longitude, @takenAt, @camera, @label, @exif, @addedAt)`,
    );
    const insertBlob = this.db.prepare('INSERT INTO blobs (photo_id, data) VALUES (?, ?)');
    const insertDescriptor = this.db.prepare('INSERT INTO descriptors (spec, row, photo_id) VALUES (?, ?, ?)');
    const insertAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (path, photo_id) VALUES (?, ?)');
    const insertSkipped = this.db.prepare('INSERT OR REPLACE INTO skipped (path, code, reason, at) VALUES (?, ?, ?, ?)');
    const ids: number[] = [];
    try {
      this.db.transaction(() => {
        for (const { photo } of batch.photos) {
          const { blob, exif, ...rest } = photo;
          const info = insertPhoto.run({ ...rest, exif: exif ? JSON.stringify(exif) : null, addedAt: now });
          const id = Number(info.lastInsertRowid);
          ids.push(id);
          if (blob) insertBlob.run(id, blob);
        }
        for (const [spec, g] of perSpec) {
          const first = firstRows.get(spec)!;
          g.owners.forEach((owner, i) => insertDescriptor.run(spec, first + i, typeof owner === 'number' ? owner : ids[owner.index]));
        }
        for (const a of batch.aliases ?? []) insertAlias.run(a.path, a.photoId);
        for (const s of batch.skipped ?? []) insertSkipped.run(s.path, s.code, s.reason, now);
      })();
    } catch (e) {
      // Roll the files back to their committed length so rows stay aligned with the database.
      for (const spec of perSpec.keys()) {
        this.files.get(spec)?.close();
        this.files.delete(spec);
      }
      throw e;
    }
    for (const spec of perSpec.keys()) this.matrixCache.delete(spec);
    return ids;
  }

  /** All descriptors of an encoder spec (cached until the next write). */
  descriptorMatrix(spec: string): DescriptorMatrix {
    const cached = this.matrixCache.get(spec);
    if (cached) return cached;
    const file = this.descriptorFile(spec);
    const ids = this.db.prepare('SELECT photo_id AS id FROM descriptors WHERE spec = ? ORDER BY row').raw().all(spec) as [number][];
    const photoIds = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) photoIds[i] = ids[i][0];
    const m: DescriptorMatrix = { spec, dim: file.dim, n: ids.length, data: file.readAll(ids.length), photoIds };
    this.matrixCache.set(spec, m);
    return m;
  }

  setGeo(id: number, latitude: number, longitude: number, takenAt?: string | null): void {
    if (takenAt === undefined) this.db.prepare('UPDATE photos SET latitude = ?, longitude = ? WHERE id = ?').run(latitude, longitude, id);
    else this.db.prepare('UPDATE photos SET latitude = ?, longitude = ?, taken_at = ? WHERE id = ?').run(latitude, longitude, takenAt, id);
  }

  setLabel(id: number, label: string | null): void {
    this.db.prepare('UPDATE photos SET label = ? WHERE id = ?').run(label, id);
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

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Runs `fn` in one SQLite transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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

  /** Folder for derived files (indexes) that may be rebuilt at any time. */
  cacheDir(): string {
    const d = path.join(this.dir, 'indexes');
    fs.mkdirSync(d, { recursive: true });
    return d;
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

/** A file-name-safe, collision-free name for an encoder spec. */
function fileNameFor(spec: string): string {
  const safe = spec.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 60);
  let h = 0;
  for (let i = 0; i < spec.length; i++) h = (Math.imul(h, 31) + spec.charCodeAt(i)) >>> 0;
  return `${safe}-${h.toString(16)}`;
}
