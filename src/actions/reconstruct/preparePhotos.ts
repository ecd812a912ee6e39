/**
 * The first two stages of `deja reconstruct`, kept apart so that a benchmark can reconstruct several
 * subsets of one folder from one decoding and one SIFT run, and so that uploads (`POST /api/reconstruct`)
 * go the same way as a folder: the photos decoded gray for SIFT and as sRGB bytes for the points'
 * colours (longer side ≤ maxSize), their EXIF focal lengths read, SIFT in worker threads; files that
 * are not photos skipped with the reason.
 */
import crypto from 'node:crypto';
import { assert, DejaError, isDejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { decodeImage, decodeRgbBytes, probeImage, readFileOrThrow } from '../../io/decode.ts';
import { type ExifFocal, readExifFocal } from '../../io/exifFocal.ts';
import { listFolderFiles } from '../../io/folderFiles.ts';
import { PHOTO_EXTENSIONS } from '../../io/sources.ts';
import { siftFeaturesBatch } from '../../sfm/features/siftBatch.ts';
import type { SiftFeatures, SiftReport } from '../../sfm/features/siftFeatures.ts';
import type { SfmDatabase } from '../../store/sfmDatabase.ts';
import type { RgbBytes } from '../../sfm/mapper/pointColours.ts';
import { type CameraChoicePhoto, chooseCameras } from './cameraChoice.ts';

/** One photo to reconstruct from: its name (in messages and images.txt) and a reader of its bytes. */
export interface PhotoSource {
  name: string;
  /** Where it came from, for messages (a path, or the upload's name). */
  path: string;
  /** Throws DejaError when unreadable (then the photo is skipped with the reason). */
  read(): Buffer;
}

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
  /** sha256 of the file's bytes (the SfM database's key). */
  sha256: string;
  features: SiftFeatures;
  /** The photo at the decoded size as sRGB bytes, for the points' colours. */
  colour: RgbBytes;
}

/** The folder's photos with their features, what was skipped, and the two stages' times. */
export interface PreparedPhotos {
  /** The folder, or what the photos are ("3 uploaded photos"), for messages. */
  folder: string;
  photos: PreparedPhoto[];
  skipped: { path: string; reason: string }[];
  stages: { decode: StageTime; features: StageTime & { keypoints: number; contrast: number; fromDatabase: number } };
  /** What the features depend on besides the photo (decoded size, SIFT settings), as the database keys them. */
  featureParams: string;
}

async function decodePhotos(sources: readonly PhotoSource[], maxSize: number, progress: Progress, skipped: PreparedPhotos['skipped']) {
  const photos: { name: string; image: Image; colour: RgbBytes; scale: [number, number]; exif: ExifFocal; sha256: string }[] = [];
  progress.start(sources.length, 'decoding');
  for (const source of sources) {
    try {
      const bytes = source.read();
      const { width, height } = await probeImage(bytes, { name: source.path });
      const long = Math.max(width, height), short = Math.min(width, height);
      const minSide = long > maxSize ? Math.max(1, Math.floor((maxSize * short) / long)) : undefined;
      const d = await decodeImage(bytes, { gray: true, minSide, name: source.path });
      const colour = await decodeRgbBytes(bytes, { minSide, name: source.path });
      assert(colour.width === d.image.width && colour.height === d.image.height, `colour decode ${colour.width}×${colour.height} != gray ${d.image.width}×${d.image.height}`);
      photos.push({ name: source.name, image: d.image, colour, scale: [d.image.width / d.originalWidth, d.image.height / d.originalHeight], exif: await readExifFocal(bytes), sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: source.path, reason: e.message });
    }
    progress.tick();
  }
  progress.stop();
  return photos;
}

/** A folder's files as photo sources; the files that are not photos (by extension) go to `skipped`. */
function folderSources(folder: string, skipped: PreparedPhotos['skipped']): PhotoSource[] {
  const sources: PhotoSource[] = [];
  for (const f of listFolderFiles(folder)) {
    if (PHOTO_EXTENSIONS.has(f.name.slice(f.name.lastIndexOf('.')).toLowerCase())) sources.push({ name: f.name, path: f.path, read: () => readFileOrThrow(f.path) });
    else skipped.push({ path: f.path, reason: new DejaError('NOT_AN_IMAGE', 'not a photo (by its extension)', { file: f.path }).message });
  }
  return sources;
}

/**
 * Decodes a folder's photos and runs SIFT on them.
 *
 * @param options - folder; maxSize (longer side, pixels); maxFeatures per photo (default SIFT's); threads.
 * @returns the photos (file-name order) with features, the skipped files and stage times.
 * @throws DejaError NOT_FOUND (no folder), NO_DATA (fewer than two photos, naming the first skipped file).
 * @example const prepared = await preparePhotos({ folder: 'photos', maxSize: 1024 });
 */
export async function preparePhotos(options: PrepareOptions & { folder: string }, progress: Progress = silentProgress): Promise<PreparedPhotos> {
  const skipped: PreparedPhotos['skipped'] = [];
  return preparePhotoSources(folderSources(options.folder, skipped), options.folder, options, progress, skipped);
}

