/**
 * `deja reconstruct`: a folder of photos → cameras and points (Schönberger & Frahm 2016's pipeline):
 * decode, SIFT in worker threads, exhaustive or vocabulary-tree matching with geometric verification,
 * incremental mapping with bundle adjustment, and COLMAP's text model + PLY in the output folder.
 */
import { z } from 'zod';
import { assert, DejaError, isDejaError } from '../core/errors.ts';
import type { Image } from '../core/image.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { writeColmapModel } from '../io/colmapModel.ts';
import { topViewPng } from '../io/topView.ts';
import { decodeImage, decodeRgbBytes, probeImage, readFileOrThrow } from '../io/decode.ts';
import { listFolderFiles, readNumberRows } from '../io/folderFiles.ts';
import { PHOTO_EXTENSIONS } from '../io/sources.ts';
import { siftFeaturesBatch } from '../sfm/features/siftBatch.ts';
import type { SiftFeatures } from '../sfm/features/siftFeatures.ts';
import { cameraCentre } from '../sfm/mapper/cameraPose.ts';
import { colmapModelOf } from '../sfm/mapper/colmapModelOf.ts';
import { incrementalMapper } from '../sfm/mapper/incrementalMapper.ts';
import type { MapperCamera, MapperSummary } from '../sfm/mapper/mapperResult.ts';
import { pointColours, type RgbBytes } from '../sfm/mapper/pointColours.ts';
import { exhaustivePairs, matchImagePairs, type PairMatchingResult } from '../sfm/matching/matchImagePairs.ts';
import { retrievalPairs } from '../sfm/matching/retrievalPairs.ts';

/** Options of `deja reconstruct`. */
export const ReconstructOptions = z.object({
  folder: z.string().min(1).describe('Folder of photos of one scene (one level; files that are not photos are skipped and reported).'),
  out: z.string().min(1).describe('Output folder for cameras.txt, images.txt, points3D.txt (COLMAP text model), points.ply and topview.png; created when missing.'),
  cameraModel: z.enum(['simple-radial', 'pinhole']).default('simple-radial')
    .describe("One shared camera: 'simple-radial' refines f and k1 (f guessed as 1.2 × the longer side, or from --K); 'pinhole' holds the K of --K."),
  K: z.string().optional().describe('A 3 × 3 K.txt for the photos at their stored size (scaled with them); required with pinhole.'),
  matcher: z.enum(['exhaustive', 'vocab']).default('exhaustive').describe('Every pair (small sets), or each photo’s nearest by a vocabulary tree (Nistér & Stewénius 2006).'),
  retrievalK: z.number().int().min(1).max(200).default(8).describe('With vocab: pairs retrieved per photo.'),
  maxSize: z.number().int().min(64).max(20000).default(1024).describe('Longer side the photos are shrunk to before SIFT, pixels (never enlarged).'),
  threads: z.number().int().min(1).max(256).optional().describe('SIFT worker threads (default: all cores, or DEJA_THREADS).'),
  seed: z.number().int().min(0).default(1).describe('Seed of every RANSAC run and of the vocabulary tree.'),
});
export type ReconstructOptions = z.input<typeof ReconstructOptions>;

/** One stage's wall and CPU seconds (CPU of all threads of this process). */
export interface StageTime {
  seconds: number;
  cpuSeconds: number;
}

/** What `deja reconstruct --json` reports (OpenSfM-style: one entry per stage). */
export interface ReconstructReport {
  folder: string;
  files: string[];
  /** topview.png: the points from above, coloured, with the cameras (also in `files`). */
  topView: string;
  images: { name: string; width: number; height: number; features: number; registered: boolean; reason: string | null; observations: number }[];
  skipped: { path: string; reason: string }[];
  camera: MapperCamera;
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

function timer(): () => StageTime {
  const t0 = performance.now(), c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

/** A photo decoded twice at one size: gray for SIFT, sRGB bytes for the points' colours. */
interface DecodedPhoto { name: string; image: Image; colour: RgbBytes; scale: [number, number] }

/** The folder's photos, decoded gray and in colour with the longer side at most maxSize; the others skipped with a reason. */
async function decodePhotos(folder: string, maxSize: number, progress: Progress, skipped: ReconstructReport['skipped']): Promise<DecodedPhoto[]> {
  const files = listFolderFiles(folder), photos: DecodedPhoto[] = [];
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
      const colour = await decodeRgbBytes(bytes, { minSide, name: f.path });
      assert(colour.width === d.image.width && colour.height === d.image.height, `colour decode ${colour.width}×${colour.height} != gray ${d.image.width}×${d.image.height}`);
      photos.push({ name: f.name, image: d.image, colour, scale: [d.image.width / d.originalWidth, d.image.height / d.originalHeight] });
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: f.path, reason: e.message });
    }
    progress.tick();
  }
  progress.stop();
  return photos;
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
 * (4) `incrementalMapper` with one shared camera; (5) each point's mean colour over its track
 * (`pointColours`, on an sRGB decode at the same size), COLMAP text model, PLY and the top view
 * (`writeColmapModel`, `topViewPng`).
 *
 * @returns the per-image outcome, the camera, the summary and each stage's seconds.
 * @throws DejaError NOT_FOUND (no folder, no K file), BAD_ARGUMENT (pinhole without --K, a bad K,
 *   photos of different sizes), NO_DATA (fewer than two photos, no overlapping pair, no initial pair).
 * @example
 * const r = await reconstruct({ folder: 'fountain/images', out: 'fountain/sparse', cameraModel: 'pinhole', K: 'fountain/K.txt', maxSize: 512 });
 * console.log(`${r.summary.registered}/${r.images.length} registered, ${r.summary.points} points`);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009.
 */
