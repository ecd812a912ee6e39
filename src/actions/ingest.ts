import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { formatDuration, silentProgress, type Progress } from '../core/progress.ts';
import { defaultThreads } from '../core/workerPool.ts';
import { PHOTO_EXTENSIONS, listSourcePaths, listSources, type SourceItem } from '../io/sources.ts';
import { readGeoCsv } from '../io/geoCsv.ts';
import { DEFAULT_PIXEL_LIMIT } from '../io/decode.ts';
import { createEncoderResolved } from '../encoders/factory.ts';
import type { EncodedPhoto } from './encode/encodePhoto.ts';
import { threadPhotoEncoder, type PhotoEncoder } from './encode/photoEncoder.ts';
import { openQueueEncoder } from './ingest/queueEncoder.ts';
import { collectionQueueName } from './shared/collectionQueueName.ts';
import type { Collection, NewPhoto } from '../store/collection.ts';
import { DTYPES, type Dtype } from '../store/descriptorFile.ts';
import { applyGeoCsv, applyLabelsCsv, readLabelsCsv, runPhotos } from './ingest/csvMetadata.ts';
import type { CsvRowProblem } from './ingest/csvRowMatch.ts';

/**
 * Encoders computed by default: enough for every command and web tab (gist for completion, gist + tiny
 * + lab-hist for geolocation, tiny for recognition, tiny-gray for colorization; tiny-gray costs about a
 * tenth of a decode). Rerunning `deja index` on a collection made with fewer backfills the rest.
 */
export const DEFAULT_ENCODERS: readonly string[] = Object.freeze(['gist', 'tiny', 'lab-hist', 'tiny-gray']);

/** Options of `deja index`, validated once at the boundary. */
export const IngestOptions = z.object({
  /** Encoder specs to compute for every photo (see `deja encoders`; default `DEFAULT_ENCODERS`). */
  encoders: z.array(z.string()).min(1).default([...DEFAULT_ENCODERS]),
  /** Label each photo with the name of the folder (or archive folder) holding it. */
  labelFromFolder: z.boolean().default(false),
  /** CSV with columns file,label. */
  labelsCsv: z.string().optional(),
  /** Column of `labelsCsv` holding the label (default: label, category or class), e.g. `country`. */
  labelColumn: z.string().min(1).optional(),
  /**
   * CSV with columns file,latitude,longitude[,time]: geotags for photos without EXIF GPS. Like `labelsCsv`,
   * its rows are matched only to the photos of the sources given, by path relative to the CSV or to the
   * source (a bare file name only when unique among them).
   */
  geoCsv: z.string().optional(),
  /** Let `geoCsv` replace positions read from EXIF GPS (by default a photo's own GPS is kept). */
  geoOverridesExif: z.boolean().default(false),
  /**
   * Storage precision of new descriptor files: float32, float16 (half the disk, ~3 significant digits)
   * or int8 (a quarter plus 4 bytes a row: one scale per row, error ≤ 1/254 of the row's largest value).
   * Searches read them back as float32.
   */
  dtype: z.enum(DTYPES).default('float32'),
  /** Decompression-bomb guard, in pixels. */
  pixelLimit: z.number().int().positive().max(2 ** 31).default(DEFAULT_PIXEL_LIMIT),
  /** Worker threads (default: all cores). */
  threads: z.number().int().positive().max(256).optional(),
  /** Encoder specs whose descriptors are dropped and recomputed. */
  rebuild: z.array(z.string()).default([]),
  /** Stop after this many new photos (for sampling a big source). */
  limit: z.number().int().positive().max(2 ** 31).optional(),
  /**
   * Redis URL (`redis://host:6379`): encode on `deja worker` processes through a BullMQ queue instead of
   * local threads. This process stays the collection's one writer.
   */
  queue: z.string().min(1).optional(),
  /** With `queue`: jobs in flight at most (their photos' bytes are held here until encoded). */
  queueInFlight: z.number().int().positive().max(10_000).default(64),
  /** With `queue`: how often a job waited on is looked up in Redis, ms (finds results whose event a Redis restart lost). */
  queuePollMs: z.number().int().min(100).max(600_000).default(5000),
  /** With `queue`: how long Redis may stay unreachable mid-run before the run stops with UNREACHABLE, ms (committed photos are kept; rerun to resume). */
  queueDownLimitMs: z.number().int().min(1000).max(86_400_000).default(60_000),
});
export type IngestOptions = z.input<typeof IngestOptions>;

