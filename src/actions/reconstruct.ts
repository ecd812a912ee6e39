/**
 * `deja reconstruct`: a folder of photos → cameras and points (Schönberger & Frahm 2016's pipeline):
 * decode, SIFT in worker threads, exhaustive or vocabulary-tree matching with geometric verification,
 * incremental mapping with bundle adjustment, and COLMAP's text model + PLY in the output folder.
 */
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { writeColmapModel } from '../io/colmapModel.ts';
import { readNumberRows } from '../io/folderFiles.ts';
import type { SiftFeatures } from '../sfm/features/siftFeatures.ts';
import { colmapModelOf } from '../sfm/mapper/colmapModelOf.ts';
import { focalFromExif, type FocalSource } from '../sfm/mapper/focalFromExif.ts';
import { incrementalMapper } from '../sfm/mapper/incrementalMapper.ts';
import type { MapperCamera, MapperSummary } from '../sfm/mapper/mapperResult.ts';
import { duplicatePairs } from '../sfm/matching/duplicatePairs.ts';
import { exhaustivePairs, matchImagePairs, type PairMatchingResult } from '../sfm/matching/matchImagePairs.ts';
import { retrievalPairs } from '../sfm/matching/retrievalPairs.ts';
import { chooseCameras } from './reconstruct/cameraChoice.ts';
import { duplicatesOnlyError, MIN_PAIR_INLIERS, noOverlapError } from './reconstruct/matchingFailure.ts';
import { type PreparedPhotos, preparePhotos, type StageTime, timer } from './reconstruct/preparePhotos.ts';
import { unregisteredReasons } from './reconstruct/unregisteredReasons.ts';

export type { StageTime } from './reconstruct/preparePhotos.ts';

/** Options of `deja reconstruct`. */
export const ReconstructOptions = z.object({
  folder: z.string().min(1).describe('Folder of photos of one scene (one level; files that are not photos are skipped and reported).'),
  out: z.string().min(1).describe('Output folder for cameras.txt, images.txt, points3D.txt (COLMAP text model) and points.ply; created when missing.'),
  cameraModel: z.enum(['simple-radial', 'pinhole']).default('simple-radial')
    .describe("One shared camera: 'simple-radial' refines f and k1 (f guessed as 1.2 × the longer side, or from --K); 'pinhole' holds the K of --K."),
  K: z.string().optional().describe('A 3 × 3 K.txt for the photos at their stored size (scaled with them); required with pinhole.'),
  cameras: z.enum(['auto', 'shared', 'per-image']).default('auto')
    .describe("'shared': one camera for all photos (one size); 'per-image': each photo its own SIMPLE_RADIAL camera, f from EXIF (else 1.2 × the longer side), refined apart under a weak prior (Snavely et al. 2006, §4); 'auto': per-image when sizes, EXIF cameras or focal lengths differ, else shared."),
  maxFeatures: z.number().int().min(100).max(100000).optional().describe('Keep at most this many SIFT features per photo (the strongest); default: all.'),
  matcher: z.enum(['exhaustive', 'vocab']).default('exhaustive').describe('Every pair (small sets), or each photo’s nearest by a vocabulary tree (Nistér & Stewénius 2006).'),
  retrievalK: z.number().int().min(1).max(200).default(8).describe('With vocab: pairs retrieved per photo.'),
  maxSize: z.number().int().min(64).max(20000).default(1024).describe('Longer side the photos are shrunk to before SIFT, pixels (never enlarged).'),
  threads: z.number().int().min(1).max(256).optional().describe('SIFT worker threads (default: all cores, or DEJA_THREADS).'),
  seed: z.number().int().min(0).default(1).describe('Seed of every RANSAC run and of the vocabulary tree.'),
});
export type ReconstructOptions = z.input<typeof ReconstructOptions>;

