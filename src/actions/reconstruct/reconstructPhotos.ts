/**
 * The reconstruction pipeline after decoding and SIFT (Schönberger & Frahm 2016, §4): matching with
 * geometric verification, incremental mapping with bundle adjustment (one shared camera, or one per
 * photo), point colours, and the outputs (COLMAP's text model, PLY, topview.png, scene.json) returned
 * as bytes by name. `deja reconstruct` feeds it a folder and writes the outputs there;
 * `POST /api/reconstruct` feeds it uploads and keeps the outputs as job files.
 */
import { z } from 'zod';
import { DejaError } from '../../core/errors.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { colmapModelBytes } from '../../io/colmapModel.ts';
import { topViewPng } from '../../io/topView.ts';
import { viewerScene } from '../../io/viewerScene.ts';
import { cameraCentre } from '../../sfm/mapper/cameraPose.ts';
import { colmapModelOf } from '../../sfm/mapper/colmapModelOf.ts';
import { focalFromExif, type FocalSource } from '../../sfm/mapper/focalFromExif.ts';
import { incrementalMapper, MIN_REGISTRATION_INLIERS } from '../../sfm/mapper/incrementalMapper.ts';
import type { MapperCamera, MapperResult, MapperSummary } from '../../sfm/mapper/mapperResult.ts';
import { pointColours } from '../../sfm/mapper/pointColours.ts';
import { duplicatePairs } from '../../sfm/matching/duplicatePairs.ts';
import type { SfmDatabase } from '../../store/sfmDatabase.ts';
import { chooseCameras } from './cameraChoice.ts';
import { matchPhotos } from './matchPhotos.ts';
import { duplicatesOnlyError, MIN_PAIR_INLIERS, noOverlapError } from './matchingFailure.ts';
import { type PhotoSource, type PreparedPhotos, preparePhotoSources, type StageTime, timer } from './preparePhotos.ts';
import { unregisteredReasons } from './unregisteredReasons.ts';

/** Least registration inliers with per-image cameras: tourist photos that see the scene from one side
 *  often share few triangulated points, and at COLMAP's 30 a whole group of them waits behind one photo
 *  with 25 (statue-of-liberty: 86 → 95 of 135 registered in sorted order, 50 → 100 in another order, median position error 4.2 → 4.9 % of the extent). */
const PER_IMAGE_MIN_INLIERS = 20;

/** Options of the pipeline, wherever the photos come from. */
export const ReconstructPhotoOptions = z.object({
  cameraModel: z.enum(['simple-radial', 'pinhole']).default('simple-radial')
    .describe("'simple-radial' refines f and k1 (f guessed as 1.2 × the longer side, from EXIF with per-image cameras, or from K); 'pinhole' holds the given K (one shared camera)."),
  K: z.array(z.number()).length(9).optional().describe('K of the photos at their stored size, 3 × 3 row-major (fx s cx 0 fy cy 0 0 1); required with pinhole.'),
  cameras: z.enum(['auto', 'shared', 'per-image']).default('auto')
    .describe("'shared': one camera for all photos (one size); 'per-image': each photo its own SIMPLE_RADIAL camera, f from EXIF (else 1.2 × the longer side), refined apart under a weak prior (Snavely et al. 2006, §4); 'auto': per-image when sizes, EXIF cameras or focal lengths differ, else shared."),
  maxFeatures: z.number().int().min(100).max(100000).optional().describe('Keep at most this many SIFT features per photo (the strongest); default: all.'),
  siftContrast: z.number().min(0).max(1).optional().describe('SIFT contrast threshold, divided by the 3 scales per octave as OpenCV does; default 0.02 (COLMAP’s, about 1.7× the features) with per-image cameras (internet photos), 0.04 (OpenCV’s, Lowe §4) with one camera.'),
  matcher: z.enum(['exhaustive', 'vocab']).default('exhaustive').describe('Every pair (small sets), or each photo’s nearest by a vocabulary tree (Nistér & Stewénius 2006).'),
  retrievalK: z.number().int().min(1).max(200).default(16).describe('With vocab: pairs retrieved per photo (COLMAP retrieves 100; at 16, 95 of the 135 statue-of-liberty photos register).'),
  maxSize: z.number().int().min(64).max(20000).default(1024).describe('Longer side the photos are shrunk to before SIFT, pixels (never enlarged).'),
  threads: z.number().int().min(1).max(256).optional().describe('SIFT and matching worker threads (default: all cores, or DEJA_THREADS).'),
  minRegistrationInliers: z.number().int().min(6).max(1000).optional()
    .describe('Least 2D–3D inliers that register a photo; default 20 with per-image cameras (internet photos: 135 statue-of-liberty photos register 86 at 30, 95 at 20), 30 (COLMAP’s abs_pose_min_num_inliers) with one camera.'),
  seed: z.number().int().min(0).default(1).describe('Seed of every RANSAC run and of the vocabulary tree.'),
});
export type ReconstructPhotoOptions = z.output<typeof ReconstructPhotoOptions>;