export interface IngestReport {
  added: number;
  /** Exact byte-for-byte copies of photos already in the collection (kept as aliases). */
  duplicates: number;
  /** Paths handled by an earlier run (resumed work). */
  alreadyPresent: number;
  /** Photos that got descriptors of an encoder they lacked. */
  backfilled: number;
  /** Files skipped by an earlier run and tried again (those that still fail are in `skipped`). */
  retried: number;
  /** Photos whose file changed since they were indexed (other bytes): re-indexed under the same id. */
  changed: string[];
  /** Encoders recomputed with --rebuild: photos done, and those whose old descriptors were kept because they could not be recomputed. */
  rebuilt: { spec: string; recomputed: number; kept: { path: string; reason: string }[]; dropped: { path: string; reason: string }[] }[];
  skipped: { path: string; code: string; reason: string }[];
  labelled: number;
  geotagged: number;
  geoProblems: { line: number; message: string }[];
  /** CSV rows (of `geoCsv` or `labelsCsv`) that matched no photo of the sources, several, or an already named one. */
  csvProblems: ({ csv: string } & CsvRowProblem)[];
  /** Photos whose EXIF GPS was kept over a `geoCsv` row (see `geoOverridesExif`). */
  geoKeptExif: number;
  encoders: { spec: string; dim: number }[];
  seconds: number;
  photosPerSecond: number;
}

const BATCH = 64;
const BATCH_MS = 2000;

/**
 * Adds photos to a collection: decodes each once, runs every encoder in worker threads, and commits
 * in batches. Resumable and idempotent: paths already handled are passed over, exact duplicates become
 * aliases, bad files are skipped and recorded with their reason, and a kill at any moment loses at most
 * the uncommitted batch (redone on the next run).
 */