/** What `deja reconstruct --json` reports (OpenSfM-style: one entry per stage). */
export interface ReconstructReport {
  folder: string;
  files: string[];
  images: {
    name: string; width: number; height: number; features: number; registered: boolean; reason: string | null; observations: number;
    /** With per-image cameras: the starting focal length (pixels) and its source, and the refined camera. */
    focal: { start: number; source: FocalSource } | null; camera: MapperCamera | null;
  }[];
  skipped: { path: string; reason: string }[];
  /** 'shared' or 'per-image', and why (see the `cameras` option). */
  cameraSetup: { cameras: 'shared' | 'per-image'; why: string };
  /** The shared camera (with per-image cameras: the first photo's). */
  camera: MapperCamera;
  /** Pairs of (near-)identical photos found by matching (no baseline), by name. */
  duplicates: { a: string; b: string; inliers: number; medianShift: number }[];
  summary: Omit<MapperSummary, 'ms'>;
  stages: {
    decode: StageTime;
    features: StageTime & { keypoints: number };
    matching: StageTime & { matcher: 'exhaustive' | 'vocab'; pairs: number; verifiedPairs: number; inliers: number };
    mapping: StageTime & { ms: MapperSummary['ms']; initialPair: { images: [string, string]; inliers: number; medianAngle: number } | null };
    export: StageTime;
  };
  seconds: number;
}

/** K for the decoded size: K.txt scaled, pixel centres at integers (as SIFT's keypoints). */
function scaledK(file: string, scale: [number, number]): Float64Array {
  const rows = readNumberRows(file);
  if (rows.length !== 3 || rows.some((r) => r.length !== 3) || rows[2][0] !== 0 || rows[2][1] !== 0 || rows[2][2] !== 1 || rows[1][0] !== 0 || !(rows[0][0] > 0 && rows[1][1] > 0))
    throw new DejaError('BAD_ARGUMENT', 'expected a 3 × 3 upper-triangular K with positive focal lengths and last row 0 0 1', { file, hint: 'three lines: fx s cx / 0 fy cy / 0 0 1' });
  const [sx, sy] = scale, K = rows.flat();
  return Float64Array.of(K[0] * sx, K[1] * sx, (K[2] + 0.5) * sx - 0.5, 0, K[4] * sy, (K[5] + 0.5) * sy - 0.5, 0, 0, 1);
}

/** The matching stage: the pairs to try (all, or retrieved), matched and verified. */
function matchPhotos(features: SiftFeatures[], o: z.output<typeof ReconstructOptions>, threshold: number, progress: Progress): PairMatchingResult {
  const pairs = o.matcher === 'vocab' && features.length > 2
    ? retrievalPairs(features, Math.min(o.retrievalK, features.length - 1), { train: { branching: 10, depth: 4, seed: o.seed } }).pairs
    : exhaustivePairs(features.length);
  progress.start(pairs.length / 2, 'matching');
  const result = matchImagePairs(features, pairs, { verify: { threshold, ransac: { seed: o.seed } }, progress: () => progress.tick() });
  progress.stop();
  return result;
}

/**
 * Reconstructs a folder of photos of one scene.
 *
 * Stages (Schönberger & Frahm 2016, §4): (1) decode, gray, longer side ≤ maxSize; (2) SIFT
 * (`siftFeaturesBatch`, worker threads); (3) exhaustive or retrieval pairs, matched (ratio test,
 * cross-check) and verified (`matchImagePairs`, threshold 4 px scaled to the size, at least 1.5 px);
 * (4) `incrementalMapper` with one shared camera, or one per photo (focal length from EXIF,
 * `focalFromExif`; Snavely et al. 2006, §4); (5) COLMAP text model and PLY (`writeColmapModel`).
 *
 * @returns the per-image outcome, the camera, the summary and each stage's seconds.
 * @throws DejaError NOT_FOUND (no folder, no K file), BAD_ARGUMENT (pinhole without --K, a bad K,
 *   photos of different sizes with a shared camera), NO_DATA (fewer than two photos, no overlapping
 *   pair — naming the pairs tried and the best —, only identical photos, no initial pair).
 * @example
 * const r = await reconstruct({ folder: 'fountain/images', out: 'fountain/sparse', cameraModel: 'pinhole', K: 'fountain/K.txt', maxSize: 512 });
 * console.log(`${r.summary.registered}/${r.images.length} registered, ${r.summary.points} points`);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009.
 */
export async function reconstruct(rawOptions: ReconstructOptions, progress: Progress = silentProgress): Promise<ReconstructReport> {
  const o = parseOptions(ReconstructOptions, rawOptions);
  checkCameraOptions(o);
  const began = performance.now();
  const prepared = await preparePhotos(o, progress);
  return { ...(await reconstructPrepared(prepared, rawOptions, progress)), seconds: (performance.now() - began) / 1000 };
}

function checkCameraOptions(o: z.output<typeof ReconstructOptions>): void {
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs --K', { hint: 'pass --K K.txt, or use --camera-model simple-radial' });
}

