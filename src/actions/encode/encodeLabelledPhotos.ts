import { DejaError, isDejaError } from '../../core/errors.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../../core/workerPool.ts';
import { deserializeError, type SerializedError } from '../../core/workerTask.ts';
import { createEncoder } from '../../encoders/factory.ts';
import { assertSomeSourceExists, listSources, PHOTO_EXTENSIONS } from '../../io/sources.ts';
import { PathMatcher } from '../shared/matchPath.ts';
import { readLabelCsv } from '../shared/labelCsv.ts';
import type { EncodeTask } from './encodeWorker.ts';
import type { EncodedPhoto } from './encodePhoto.ts';

/** Labelled photos as one descriptor matrix, in source order. */
export interface LabelledDescriptors {
  /** The encoder's canonical spec, version and dimension. */
  spec: string;
  version: number;
  dim: number;
  /** `n * dim` descriptors, row-major, one row per photo that could be read. */
  data: Float32Array;
  n: number;
  /** Label and path of each row. */
  labels: string[];
  paths: string[];
  /** Photos that could not be read or encoded, with why. */
  skipped: { path: string; reason: string }[];
  /** With `classes`: photos left out because their label is not one of them, per label. */
  otherLabels: { label: string; count: number }[];
}

export interface EncodeLabelledOptions {
  /** CSV of file,label (instead of the folder holding each photo). */
  labels?: string;
  /** Keep only photos of these labels (the others are counted in `otherLabels`). */
  classes?: readonly string[];
  /** The first N photos of each label, in source order. */
  limitPerClass?: number;
  threads?: number;
}

/**
 * Reads labelled photos (label = the folder holding each photo, `<split>/<class>/<file>.jpg`, or a CSV) and
 * encodes each with one encoder spec in worker threads, exactly as ingest does (`encodePhoto`: the same
 * decode size, the same descriptor as in a collection), without a collection.
 * @param sources folders, files, .tar/.tar.gz archives, list files
 * @param spec an encoder spec (`tiny(norm=0)`, `gist(size=32)`, …)
 * @throws DejaError UNKNOWN_NAME / BAD_ARGUMENT for the spec, NOT_FOUND when no source exists, NO_DATA
 *   when no labelled photo could be encoded
 */
export async function encodeLabelledPhotos(sources: string[], spec: string, options: EncodeLabelledOptions = {}, progress: Progress = silentProgress): Promise<LabelledDescriptors> {
  const encoder = createEncoder(spec);
  assertSomeSourceExists(sources);
  const matcher = options.labels ? (({ entries, base }) => new PathMatcher(entries, base))(readLabelCsv(options.labels)) : undefined;
  const wanted = options.classes ? new Set(options.classes) : undefined;
  const threads = options.threads ?? defaultThreads();
  const pool = new WorkerPool<EncodeTask, EncodedPhoto>(workerModuleUrl(import.meta.url, './encodeWorker'), threads);
  const rows: { label: string; path: string; ok: boolean }[] = [];
  const dim = encoder.dim;
  let data = new Float32Array(1024 * dim);
  const skipped: { path: string; reason: string }[] = [];
  const other = new Map<string, number>();
  const perClass = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let listed = 0;
  progress.start(0, `encoding photos (${encoder.spec})`);
  try {
    for await (const item of listSources(sources)) {
      const label = matcher ? matcher.lookup(item.path) : item.folder;
      if (!label) continue;
      if (wanted && !wanted.has(label)) {
        other.set(label, (other.get(label) ?? 0) + 1);
        continue;
      }
      const seen = perClass.get(label) ?? 0;
      if (options.limitPerClass !== undefined && seen >= options.limitPerClass) continue;
      perClass.set(label, seen + 1);
      const slot = rows.length;
      rows.push({ label, path: item.path, ok: false });
      if (rows.length * dim > data.length) {
        const grown = new Float32Array(2 * data.length);
        grown.set(data);
        data = grown;
      }
      progress.setTotal(++listed);
      let bytes: Buffer;
      try {
        bytes = item.read();
      } catch (e) {
        if (!isDejaError(e)) throw e;
        skipped.push({ path: item.path, reason: e.message });
        progress.tick();
        continue;
      }
      const job = pool
        .run({ bytes: new Uint8Array(bytes), name: item.path, specs: [encoder.spec] })
        .then(
          (r) => {
            data.set(r.descriptors[encoder.spec], slot * dim);
            rows[slot].ok = true;
          },
          (e: SerializedError | Error) => {
            const err = e instanceof Error ? e : deserializeError(e);
            if (!isDejaError(err)) throw err;
            skipped.push({ path: item.path, reason: err.message });
          },
        )
        .finally(() => {
          inFlight.delete(job);
          progress.tick();
        });
      inFlight.add(job);
      if (inFlight.size >= 4 * threads) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
    progress.stop();
  }
  // Close the gaps of skipped photos, keeping source order.
  const kept: typeof rows = [];
  rows.forEach((r, slot) => {
    if (!r.ok) return;
    if (slot !== kept.length) data.copyWithin(kept.length * dim, slot * dim, (slot + 1) * dim);
    kept.push(r);
  });
  if (kept.length === 0) throw noPhotos(sources, skipped, other);
  return {
    spec: encoder.spec,
    version: encoder.version,
    dim,
    data: data.subarray(0, kept.length * dim),
    n: kept.length,
    labels: kept.map((r) => r.label),
    paths: kept.map((r) => r.path),
    skipped,
    otherLabels: [...other].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
  };
}

function noPhotos(sources: string[], skipped: { path: string; reason: string }[], other: Map<string, number>): DejaError {
  if (skipped.length) return new DejaError('NO_DATA', `none of the ${skipped.length} labelled photos could be read`, { file: skipped[0].path, hint: skipped[0].reason });
  if (other.size)
    return new DejaError('NO_DATA', `no photo has one of the expected labels; found [${[...other.keys()].slice(0, 8).join(', ')}]`, {
      file: sources.join(', '),
      hint: 'pass photos labelled with the classes of the model (one subfolder per class, or --labels file.csv)',
    });
  return new DejaError('NO_DATA', 'no labelled photos found', {
    file: sources.join(', '),
    hint: `pass folders or .tar/.tar.gz archives with one subfolder per class (<class>/<photo>${[...PHOTO_EXTENSIONS][0]}), or --labels file.csv`,
  });
}