export async function ingest(collection: Collection, sources: string[], rawOptions: IngestOptions = {}, progress: Progress = silentProgress): Promise<IngestReport> {
  const options = parseOptions(IngestOptions, rawOptions);
  const started = Date.now();
  if (sources.length === 0) throw new DejaError('BAD_ARGUMENT', 'nothing to index', { hint: 'pass photo folders, files, .tar/.tar.gz archives or a list file' });
  // One writer at a time: a second ingest is refused here, before it reads a single photo.
  collection.acquireWriter();
  const rebuilds = await Promise.all(options.rebuild.map(async (spec) => ({ input: spec, encoder: await createEncoderResolved(spec) })));
  const rebuildSpecs = new Set(rebuilds.map((r) => r.encoder.spec));
  const encoders = await Promise.all(options.encoders.map(createEncoderResolved));
  // Encoders being rebuilt may have another version on disk: they are checked after their rebuild.
  for (const e of encoders) if (!rebuildSpecs.has(e.spec)) collection.ensureEncoder(e, options.dtype);
  // Read the CSVs first: a bad one is refused before any photo is decoded.
  const labels = options.labelsCsv ? { file: options.labelsCsv, rows: readLabelsCsv(options.labelsCsv, options.labelColumn) } : undefined;
  const geo = options.geoCsv ? { file: options.geoCsv, csv: readGeoCsv(options.geoCsv) } : undefined;
  const report: IngestReport = {
    added: 0,
    duplicates: 0,
    alreadyPresent: 0,
    backfilled: 0,
    retried: 0,
    changed: [],
    rebuilt: [],
    skipped: [],
    labelled: 0,
    geotagged: 0,
    geoProblems: [],
    csvProblems: [],
    geoKeptExif: 0,
    encoders: encoders.map((e) => ({ spec: e.spec, dim: e.dim })),
    seconds: 0,
    photosPerSecond: 0,
  };

  const encoder: PhotoEncoder = options.queue
    ? await openQueueEncoder(options.queue, collectionQueueName(collection)!, options.queueInFlight, { pollMs: options.queuePollMs, downLimitMs: options.queueDownLimitMs })
    : threadPhotoEncoder(options.threads ?? defaultThreads());
  const inFlight = new Set<Promise<void>>();
  const pendingHashes = new Map<string, string[]>(); // hash → alias paths waiting for the photo's id
  const batcher = new Batcher(collection, report, pendingHashes);
  const encode = (bytes: Buffer, name: string, specs: string[] = options.encoders) => encoder.encode(bytes, name, specs, options.pixelLimit);

  let failure: { error: unknown } | undefined;
  let dispatched = 0;
  let listed = 0; // source items looked at so far
  let encodedDone = 0;
  let firstEncodedAt = 0;
  let found: { path: string; relPath: string }[] = []; // every photo path of these sources, for the CSVs
  try {
    found = await listSourcePaths(sources);
    const total = found.length;
    if (total === 0 && collection.count() === 0)
      throw new DejaError('NO_DATA', 'no photos found in the given sources', {
        file: sources.join(', '),
        hint: `photos are files ending in ${[...PHOTO_EXTENSIONS].join(' ')}, in folders, .tar/.tar.gz archives or list files`,
      });
    for (const r of rebuilds) {
      const done = await rebuildDescriptors(collection, r.input, r.encoder, options.dtype, encode, batcher, progress);
      if (done) report.rebuilt.push(done);
    }
    for (const e of encoders) if (rebuildSpecs.has(e.spec)) collection.ensureEncoder(e, options.dtype);
    // A changed photo is encoded again by every encoder the collection holds, not only this run's.
    const allSpecs = [...new Set([...options.encoders, ...collection.encoders().map((e) => e.spec)])];
    progress.start(total, 'indexing');
    const firstBatch = Math.max(8, encoder.capacity + 1);
    for await (const item of listSources(sources)) {
      if (options.limit !== undefined && dispatched >= options.limit) break;
      listed++;
      const state = collection.pathState(item.path);
      let changedId: number | undefined;
      if (state?.kind === 'alias') {
        report.alreadyPresent++;
        progress.tick();
        continue;
      }
      const stamp = item.stamp();
      // Size and modification time tell an untouched photo without reading it; otherwise the hash decides.
      if (state?.kind === 'photo' && stamp.size === state.bytes && item.dataOffset === state.dataOffset && (state.mtimeMs === null || state.mtimeMs === stamp.mtimeMs)) {
        report.alreadyPresent++;
        progress.tick();
        continue;
      }
      if (state?.kind === 'skipped') report.retried++;
      let bytes: Buffer;
      try {
        bytes = item.read();
      } catch (e) {
        if (state?.kind === 'photo') report.skipped.push({ path: item.path, code: isDejaError(e) ? e.code : 'IO_ERROR', reason: `cannot read it again: ${(e as Error).message}` });
        else batcher.skip(item.path, e);
        progress.tick();
        continue;
      }
      const hash = crypto.createHash('sha256').update(bytes).digest('hex');
      if (state?.kind === 'photo') {
        if (hash === state.hash) {
          collection.touchPhoto(state.id, stamp.mtimeMs, item.dataOffset);
          report.alreadyPresent++;
          progress.tick();
          continue;
        }
        changedId = state.id;
      }
      const existing = collection.photoIdByHash(hash);
      if (existing !== undefined) {
        if (changedId !== undefined) report.skipped.push({ path: item.path, code: 'CHANGED', reason: `changed into a copy of photo ${existing}; left as indexed (photo ${changedId})` });
        else batcher.alias(item.path, existing);
        progress.tick();
        continue;
      }
      const waiting = pendingHashes.get(hash);
      if (waiting && changedId === undefined) {
        waiting.push(item.path);
        progress.tick();
        continue;
      }
      pendingHashes.set(hash, []);
      dispatched++;
      const label = options.labelFromFolder ? item.folder : null; // CSV labels are set after the run
      // The hash stays pending until its photo is committed (Batcher.flush), so a copy that turns up
      // meanwhile becomes an alias instead of a second insert.
      const photoId = changedId;
      const job = encode(bytes, item.path, photoId === undefined ? options.encoders : allSpecs)
        .then((encoded) => {
          const photo = toNewPhoto(item, bytes, hash, encoded, label, stamp.mtimeMs);
          if (photoId === undefined) batcher.add(photo, encoded, pendingHashes.get(hash) ?? []);
          else {
            batcher.change(photoId, photo, encoded);
            report.changed.push(item.path);
          }
        })
        .catch((e) => {
          // A lost queue (Redis gone for good) stops the run like a bug does; a photo's own fault skips it.
          if (!isDejaError(e) || e.code === 'UNREACHABLE') throw e;
          batcher.skip(item.path, e);
          for (const p of pendingHashes.get(hash) ?? []) batcher.skip(p, e);
          pendingHashes.delete(hash);
        })
        .finally(() => {
          inFlight.delete(job);
          progress.tick();
          // After the first batch, the rate between completions (worker start-up left out) gives the ETA.
          if (++encodedDone === 1) firstEncodedAt = Date.now();
          else if (encodedDone === firstBatch && progress.note) {
            const rate = (firstBatch - 1) / Math.max(1e-3, (Date.now() - firstEncodedAt) / 1000);
            const toIndex = Math.min(options.limit ?? Infinity, dispatched + Math.max(0, total - listed));
            progress.note(`indexing ${toIndex} photos, about ${formatDuration(toIndex / rate)} at ${rate.toFixed(1)} photos/s`);
          }
        });
      inFlight.add(job);
      // A job that fails (a bug, a lost queue) stops the run: kept here, since it may settle and leave inFlight before any race sees it.
      job.catch((e) => void (failure ??= { error: e }));
      if (inFlight.size >= encoder.capacity) await Promise.race(inFlight);
      if (failure) throw failure.error;
      batcher.maybeFlush();
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    batcher.flush();
    await backfill(collection, options.encoders, encoders.map((e) => e.spec), encode, batcher);
    batcher.flush();
  } finally {
    progress.stop();
    await encoder.close();
  }
  if (geo || labels) await applyCsvMetadata(collection, found, labels, geo, options.geoOverridesExif, report);
  report.seconds = (Date.now() - started) / 1000;
  report.photosPerSecond = report.added / Math.max(1e-3, report.seconds);
  return report;
}

/** Photos that lack a requested encoder's descriptor (an encoder added later) get it now. */
async function backfill(
  collection: Collection,
  inputSpecs: string[],
  specs: string[],
  encode: (bytes: Buffer, name: string, specs: string[]) => Promise<EncodedPhoto>,
  batcher: Batcher,
): Promise<void> {
  // Photo id → the input specs it lacks: only those are computed again.
  const missing = new Map<number, string[]>();
  specs.forEach((spec, i) => {
    for (const id of collection.photosMissing(spec)) {
      if (!missing.has(id)) missing.set(id, []);
      missing.get(id)!.push(inputSpecs[i]);
    }
  });
  const jobs: Promise<void>[] = [];
  for (const [id, lacking] of missing) {
    const photo = collection.photo(id)!;
    let bytes: Buffer;
    try {
      bytes = collection.readPhotoBytes(id);
    } catch (e) {
      batcher.report.skipped.push({ path: photo.path, code: isDejaError(e) ? e.code : 'IO_ERROR', reason: `cannot add descriptors: ${String((e as Error).message)}` });
      continue;
    }
    jobs.push(
      encode(bytes, photo.path, lacking).then(
        (encoded) => {
          for (const [spec, vector] of Object.entries(encoded.descriptors)) batcher.extra(id, spec, vector);
          batcher.report.backfilled++;
          batcher.maybeFlush();
        },
        (e) => {
          batcher.report.skipped.push({ path: photo.path, code: isDejaError(e) ? e.code : 'ERROR', reason: String(e.message) });
        },
      ),
    );
    if (jobs.length >= 64) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
}

/**
 * Recomputes one encoder's descriptors for every photo, staged beside the old ones (readers keep
 * using those meanwhile; a killed rebuild resumes). A photo that cannot be recomputed (its file gone
 * or changed, undecodable) keeps its old descriptor and is reported; none is dropped silently.
 * @returns undefined when the collection has no descriptors of that encoder yet (they are added as new)
 */
async function rebuildDescriptors(
  collection: Collection,
  inputSpec: string,
  encoder: { spec: string; name: string; version: number; dim: number },
  dtype: Dtype,
  encode: (bytes: Buffer, name: string, specs: string[]) => Promise<EncodedPhoto>,
  batcher: Batcher,
  progress: Progress,
): Promise<IngestReport['rebuilt'][number] | undefined> {
  if (!collection.encoderInfo(encoder.spec)) return undefined;
  const staged = collection.beginRebuild(encoder, dtype);
  const ids = collection.photosMissing(staged);
  const failed = new Map<number, string>();
  progress.start(ids.length, `rebuilding ${encoder.spec}`);
  const jobs = new Set<Promise<void>>();
  for (const id of ids) {
    let bytes: Buffer;
    try {
      bytes = collection.readPhotoBytes(id);
    } catch (e) {
      failed.set(id, (e as Error).message);
      progress.tick();
      continue;
    }
    const job = encode(bytes, collection.photo(id)!.path, [inputSpec])
      .then(
        (encoded) => {
          batcher.extra(id, staged, encoded.descriptors[encoder.spec]);
          batcher.maybeFlush();
        },
        (e: Error) => void failed.set(id, e.message),
      )
      .finally(() => {
        jobs.delete(job);
        progress.tick();
      });
    jobs.add(job);
    if (jobs.size >= 64) await Promise.race(jobs);
  }
  await Promise.all(jobs);
  batcher.flush();
  progress.stop();
  const { kept, dropped } = collection.finishRebuild(encoder.spec);
  const why = (id: number) => ({ path: collection.photo(id)?.path ?? `photo ${id}`, reason: failed.get(id) ?? 'could not be recomputed in an earlier, interrupted rebuild' });
  return { spec: encoder.spec, recomputed: ids.length - failed.size, kept: kept.map(why), dropped: dropped.map(why) };
}

function toNewPhoto(item: SourceItem, bytes: Buffer, hash: string, encoded: EncodedPhoto, label: string | null, mtimeMs: number): NewPhoto {
  return {
    path: item.path,
    mtimeMs: mtimeMs >= 0 ? mtimeMs : null,
    hash,
    bytes: bytes.length,
    dataOffset: item.dataOffset,
    width: encoded.width,
    height: encoded.height,
    format: encoded.format,
    latitude: encoded.exif.latitude,
    longitude: encoded.exif.longitude,
    takenAt: encoded.exif.takenAt,
    camera: encoded.exif.camera,
    label,
    exif: encoded.exif.fields,
    blob: item.compressed ? bytes : null,
  };
}

/** Collects results and commits them in batches (by count or age). */
class Batcher {
  private photos: { photo: NewPhoto; descriptors: Map<string, Float32Array>; aliases: string[] }[] = [];
  private extras: { photoId: number; spec: string; vector: Float32Array }[] = [];
  private changed: { photoId: number; photo: NewPhoto; descriptors: Map<string, Float32Array> }[] = [];
  private aliases: { path: string; photoId: number }[] = [];
  private skipped: { path: string; code: string; reason: string }[] = [];
  private last = Date.now();

  constructor(
    private readonly collection: Collection,
    readonly report: IngestReport,
    /** Hashes of photos encoded but not yet committed, with the paths of their copies. */
    private readonly pendingHashes: Map<string, string[]>,
  ) {}

  add(photo: NewPhoto, encoded: EncodedPhoto, aliasPaths: string[]): void {
    this.photos.push({ photo, descriptors: new Map(Object.entries(encoded.descriptors)), aliases: aliasPaths });
  }

  change(photoId: number, photo: NewPhoto, encoded: EncodedPhoto): void {
    this.changed.push({ photoId, photo, descriptors: new Map(Object.entries(encoded.descriptors)) });
  }

  extra(photoId: number, spec: string, vector: Float32Array): void {
    this.extras.push({ photoId, spec, vector });
  }

  alias(p: string, photoId: number): void {
    this.aliases.push({ path: p, photoId });
    this.report.duplicates++;
  }

  skip(p: string, e: unknown): void {
    const code = isDejaError(e) ? e.code : 'ERROR';
    const reason = e instanceof Error ? e.message : String(e);
    this.skipped.push({ path: p, code, reason });
    this.report.skipped.push({ path: p, code, reason });
  }

  maybeFlush(): void {
    if (this.photos.length + this.extras.length + this.changed.length >= BATCH || Date.now() - this.last > BATCH_MS) this.flush();
  }

  flush(): void {
    this.last = Date.now();
    if (!this.photos.length && !this.extras.length && !this.changed.length && !this.aliases.length && !this.skipped.length) return;
    const photos = this.photos;
    const changed = this.changed;
    const ids = this.collection.commitBatch({ photos, extraDescriptors: this.extras, changed, aliases: this.aliases, skipped: this.skipped });
    for (const c of changed) this.pendingHashes.delete(c.photo.hash);
    this.changed = [];
    this.report.added += ids.length;
    for (const p of photos) this.pendingHashes.delete(p.photo.hash);
    const lateAliases = photos.flatMap((p, i) => p.aliases.map((a) => ({ path: a, photoId: ids[i] })));
    this.report.duplicates += lateAliases.length;
    this.photos = [];
    this.extras = [];
    this.aliases = lateAliases;
    this.skipped = [];
    if (lateAliases.length) this.flush();
  }
}

/** Labels and geotags from the CSVs, for the photos of this run's sources only (see ingest/csvMetadata.ts). */
async function applyCsvMetadata(
  collection: Collection,
  found: { path: string; relPath: string }[],
  labels: { file: string; rows: ReturnType<typeof readLabelsCsv> } | undefined,
  geo: { file: string; csv: ReturnType<typeof readGeoCsv> } | undefined,
  geoOverridesExif: boolean,
  report: IngestReport,
): Promise<void> {
  const run = runPhotos(collection, found);
  const seen = new Set<string>(); // one CSV passed as both --geo and --labels: report each row once
  const note = (csv: string, problems: CsvRowProblem[]) => {
    for (const p of problems) {
      const key = `${path.resolve(csv)}:${p.line}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report.csvProblems.push({ csv, ...p });
    }
  };
  if (geo) {
    report.geoProblems = geo.csv.problems;
    const r = await applyGeoCsv(collection, geo.file, geo.csv, run, geoOverridesExif);
    report.geotagged = r.geotagged;
    report.geoKeptExif = r.keptExif;
    note(geo.file, r.problems);
  }
  if (labels) {
    const r = applyLabelsCsv(collection, labels.file, labels.rows, run);
    report.labelled = r.labelled;
    note(labels.file, r.problems);
  }
}
