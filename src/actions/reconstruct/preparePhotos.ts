/**
 * The first two stages of `deja reconstruct`, kept apart so that a benchmark can reconstruct several
 * subsets of one folder from one decoding and one SIFT run: the folder's photos decoded gray (longer
 * side ≤ maxSize), their EXIF focal lengths read, SIFT in worker threads; files that are not photos
 * skipped with the reason.
 */
import { DejaError, isDejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { decodeImage, probeImage, readFileOrThrow } from '../../io/decode.ts';
import { type ExifFocal, readExifFocal } from '../../io/exifFocal.ts';
import { listFolderFiles } from '../../io/folderFiles.ts';
import { PHOTO_EXTENSIONS } from '../../io/sources.ts';
import { siftFeaturesBatch } from '../../sfm/features/siftBatch.ts';
import type { SiftFeatures } from '../../sfm/features/siftFeatures.ts';

/** One stage's wall and CPU seconds (CPU of all threads of this process). */
export interface StageTime {
  seconds: number;
  cpuSeconds: number;
}

/** Starts a stage clock; calling the result reads it. */
export function timer(): () => StageTime {
  const t0 = performance.now(), c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

/** One decoded photo, as the later stages need it. */
export interface PreparedPhoto {
  name: string;
  /** Decoded size, pixels, and decoded ÷ stored size per axis. */
  width: number;
  height: number;
  scale: [number, number];
  exif: ExifFocal;
  features: SiftFeatures;
}

/** The folder's photos with their features, what was skipped, and the two stages' times. */
export interface PreparedPhotos {
  folder: string;
  photos: PreparedPhoto[];
  skipped: { path: string; reason: string }[];
  stages: { decode: StageTime; features: StageTime & { keypoints: number } };
}

async function decodePhotos(folder: string, maxSize: number, progress: Progress, skipped: PreparedPhotos['skipped']) {
  const files = listFolderFiles(folder), photos: { name: string; image: Image; scale: [number, number]; exif: ExifFocal }[] = [];
  progress.start(files.length, 'decoding');
  for (const f of files) {
    const ext = f.name.slice(f.name.lastIndexOf('.')).toLowerCase();
    try {
      if (!PHOTO_EXTENSIONS.has(ext)) throw new DejaError('NOT_AN_IMAGE', 'not a photo (by its extension)', { file: f.path });
      const bytes = readFileOrThrow(f.path);
      const { width, height } = await probeImage(bytes, { name: f.path });
      const long = Math.max(width, height), short = Math.min(width, height);
      const minSide = long > maxSize ? Math.max(1, Math.floor((maxSize * short) / long)) : undefined;
      const d = await decodeImage(bytes, { gray: true, minSide, name: f.path });
      photos.push({ name: f.name, image: d.image, scale: [d.image.width / d.originalWidth, d.image.height / d.originalHeight], exif: await readExifFocal(bytes) });
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: f.path, reason: e.message });
    }
    progress.tick();
  }
  progress.stop();
  return photos;
}

/**
 * Decodes a folder's photos and runs SIFT on them.
 *
 * @param options - folder; maxSize (longer side, pixels); maxFeatures per photo (default SIFT's); threads.
 * @returns the photos (file-name order) with features, the skipped files and stage times.
 * @throws DejaError NOT_FOUND (no folder), NO_DATA (fewer than two photos, naming the first skipped file).
 * @example const prepared = await preparePhotos({ folder: 'photos', maxSize: 1024 });
 */
export async function preparePhotos(options: { folder: string; maxSize: number; maxFeatures?: number; threads?: number }, progress: Progress = silentProgress): Promise<PreparedPhotos> {
  const skipped: PreparedPhotos['skipped'] = [];
  let done = timer();
  const decoded = await decodePhotos(options.folder, options.maxSize, progress, skipped);
  const decode = done();
  if (decoded.length < 2) {
    const why = skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped; first: ${skipped[0].path}: ${skipped[0].reason})` : '';
    throw new DejaError('NO_DATA', `need at least two photos to reconstruct, found ${decoded.length}${why}`, { file: options.folder, hint: 'pass a folder with two or more overlapping photos of one scene' });
  }
  done = timer();
  progress.start(decoded.length, 'SIFT');
  const features = await siftFeaturesBatch(decoded.map((p) => p.image), options.maxFeatures ? { maxFeatures: options.maxFeatures } : {}, options.threads);
  progress.tick(decoded.length);
  progress.stop();
  const featureTime = done();
  const photos = decoded.map((p, i) => ({ name: p.name, width: p.image.width, height: p.image.height, scale: p.scale, exif: p.exif, features: features[i] }));
  return { folder: options.folder, photos, skipped, stages: { decode, features: { ...featureTime, keypoints: features.reduce((a, f) => a + f.count, 0) } } };
}

/**
 * The prepared photos restricted to some names (in the given order), for reconstructing a subset.
 *
 * @throws Error (assertion) when a name is not among the photos.
 */
export function preparedSubset(prepared: PreparedPhotos, names: readonly string[]): PreparedPhotos {
  const byName = new Map(prepared.photos.map((p) => [p.name, p]));
  const photos = names.map((n) => {
    const p = byName.get(n);
    if (!p) throw new Error(`preparedSubset: no photo named ${n}`);
    return p;
  });
  return { ...prepared, photos };
}
