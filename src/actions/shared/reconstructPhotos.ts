/**
 * The reconstruction pipeline on photos given as bytes (Schönberger & Frahm 2016): decode, SIFT in
 * worker threads, exhaustive or vocabulary-tree matching with geometric verification, incremental
 * mapping with bundle adjustment, point colours; its outputs (COLMAP's text model, PLY, topview.png,
 * scene.json) returned as bytes by name. `deja reconstruct` feeds it a folder and writes the outputs
 * there; `POST /api/reconstruct` feeds it uploads and keeps the outputs as job files.
 */
import { z } from 'zod';
import { assert, DejaError, isDejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { colmapModelBytes } from '../../io/colmapModel.ts';
import { decodeImage, decodeRgbBytes, probeImage } from '../../io/decode.ts';
import { topViewPng } from '../../io/topView.ts';
import { viewerScene } from '../../io/viewerScene.ts';
import { siftFeaturesBatch } from '../../sfm/features/siftBatch.ts';
import type { SiftFeatures } from '../../sfm/features/siftFeatures.ts';
import { cameraCentre } from '../../sfm/mapper/cameraPose.ts';
import { colmapModelOf } from '../../sfm/mapper/colmapModelOf.ts';
import { incrementalMapper } from '../../sfm/mapper/incrementalMapper.ts';
import type { MapperCamera, MapperResult, MapperSummary } from '../../sfm/mapper/mapperResult.ts';
import { pointColours, type RgbBytes } from '../../sfm/mapper/pointColours.ts';
import { exhaustivePairs, matchImagePairs, type PairMatchingResult } from '../../sfm/matching/matchImagePairs.ts';
import { retrievalPairs } from '../../sfm/matching/retrievalPairs.ts';

/** Options of the pipeline, wherever the photos come from. */
export const ReconstructPhotoOptions = z.object({
  cameraModel: z.enum(['simple-radial', 'pinhole']).default('simple-radial')
    .describe("One shared camera: 'simple-radial' refines f and k1 (f guessed as 1.2 × the longer side, or from K); 'pinhole' holds the given K."),
  K: z.array(z.number()).length(9).optional().describe('K of the photos at their stored size, 3 × 3 row-major (fx s cx 0 fy cy 0 0 1); required with pinhole.'),
  matcher: z.enum(['exhaustive', 'vocab']).default('exhaustive').describe('Every pair (small sets), or each photo’s nearest by a vocabulary tree (Nistér & Stewénius 2006).'),
  retrievalK: z.number().int().min(1).max(200).default(8).describe('With vocab: pairs retrieved per photo.'),
  maxSize: z.number().int().min(64).max(20000).default(1024).describe('Longer side the photos are shrunk to before SIFT, pixels (never enlarged).'),
  threads: z.number().int().min(1).max(256).optional().describe('SIFT worker threads (default: all cores, or DEJA_THREADS).'),
  seed: z.number().int().min(0).default(1).describe('Seed of every RANSAC run and of the vocabulary tree.'),
});
export type ReconstructPhotoOptions = z.output<typeof ReconstructPhotoOptions>;

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

/** What the pipeline reports (OpenSfM-style: one entry per stage). */
export interface ReconstructionReport {
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

/** The output files by name, in the order they are written: cameras.txt, images.txt, points3D.txt, points.ply, topview.png, scene.json. */
export type ReconstructionOutputs = Record<string, Buffer>;

function timer(): () => StageTime {
  const t0 = performance.now(), c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

/** A photo decoded twice at one size: gray for SIFT, sRGB bytes for the points' colours. */
interface DecodedPhoto { name: string; image: Image; colour: RgbBytes; scale: [number, number] }

/** The photos, decoded gray and in colour with the longer side at most maxSize; unreadable ones skipped with a reason. */
async function decodePhotos(sources: readonly PhotoSource[], maxSize: number, progress: Progress, skipped: ReconstructionReport['skipped']): Promise<DecodedPhoto[]> {
  const photos: DecodedPhoto[] = [];
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
      photos.push({ name: source.name, image: d.image, colour, scale: [d.image.width / d.originalWidth, d.image.height / d.originalHeight] });
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: source.path, reason: e.message });
    }
    progress.tick();
  }
  progress.stop();
  return photos;
}

/** K for the decoded size: K (stored size, row-major) scaled, pixel centres at integers (as SIFT's keypoints). */
function scaledK(K: readonly number[], scale: [number, number], where: string): Float64Array {
  if (K[6] !== 0 || K[7] !== 0 || K[8] !== 1 || K[3] !== 0 || !(K[0] > 0 && K[4] > 0))
    throw new DejaError('BAD_ARGUMENT', 'expected a 3 × 3 upper-triangular K with positive focal lengths and last row 0 0 1', { file: where, hint: 'three rows: fx s cx / 0 fy cy / 0 0 1' });
  const [sx, sy] = scale;
  return Float64Array.of(K[0] * sx, K[1] * sx, (K[2] + 0.5) * sx - 0.5, 0, K[4] * sy, (K[5] + 0.5) * sy - 0.5, 0, 0, 1);
}