/** What the pipeline reports (OpenSfM-style: one entry per stage). */
export interface ReconstructionReport {
  images: {
    name: string; width: number; height: number; features: number; registered: boolean; reason: string | null; observations: number;
    /** With per-image cameras: the starting focal length (pixels) and its source; for a guess, the focal
     *  length that registration's sweep chose (null when the photo did not register, or started the map);
     *  and the refined camera. */
    focal: { start: number; source: FocalSource; swept: number | null } | null; camera: MapperCamera | null;
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
    features: StageTime & { keypoints: number; contrast: number; fromDatabase: number };
    matching: StageTime & { matcher: 'exhaustive' | 'vocab'; pairs: number; verifiedPairs: number; inliers: number; fromDatabase: number };
    mapping: StageTime & { ms: MapperSummary['ms']; minRegistrationInliers: number; initialPair: { images: [string, string]; inliers: number; medianAngle: number } | null };
    export: StageTime;
  };
  seconds: number;
}

/** The output files by name, in the order they are written: cameras.txt, images.txt, points3D.txt, points.ply, topview.png, scene.json. */
export type ReconstructionOutputs = Record<string, Buffer>;

/** K for the decoded size: K (stored size, row-major) scaled, pixel centres at integers (as SIFT's keypoints). */
function scaledK(K: readonly number[], scale: [number, number], where: string): Float64Array {
  if (K[6] !== 0 || K[7] !== 0 || K[8] !== 1 || K[3] !== 0 || !(K[0] > 0 && K[4] > 0))
    throw new DejaError('BAD_ARGUMENT', 'expected a 3 × 3 upper-triangular K with positive focal lengths and last row 0 0 1', { file: where, hint: 'three rows: fx s cx / 0 fy cy / 0 0 1' });
  const [sx, sy] = scale;
  return Float64Array.of(K[0] * sx, K[1] * sx, (K[2] + 0.5) * sx - 0.5, 0, K[4] * sy, (K[5] + 0.5) * sy - 0.5, 0, 0, 1);
}

/** The output files of a reconstruction: the COLMAP model and PLY (points coloured), topview.png, scene.json. */
async function outputsOf(rec: MapperResult, prepared: PreparedPhotos): Promise<ReconstructionOutputs> {
  const { photos } = prepared;
  const keypoints = photos.map((p) => p.features.keypoints);
  const rgb = pointColours(rec.points, keypoints, photos.map((p) => p.colour));
  const registered = rec.images.filter((im) => im.registered);
  const topView = await topViewPng({ xyz: rec.points.xyz, rgb, cameras: registered.map((im) => ({ centre: cameraCentre(im.pose!), R: im.pose!.R, label: String(im.index) })) });
  const cameras = registered.map((im) => {
    const c = rec.cameras?.[im.index] ?? rec.camera;
    return { index: im.index, name: photos[im.index].name, centre: Array.from(cameraCentre(im.pose!)), rotation: Array.from(im.pose!.R), focal: c.params[0], width: c.width, height: c.height };
  });
  return {
    ...colmapModelBytes(colmapModelOf(rec, keypoints, photos.map((p) => p.name), rgb)),
    'topview.png': topView.png,
    'scene.json': Buffer.from(JSON.stringify(viewerScene(rec.points.xyz, rgb, cameras)), 'utf8'),
  };
}

/**
 * Stages 3–5 on photos already decoded and described (`preparePhotos`, `preparePhotoSources`, or a
 * `preparedSubset` of them): matching (exhaustive or retrieved pairs, ratio test and cross-check,
 * verified at 4 px scaled to the size, at least 1.5 px), `incrementalMapper` with one shared camera or
 * one per photo (focal length from EXIF, `focalFromExif`; Snavely et al. 2006, §4), and the outputs.
 * The options' maxSize, maxFeatures and threads are those of the preparation.
 *
 * @returns the report (`seconds` counts these stages plus the preparation's decode and SIFT time) and the output files by name.
 * @throws DejaError BAD_ARGUMENT (pinhole without K, a bad K, photos of different sizes with a shared
 *   camera), NO_DATA (no overlapping pair — naming the pairs tried and the best —, only identical photos, no initial pair).
 */