export async function reconstruct(rawOptions: ReconstructOptions, progress: Progress = silentProgress): Promise<ReconstructReport> {
  const o = parseOptions(ReconstructOptions, rawOptions);
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs --K', { hint: 'pass --K K.txt, or use --camera-model simple-radial' });
  const began = performance.now(), skipped: ReconstructReport['skipped'] = [];
  let done = timer();
  const photos = await decodePhotos(o.folder, o.maxSize, progress, skipped);
  const decode = done();
  if (photos.length < 2) {
    const why = skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped; first: ${skipped[0].path}: ${skipped[0].reason})` : '';
    throw new DejaError('NO_DATA', `need at least two photos to reconstruct, found ${photos.length}${why}`, { file: o.folder, hint: 'pass a folder with two or more overlapping photos of one scene' });
  }
  const { width, height } = photos[0].image;
  const odd = photos.find((p) => p.image.width !== width || p.image.height !== height);
  if (odd) throw new DejaError('BAD_ARGUMENT', `photos differ in size (${photos[0].name} ${width}×${height}, ${odd.name} ${odd.image.width}×${odd.image.height}); the mapper uses one shared camera`, { file: o.folder, hint: 'reconstruct photos from one camera at one size' });
  const K = o.K ? scaledK(o.K, photos[0].scale) : undefined;
  done = timer();
  progress.start(photos.length, 'SIFT');
  const features = await siftFeaturesBatch(photos.map((p) => p.image), {}, o.threads);
  progress.tick(photos.length);
  progress.stop();
  const featureTime = done();
  const s = Math.max(width, height) / 1536;
  done = timer();
  const matching = matchPhotos(features, o, Math.max(1.5, 4 * s), progress);
  const matchTime = done();
  if (!matching.pairs.some((p) => p.inlierCount >= 30)) {
    const best = Math.max(0, ...matching.pairs.map((p) => p.inlierCount));
    throw new DejaError('NO_DATA', `no pair of images shares enough verified matches (best pair: ${best}, needs 30)`, { file: o.folder, hint: 'the photos must overlap: the same scene, seen from nearby viewpoints' });
  }
  done = timer();
  progress.start(photos.length, 'mapping');
  let shown = 0;
  const rec = incrementalMapper(photos.map((p, i) => ({ width, height, keypoints: features[i].keypoints })), matching.pairs, {
    cameraModel: o.cameraModel, K, seed: o.seed, twoViewThreshold: Math.max(2, 4 * s), registrationThreshold: Math.max(6, 12 * s),
    progress: (registered) => {
      progress.tick(registered - shown);
      shown = registered;
    },
  });
  progress.stop();
  const mapTime = done();
  if (!rec.success) throw new DejaError('NO_DATA', `no initial pair: ${rec.reason}`, { file: o.folder, hint: 'the photos need more overlap, or more baseline between them' });
  done = timer();
  const keypoints = features.map((f) => f.keypoints);
  const rgb = pointColours(rec.points, keypoints, photos.map((p) => p.colour));
  const registered = rec.images.filter((im) => im.registered);
  const topView = await topViewPng({ xyz: rec.points.xyz, rgb, cameras: registered.map((im) => ({ centre: cameraCentre(im.pose!), R: im.pose!.R, label: String(im.index) })) });
  const files = await writeColmapModel(o.out, colmapModelOf(rec, keypoints, photos.map((p) => p.name), rgb), { 'topview.png': topView.png });
  const exportTime = done();
  const { ms, ...summary } = rec.summary;
  const init = rec.initialPair;
  return {
    folder: o.folder, files, topView: files.find((f) => f.endsWith('topview.png'))!,
    images: photos.map((p, i) => ({ name: p.name, width, height, features: features[i].count, registered: rec.images[i].registered, reason: rec.images[i].reason, observations: rec.images[i].observations })),
    skipped, camera: rec.camera, summary,
    stages: {
      decode, features: { ...featureTime, keypoints: features.reduce((a, f) => a + f.count, 0) },
      matching: { ...matchTime, matcher: o.matcher, pairs: matching.report.pairs, verifiedPairs: matching.pairs.filter((p) => p.inlierCount > 0).length, inliers: matching.report.inliers },
      mapping: { ...mapTime, ms, initialPair: init && { images: [photos[init.i].name, photos[init.j].name], inliers: init.inliers, medianAngle: init.medianAngle } },
      export: exportTime,
    },
    seconds: (performance.now() - began) / 1000,
  };
}