/** The matching stage: the pairs to try (all, or retrieved), matched and verified. */
function matchPhotos(features: SiftFeatures[], o: ReconstructPhotoOptions, threshold: number, progress: Progress): PairMatchingResult {
  const pairs = o.matcher === 'vocab' && features.length > 2
    ? retrievalPairs(features, Math.min(o.retrievalK, features.length - 1), { train: { branching: 10, depth: 4, seed: o.seed } }).pairs
    : exhaustivePairs(features.length);
  progress.start(pairs.length / 2, 'matching');
  const result = matchImagePairs(features, pairs, { verify: { threshold, ransac: { seed: o.seed } }, progress: () => progress.tick() });
  progress.stop();
  return result;
}

/** The output files of a reconstruction: the COLMAP model and PLY, topview.png, scene.json. */
async function outputsOf(rec: MapperResult, features: SiftFeatures[], photos: DecodedPhoto[]): Promise<ReconstructionOutputs> {
  const keypoints = features.map((f) => f.keypoints);
  const rgb = pointColours(rec.points, keypoints, photos.map((p) => p.colour));
  const registered = rec.images.filter((im) => im.registered);
  const topView = await topViewPng({ xyz: rec.points.xyz, rgb, cameras: registered.map((im) => ({ centre: cameraCentre(im.pose!), R: im.pose!.R, label: String(im.index) })) });
  const { width, height, params } = rec.camera;
  const cameras = registered.map((im) => ({
    index: im.index, name: photos[im.index].name, centre: Array.from(cameraCentre(im.pose!)), rotation: Array.from(im.pose!.R), focal: params[0], width, height,
  }));
  return {
    ...colmapModelBytes(colmapModelOf(rec, keypoints, photos.map((p) => p.name), rgb)),
    'topview.png': topView.png,
    'scene.json': Buffer.from(JSON.stringify(viewerScene(rec.points.xyz, rgb, cameras)), 'utf8'),
  };
}

/**
 * Reconstructs photos of one scene.
 *
 * Stages (Schönberger & Frahm 2016, §4): (1) decode, gray and sRGB, longer side ≤ maxSize; (2) SIFT
 * (`siftFeaturesBatch`, worker threads); (3) exhaustive or retrieval pairs, matched (ratio test,
 * cross-check) and verified (`matchImagePairs`, threshold 4 px scaled to the size, at least 1.5 px);
 * (4) `incrementalMapper` with one shared camera; (5) each point's mean colour over its track
 * (`pointColours`), the COLMAP text model and PLY (`colmapModelBytes`), the top view (`topViewPng`)
 * and the viewer's scene (`viewerScene`).
 *
 * @param sources - the photos (at least two readable ones of one size).
 * @param where - what they are, for messages (a folder, "3 uploaded photos").
 * @returns the report and the output files by name.
 * @throws DejaError BAD_ARGUMENT (pinhole without K, a bad K, photos of different sizes), NO_DATA
 *   (fewer than two photos, no overlapping pair, no initial pair).
 * @example const { report, outputs } = await reconstructPhotos(sources, 'photos/', ReconstructPhotoOptions.parse({ maxSize: 512 }));
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009.
 */
export async function reconstructPhotos(sources: readonly PhotoSource[], where: string, o: ReconstructPhotoOptions, progress: Progress = silentProgress, skipped: ReconstructionReport['skipped'] = []): Promise<{ report: ReconstructionReport; outputs: ReconstructionOutputs }> {
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs K', { hint: 'give K (deja reconstruct --K K.txt), or use the simple-radial camera model' });
  const began = performance.now();
  let done = timer();
  const photos = await decodePhotos(sources, o.maxSize, progress, skipped);
  const decode = done();
  if (photos.length < 2) {
    const why = skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped; first: ${skipped[0].path}: ${skipped[0].reason})` : '';
    throw new DejaError('NO_DATA', `need at least two photos to reconstruct, found ${photos.length}${why}`, { file: where, hint: 'pass two or more overlapping photos of one scene' });
  }
  const { width, height } = photos[0].image;
  const odd = photos.find((p) => p.image.width !== width || p.image.height !== height);
  if (odd) throw new DejaError('BAD_ARGUMENT', `photos differ in size (${photos[0].name} ${width}×${height}, ${odd.name} ${odd.image.width}×${odd.image.height}); the mapper uses one shared camera`, { file: where, hint: 'reconstruct photos from one camera at one size' });
  const K = o.K ? scaledK(o.K, photos[0].scale, where) : undefined;
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
    throw new DejaError('NO_DATA', `no pair of images shares enough verified matches (best pair: ${best}, needs 30)`, { file: where, hint: 'the photos must overlap: the same scene, seen from nearby viewpoints' });
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
  if (!rec.success) throw new DejaError('NO_DATA', `no initial pair: ${rec.reason}`, { file: where, hint: 'the photos need more overlap, or more baseline between them' });
  done = timer();
  const outputs = await outputsOf(rec, features, photos);
  const exportTime = done();
  const { ms, ...summary } = rec.summary;
  const init = rec.initialPair;
  const report: ReconstructionReport = {
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
  return { report, outputs };
}