/** How the photos are prepared: longer side (pixels), SIFT features kept per photo (default SIFT's), SIFT threads. */
export interface PrepareOptions {
  maxSize: number;
  maxFeatures?: number;
  /** SIFT contrast threshold; default `siftContrastFor` the camera setup the photos will get. */
  siftContrast?: number;
  threads?: number;
  /** Where features are kept between runs: found ones are read, new ones written as they are made. */
  database?: SfmDatabase;
  /** The camera setup asked (default 'auto') and whether K is known, for the default contrast. */
  cameras?: 'auto' | 'shared' | 'per-image';
  knownK?: boolean;
  cameraModel?: 'simple-radial' | 'pinhole';
}

/** SIFT's contrast threshold for one camera (OpenCV's, Lowe 2004 §4). */
export const SHARED_CAMERA_CONTRAST = 0.04;
/** For per-image cameras: COLMAP's default peak threshold (0.02 / 3 scales, as ours is divided). Internet
 *  photos differ in zoom, light and season, and their overlapping pairs share few strong keypoints: on
 *  statue-of-liberty (135 photos, vocab k = 16) 0.04 registers 46, 0.02 registers 82 (1.65× the keypoints). */
export const PER_IMAGE_CONTRAST = 0.02;

/**
 * The default SIFT contrast threshold: PER_IMAGE_CONTRAST when the photos will get per-image cameras
 * (`chooseCameras`: sizes or EXIF differ, or asked), else SHARED_CAMERA_CONTRAST.
 */
export function siftContrastFor(photos: readonly CameraChoicePhoto[], options: Pick<PrepareOptions, 'cameras' | 'knownK' | 'cameraModel'>): number {
  try {
    return chooseCameras(options.cameras ?? 'auto', photos, options.knownK === true || options.cameraModel === 'pinhole').cameras === 'per-image' ? PER_IMAGE_CONTRAST : SHARED_CAMERA_CONTRAST;
  } catch {
    return SHARED_CAMERA_CONTRAST; // a setup that cannot be is refused after SIFT, with its own message
  }
}

/**
 * Decodes photos given as sources (uploads, say) and runs SIFT on them, as `preparePhotos` does a folder's.
 *
 * @param where - what the photos are, for messages (a folder, "3 uploaded photos").
 * @param skipped - what was already passed over (joined by the unreadable photos).
 * @throws DejaError NO_DATA (fewer than two readable photos, naming the first skipped one).
 */
export async function preparePhotoSources(sources: readonly PhotoSource[], where: string, options: PrepareOptions, progress: Progress = silentProgress, skipped: PreparedPhotos['skipped'] = []): Promise<PreparedPhotos> {
  let done = timer();
  const decoded = await decodePhotos(sources, options.maxSize, progress, skipped);
  const decode = done();
  if (decoded.length < 2) {
    const why = skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped; first: ${skipped[0].path}: ${skipped[0].reason})` : '';
    throw new DejaError('NO_DATA', `need at least two photos to reconstruct, found ${decoded.length}${why}`, { file: where, hint: 'pass two or more overlapping photos of one scene' });
  }
  done = timer();
  progress.start(decoded.length, 'SIFT');
  const contrast = options.siftContrast ?? siftContrastFor(decoded.map((p) => ({ name: p.name, width: p.image.width, height: p.image.height, exif: p.exif })), options);
  const sift = { ...(options.maxFeatures ? { maxFeatures: options.maxFeatures } : {}), contrastThreshold: contrast };
  const featureParams = JSON.stringify({ sift: 1, maxSize: options.maxSize, contrast, maxFeatures: options.maxFeatures ?? null });
  const db = options.database;
  const features: (SiftFeatures | null)[] = decoded.map((p) => {
    const stored = db?.features(p.sha256, featureParams);
    return stored ? { ...stored, report: stored.report as SiftReport } : null;
  });
  const missing = features.flatMap((f, i) => (f ? [] : [i]));
  progress.tick(decoded.length - missing.length);
  // Each photo is stored as soon as it is done: a run killed half-way keeps what it finished.
  await siftFeaturesBatch(missing.map((i) => decoded[i].image), sift, options.threads, (k, f) => {
    features[missing[k]] = f;
    db?.putFeatures([{ photo: decoded[missing[k]].sha256, params: featureParams, features: f }]);
    progress.tick();
  });
  progress.stop();
  const featureTime = done();
  const photos = decoded.map((p, i) => ({ name: p.name, width: p.image.width, height: p.image.height, scale: p.scale, exif: p.exif, sha256: p.sha256, features: features[i]!, colour: p.colour }));
  return {
    folder: where, photos, skipped, featureParams,
    stages: { decode, features: { ...featureTime, keypoints: photos.reduce((a, p) => a + p.features.count, 0), contrast, fromDatabase: decoded.length - missing.length } },
  };
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