/**
 * `reconstruct` from photos already decoded and described (`preparePhotos`, or a `preparedSubset` of
 * them): stages 3–5. The options' folder, maxSize, maxFeatures and threads are those of the preparation.
 *
 * @returns the report; `seconds` counts these stages plus the preparation's decode and SIFT time.
 * @throws DejaError as `reconstruct`.
 * @example const all = await preparePhotos({ folder, maxSize: 1024 }); const r = await reconstructPrepared(preparedSubset(all, names.slice(0, 25)), { folder, out });
 */
export async function reconstructPrepared(prepared: PreparedPhotos, rawOptions: ReconstructOptions, progress: Progress = silentProgress): Promise<ReconstructReport> {
  const o = parseOptions(ReconstructOptions, rawOptions);
  checkCameraOptions(o);
  const began = performance.now();
  const { photos, skipped, stages: { decode, features: featureTime } } = prepared;
  const features = photos.map((p) => p.features);
  const cameraSetup = chooseCameras(o.cameras, photos, o.K !== undefined || o.cameraModel === 'pinhole');
  const perImage = cameraSetup.cameras === 'per-image';
  const focal = photos.map((p) => (perImage ? focalFromExif(p.exif, Math.max(p.width, p.height)) : null));
  const K = o.K ? scaledK(o.K, photos[0].scale) : undefined;
  const longSide = Math.max(...photos.map((p) => Math.max(p.width, p.height))), s = longSide / 1536;
  let done = timer();
  const matching = matchPhotos(features, o, Math.max(1.5, 4 * s), progress);
  const matchTime = done();
  const names = photos.map((p) => p.name);
  if (!matching.pairs.some((p) => p.inlierCount >= MIN_PAIR_INLIERS)) throw noOverlapError(matching.pairs, names, o.folder);
  const duplicates = duplicatePairs(matching.pairs, features.map((f) => f.keypoints), longSide, { minInliers: MIN_PAIR_INLIERS });
  const onlyCopies = duplicatesOnlyError(matching.pairs, duplicates, names, o.folder);
  if (onlyCopies) throw onlyCopies;
  done = timer();
  progress.start(photos.length, 'mapping');
  let shown = 0;
  const rec = incrementalMapper(photos.map((p, i) => ({ width: p.width, height: p.height, keypoints: features[i].keypoints, focalLength: focal[i]?.f })), matching.pairs, {
    cameraModel: o.cameraModel, cameras: cameraSetup.cameras, K, seed: o.seed, twoViewThreshold: Math.max(2, 4 * s), registrationThreshold: Math.max(6, 12 * s),
    progress: (registered) => {
      progress.tick(registered - shown);
      shown = registered;
    },
  });
  progress.stop();
  const mapTime = done();
  if (!rec.success) throw new DejaError('NO_DATA', `no initial pair: ${rec.reason}`, { file: o.folder, hint: 'the photos need more overlap, or more baseline between them' });
  done = timer();
  const files = await writeColmapModel(o.out, colmapModelOf(rec, features.map((f) => f.keypoints), names));
  const exportTime = done();
  const { ms, ...summary } = rec.summary;
  const reasons = unregisteredReasons(rec.images.map((im) => im.reason), rec.images.map((im) => im.registered), matching.pairs, names);
  const init = rec.initialPair;
  return {
    folder: o.folder, files,
    images: photos.map((p, i) => ({
      name: p.name, width: p.width, height: p.height, features: features[i].count, registered: rec.images[i].registered,
      reason: reasons[i], observations: rec.images[i].observations,
      focal: focal[i] && { start: focal[i]!.f, source: focal[i]!.source }, camera: rec.cameras?.[i] ?? null,
    })),
    skipped, cameraSetup, camera: rec.camera, summary,
    duplicates: duplicates.map((d) => ({ a: names[d.i], b: names[d.j], inliers: d.inliers, medianShift: d.medianShift })),
    stages: {
      decode, features: featureTime,
      matching: { ...matchTime, matcher: o.matcher, pairs: matching.report.pairs, verifiedPairs: matching.pairs.filter((p) => p.inlierCount > 0).length, inliers: matching.report.inliers },
      mapping: { ...mapTime, ms, initialPair: init && { images: [photos[init.i].name, photos[init.j].name], inliers: init.inliers, medianAngle: init.medianAngle } },
      export: exportTime,
    },
    seconds: decode.seconds + featureTime.seconds + (performance.now() - began) / 1000,
  };
}