export async function reconstructPreparedPhotos(prepared: PreparedPhotos, o: ReconstructPhotoOptions, progress: Progress = silentProgress, database?: SfmDatabase): Promise<{ report: ReconstructionReport; outputs: ReconstructionOutputs }> {
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs K', { hint: 'give K (deja reconstruct --K K.txt), or use the simple-radial camera model' });
  const began = performance.now();
  const { photos, skipped, folder: where, stages: { decode, features: featureTime } } = prepared;
  const features = photos.map((p) => p.features);
  const cameraSetup = chooseCameras(o.cameras, photos, o.K !== undefined || o.cameraModel === 'pinhole');
  const perImage = cameraSetup.cameras === 'per-image';
  const focal = photos.map((p) => (perImage ? focalFromExif(p.exif, Math.max(p.width, p.height)) : null));
  const K = o.K ? scaledK(o.K, photos[0].scale, where) : undefined;
  const longSide = Math.max(...photos.map((p) => Math.max(p.width, p.height))), s = longSide / 1536;
  let done = timer();
  const { result: matching, fromDatabase } = await matchPhotos(features, { matcher: o.matcher, retrievalK: o.retrievalK, seed: o.seed, threshold: Math.max(1.5, 4 * s), threads: o.threads }, progress,
    database && { database, photos: photos.map((p) => p.sha256), featureParams: prepared.featureParams });
  const matchTime = done();
  const names = photos.map((p) => p.name);
  if (!matching.pairs.some((p) => p.inlierCount >= MIN_PAIR_INLIERS)) throw noOverlapError(matching.pairs, names, where);
  const duplicates = duplicatePairs(matching.pairs, features.map((f) => f.keypoints), longSide, { minInliers: MIN_PAIR_INLIERS });
  const onlyCopies = duplicatesOnlyError(matching.pairs, duplicates, names, where);
  if (onlyCopies) throw onlyCopies;
  done = timer();
  const minInliers = o.minRegistrationInliers ?? (perImage ? PER_IMAGE_MIN_INLIERS : MIN_REGISTRATION_INLIERS);
  progress.start(photos.length, 'mapping');
  let shown = 0;
  const rec = incrementalMapper(photos.map((p, i) => ({ width: p.width, height: p.height, keypoints: features[i].keypoints,
    // A guessed focal length is left out, so that registration sweeps it (registerImageFocalSearch);
    // passed as if known, the zoomed tourist shots never register.
    focalLength: focal[i] && focal[i]!.source !== 'guess' ? focal[i]!.f : undefined })), matching.pairs, {
    cameraModel: o.cameraModel, cameras: cameraSetup.cameras, K, seed: o.seed, twoViewThreshold: Math.max(2, 4 * s), registrationThreshold: Math.max(6, 12 * s),
    minRegistrationInliers: minInliers,
    progress: (registered) => {
      progress.tick(registered - shown);
      shown = registered;
    },
  });
  progress.stop();
  const mapTime = done();
  if (!rec.success) throw new DejaError('NO_DATA', `no initial pair: ${rec.reason}`, { file: where, hint: 'the photos need more overlap, or more baseline between them' });
  done = timer();
  const outputs = await outputsOf(rec, prepared);
  const exportTime = done();
  const { ms, ...summary } = rec.summary;
  const reasons = unregisteredReasons(rec.images.map((im) => im.reason), rec.images.map((im) => im.registered), matching.pairs, names);
  const init = rec.initialPair;
  const swept = new Map(rec.registrations.filter((g) => g.sweptFocalLength).map((g) => [g.image, g.sweptFocalLength!]));
  const report: ReconstructionReport = {
    images: photos.map((p, i) => ({
      name: p.name, width: p.width, height: p.height, features: features[i].count, registered: rec.images[i].registered,
      reason: reasons[i], observations: rec.images[i].observations,
      focal: focal[i] && { start: focal[i]!.f, source: focal[i]!.source, swept: swept.get(i) ?? null }, camera: rec.cameras?.[i] ?? null,
    })),
    skipped, cameraSetup, camera: rec.camera, summary,
    duplicates: duplicates.map((d) => ({ a: names[d.i], b: names[d.j], inliers: d.inliers, medianShift: d.medianShift })),
    stages: {
      decode, features: featureTime,
      matching: { ...matchTime, matcher: o.matcher, pairs: matching.report.pairs, verifiedPairs: matching.pairs.filter((p) => p.inlierCount > 0).length, inliers: matching.report.inliers, fromDatabase },
      mapping: { ...mapTime, ms, minRegistrationInliers: minInliers, initialPair: init && { images: [photos[init.i].name, photos[init.j].name], inliers: init.inliers, medianAngle: init.medianAngle } },
      export: exportTime,
    },
    seconds: decode.seconds + featureTime.seconds + (performance.now() - began) / 1000,
  };
  return { report, outputs };
}

/**
 * Reconstructs photos of one scene given as sources (uploads): `preparePhotoSources`, then
 * `reconstructPreparedPhotos`.
 *
 * @param where - what the photos are, for messages ("3 uploaded photos").
 * @returns the report and the output files by name.
 * @throws DejaError as `preparePhotoSources` and `reconstructPreparedPhotos`.
 * @example const { report, outputs } = await reconstructPhotos(sources, '3 uploaded photos', ReconstructPhotoOptions.parse({ maxSize: 512 }));
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009.
 */
export async function reconstructPhotos(sources: readonly PhotoSource[], where: string, o: ReconstructPhotoOptions, progress: Progress = silentProgress): Promise<{ report: ReconstructionReport; outputs: ReconstructionOutputs }> {
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs K', { hint: 'give K (deja reconstruct --K K.txt), or use the simple-radial camera model' });
  const prepared = await preparePhotoSources(sources, where, { ...o, knownK: o.K !== undefined }, progress);
  return reconstructPreparedPhotos(prepared, o, progress);
}
