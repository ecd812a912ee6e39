/**
 * Incremental structure from motion (Schönberger & Frahm 2016, COLMAP's `IncrementalMapper`): tracks
 * over verified matches, an initial pair, then image after image registered by P3P, new points
 * triangulated, bundle adjustment, outlier filtering and retriangulation, until no image registers.
 */
import { assert } from '../../core/errors.ts';
import type { CameraPose } from './cameraPose.ts';
import { chooseInitialPair, type InitialPair } from './initialPair.ts';
import { adjustMapState } from './mapBundle.ts';
import { createMapState, completeTracks, extendAndTriangulate, filterPoints, type MapState, type PointThresholds, pointCounts, retriangulate, setImageCamera } from './mapState.ts';
import { registerImage, registerImageFocalSearch } from './registerImage.ts';
import { type SimpleRadial, toVirtualPinhole } from './sharedCamera.ts';
import { buildTracks, mergeColocatedFeatures, type VerifiedPair } from './tracks.ts';
import { mapperResult, type MapperResult } from './mapperResult.ts';

/** One image as the mapper needs it. */
export interface MapperImage {
  width: number;
  height: number;
  /** `count × 4` (x, y, σ, θ), pixels, (0, 0) the centre of the top-left pixel (`SiftFeatures.keypoints`). */
  keypoints: Float32Array;
  /** With per-image cameras: the starting focal length, pixels (from EXIF; default 1.2 × max(w, h), a
   *  guess, which registration then searches around: `registerImageFocalSearch`). */
  focalLength?: number;
}

/** Options of `incrementalMapper` (pixel thresholds are for the images as given). */
export interface MapperOptions {
  /** 'simple-radial' (default): one shared camera, f guessed as 1.2 × max(w, h) (or from K) and
   *  refined with k1 by bundle adjustment; 'pinhole': K known and held. */
  cameraModel?: 'simple-radial' | 'pinhole';
  /** 'shared' (default): one camera for all images, which must share a size; 'per-image': each
   *  image its own SIMPLE_RADIAL camera from its `focalLength`, f and k1 refined apart under a weak
   *  prior (internet photos: many cameras and zooms; Snavely et al. 2006, §4.2). Not with 'pinhole'. */
  cameras?: 'shared' | 'per-image';
  /** Intrinsics, 3 × 3 row-major; required for 'pinhole', the starting guess for 'simple-radial'. */
  K?: ArrayLike<number>;
  /** E's RANSAC threshold for the initial pair, pixels (default 2). */
  twoViewThreshold?: number;
  /** P3P-RANSAC threshold, pixels (default 6; COLMAP's 12 at full size). */
  registrationThreshold?: number;
  /** Least 2D–3D inliers of a registration (default 30, COLMAP's `abs_pose_min_num_inliers`). */
  minRegistrationInliers?: number;
  /** A registration whose inliers are a smaller share of its 2D–3D correspondences fails (default 0.25, COLMAP's `abs_pose_min_inlier_ratio`). */
  minRegistrationInlierRatio?: number;
  /** Observation filter, pixels (default 4, COLMAP's `filter_max_reproj_error`). */
  maxReprojectionError?: number;
  /** Least triangulation angle, degrees (default 1.5, COLMAP's `tri_min_angle`). */
  minTriangulationAngle?: number;
  /** Median angle the initial pair needs for full score, degrees (default 8). */
  initMinMedianAngle?: number;
  /** Global bundle adjustment after each registration while at most this many images are registered,
   *  then whenever the registered set grew by 10 % (default 30). */
  globalEveryUpTo?: number;
  /** Models started at most, each from the best initial pair among images no model has taken, while
   *  the largest holds fewer than half the images with a verified pair (default 5; 1: one model). */
  initialPairTrials?: number;
  /** Seed of every RANSAC run (default 1). */
  seed?: number;
  /** Called after each registration attempt with the images registered and the total. */
  progress?: (registered: number, total: number) => void;
}

export type { MapperResult } from './mapperResult.ts';

/**
 * Reconstructs cameras and points from images' keypoints and their verified pairs.
 *
 * Algorithm (Schönberger & Frahm 2016, §4):
 * 1. Tracks: union-find over the pairs' inlier matches, strongest pair first, never joining two
 *    features of one image (`buildTracks`), features at one location (SIFT's extra orientations)
 *    merged first (`mergeColocatedFeatures`).
 * 2. Camera: SIMPLE_RADIAL (f, cx, cy, k1) shared by all images; keypoints mapped to it.
 * 3. Initial pair (`chooseInitialPair`): many inliers and enough triangulation angle; relative pose
 *    from E; its tracks triangulated; bundle adjustment with the calibration held.
 * 4. Next image: the unregistered one with the most 2D–3D correspondences (features whose track has
 *    a point), registered by P3P LO-RANSAC + refinement (`registerImage`); an image that fails is not
 *    retried until another registers.
 * 5. Its observations continue the tracks that have points; its other tracks are triangulated.
 * 6. Global bundle adjustment (Cauchy loss; f and k1 refined for 'simple-radial' from 3 images on),
 *    then observations above maxReprojectionError and points below minTriangulationAngle removed,
 *    observations that now fit their point re-admitted (`completeTracks`, COLMAP's track completion:
 *    135 statue photos in a shuffled order, 54 registered without it, 89 with it), and tracks retriangulated.
 * 7. Repeat 4–6 until no image registers; a final bundle adjustment, filter and adjustment.
 *
 * @param images - each image's size and keypoints; all the same size with a shared camera.
 * @param pairs - verified pairs (e.g. `matchImagePairs(...).pairs`), feature indices into keypoints.
 * @param options - see `MapperOptions`.
 * @returns the reconstruction (cameras, points with tracks, per-image status) and its summary, or a
 *   result with `success: false` and the reason when no initial pair gives a pose.
 * @throws Error (assertion) when images differ in size with a shared camera, 'pinhole' has no K, or
 *   'per-image' is asked with 'pinhole'.
 * @example
 * const rec = incrementalMapper(features.map((f) => ({ width, height, keypoints: f.keypoints })), matching.pairs, { cameraModel: 'pinhole', K });
 * if (rec.success) console.log(rec.summary.registered, rec.summary.meanReprojectionError);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016, §4.2–4.5;
 * N. Snavely, S. Seitz, R. Szeliski, "Photo Tourism", SIGGRAPH 2006, §4.
 */
export function incrementalMapper(images: readonly MapperImage[], givenPairs: readonly VerifiedPair[], options: MapperOptions = {}): MapperResult {
  const t0 = performance.now();
  assert(images.length >= 2, `incrementalMapper: expected at least 2 images but received ${images.length}`);
  const { width, height } = images[0];
  const perImage = options.cameras === 'per-image';
  assert(perImage || images.every((im) => im.width === width && im.height === height), 'incrementalMapper: every image has the size of the first (one shared camera)');
  const model = options.cameraModel ?? 'simple-radial';
  assert(model !== 'pinhole' || options.K, "incrementalMapper: cameraModel 'pinhole' needs K");
  assert(!perImage || model === 'simple-radial', "incrementalMapper: per-image cameras are 'simple-radial'");
  const K = options.K ?? [1.2 * Math.max(width, height), 0, (width - 1) / 2, 0, 1.2 * Math.max(width, height), (height - 1) / 2, 0, 0, 1];
  const camera: SimpleRadial | SimpleRadial[] = perImage ? images.map(perImageCamera) : { f: K[0], cx: K[2], cy: K[5], k1: 0 };
  const th: PointThresholds = { maxReprojectionError: options.maxReprojectionError ?? 4, minTriangulationAngle: options.minTriangulationAngle ?? 1.5 };
  const seed = options.seed ?? 1, refine = model === 'simple-radial';
  const pairs = mergeColocatedFeatures(images.map((im) => im.keypoints), 4, givenPairs);
  const tracks = buildTracks(images.map((im) => im.keypoints.length / 4), pairs);
  const pixels = images.map((im) => (perImage ? Float64Array.from({ length: im.keypoints.length / 2 }, (_, k) => im.keypoints[4 * (k >> 1) + (k & 1)]) : toVirtualPinhole(im.keypoints, 4, K)));
  const ms = { tracks: performance.now() - t0, initialPair: 0, registration: 0, triangulation: 0, bundle: 0, filter: 0 };
  const timed = <T>(stage: keyof typeof ms, f: () => T): T => {
    const s = performance.now();
    try { return f(); } finally { ms[stage] += performance.now() - s; }
  };
  const minInliers = options.minRegistrationInliers ?? MIN_REGISTRATION_INLIERS, minInlierRatio = options.minRegistrationInlierRatio ?? 0.25;
  const initOptions = {
    candidates: 12, minInliers: 100, minMedianAngle: options.initMinMedianAngle ?? 8, threshold: options.twoViewThreshold ?? 2,
    maxReprojectionError: th.maxReprojectionError, minTriangulationAngle: th.minTriangulationAngle, seed, rankBy: perImage ? 'connectivity' as const : 'inliers' as const,
    // COLMAP starts from images whose focal length is known (`FindFirstInitialImage`): a pair of guesses
    // gives a distorted two-view geometry that the weak focal prior cannot undo.
    focalKnown: perImage ? images.map((im) => im.focalLength !== undefined) : undefined,
  };

  /** One model grown from an initial pair (steps 3–7). */
  const growModel = (state: MapState, init: InitialPair) => {
    const reasons: string[] = images.map(() => 'no verified pair with a registered image');
    const identity: CameraPose = { R: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t: new Float64Array(3) };
    register(state, init.i, identity);
    register(state, init.j, init.pose);
    timed('triangulation', () => retriangulate(state, th));
    const bundle = (maxIterations: number) => {
      timed('bundle', () => adjustMapState(state, { refineFocalLength: refine && state.order.length >= 3, refineK1: refine && state.order.length >= 3, maxIterations }));
      timed('filter', () => filterPoints(state, th));
      timed('triangulation', () => {
        completeTracks(state, th);
        retriangulate(state, th);
      });
    };
    bundle(50);
    options.progress?.(2, images.length);
    const failed = new Set<number>();
    let lastGlobal = state.order.length;
    const registrations: MapperResult['registrations'] = [{ image: init.i, inliers: init.inliers, correspondences: init.inliers }, { image: init.j, inliers: init.inliers, correspondences: init.inliers }];
    for (;;) {
      const next = nextImage(state, failed);
      if (!next || next.count < minInliers) {
        // Stuck: refine and retriangulate everything once before giving up, then retry every image
        // (COLMAP's mapper runs a global refinement when no next image registers, and tries again).
        if (state.order.length === lastGlobal) break;
        bundle(50);
        lastGlobal = state.order.length;
        failed.clear();
        continue;
      }
      const registration = { threshold: options.registrationThreshold ?? 6, minInliers, seed: seed + next.image };
      // A per-image camera without an EXIF focal length: its focal length is searched with the pose.
      const searchFocal = perImage && images[next.image].focalLength === undefined;
      let sweptFocalLength: number | undefined;
      const r = timed('registration', () => {
        if (!searchFocal) return registerImage(next.pixels, next.points, state.Ks[next.image], registration);
        const found = registerImageFocalSearch(next.pixels, next.points, state.Ks[next.image], registration);
        if (found.report.success) {
          setImageCamera(state, next.image, { ...state.cameras[next.image], f: found.focalLength });
          state.priorFocalLengths[next.image] = sweptFocalLength = found.focalLength;
        }
        return found.report;
      });
      // COLMAP's abs_pose_min_inlier_ratio (0.25): a pose that explains under a quarter of the
      // correspondences is more often a wrong one (a symmetric or repeated structure) than a right one.
      if (!r.success || r.inlierCount < minInliers || r.inlierCount < minInlierRatio * next.count) {
        failed.add(next.image);
        reasons[next.image] = r.success
          ? `P3P-RANSAC's best pose explains ${r.inlierCount} of ${next.count} 2D–3D correspondences (needs ${minInliers} and ${100 * minInlierRatio} %)`
          : `P3P-RANSAC found no pose with ${minInliers} inliers among ${next.count} 2D–3D correspondences${searchFocal ? ' at any focal length from ×0.5 to ×12 of the guess' : ''}`;
        continue;
      }
      failed.clear();
      register(state, next.image, r.pose);
      registrations.push({ image: next.image, inliers: r.inlierCount, correspondences: next.count, ...(sweptFocalLength ? { sweptFocalLength } : {}) });
      timed('triangulation', () => extendAndTriangulate(state, next.image, th));
      const n = state.order.length;
      if (n <= (options.globalEveryUpTo ?? 30) || n >= 1.1 * lastGlobal) {
        bundle(n <= 10 ? 30 : 20);
        lastGlobal = n;
      }
      options.progress?.(n, images.length);
    }
    bundle(100);
    timed('bundle', () => adjustMapState(state, { refineFocalLength: refine, refineK1: refine, maxIterations: 100 }));
    timed('filter', () => filterPoints(state, th));
    for (let im = 0; im < images.length; im++) {
      if (state.poses[im] || failed.has(im)) continue;
      const c = countCorrespondences(state, im);
      if (c > 0) reasons[im] = `only ${c} 2D–3D correspondences (needs ${minInliers})`;
    }
    return { state, init, reasons, registrations };
  };

  // Models from several starts (COLMAP's multiple models, `init_max_reg_trials`): a start that stays
  // small — two zoomed shots that see little of what the others see — leaves the map to the next,
  // which begins among the images no model has taken yet. The largest model is the answer.
  const connected = new Set<number>();
  for (const p of pairs) if (p.inliers && p.inlierCount >= 15) [p.i, p.j].forEach((im) => connected.add(im));
  const taken = new Set<number>();
  let best: ReturnType<typeof growModel> | null = null;
  for (let trial = 0; trial < (options.initialPairTrials ?? 5); trial++) {
    const state = createMapState(tracks, pixels, camera);
    const free = pairs.filter((p) => !taken.has(p.i) && !taken.has(p.j));
    const init = timed('initialPair', () => chooseInitialPair(state, free, initOptions));
    if (!init) break;
    const grown = growModel(state, init);
    grown.state.order.forEach((im) => taken.add(im));
    if (!best || grown.state.order.length > best.state.order.length) best = grown;
    if (best.state.order.length >= 0.5 * connected.size) break;
  }
  if (!best) {
    const state = createMapState(tracks, pixels, camera);
    return mapperResult(state, model, K, images.map(() => 'no verified pair with a registered image'), null, ms, t0, 'no image pair gives a relative pose with enough triangulated points', { width, height }, images);
  }
  const { state, init, reasons, registrations } = best;
  const result = mapperResult(state, model, K, reasons, init, ms, t0, null, { width, height }, images);
  result.registrations = registrations;
  return result;
}

/** Least 2D–3D inliers of a registration by default: COLMAP's `abs_pose_min_num_inliers`. */
export const MIN_REGISTRATION_INLIERS = 30;

/** An image's own starting camera: f from EXIF or 1.2 × its longer side (Snavely et al. 2006, §4.1), principal point at the centre, k1 = 0. */
function perImageCamera(im: MapperImage): SimpleRadial {
  return { f: im.focalLength ?? 1.2 * Math.max(im.width, im.height), cx: (im.width - 1) / 2, cy: (im.height - 1) / 2, k1: 0 };
}

function register(state: MapState, im: number, pose: CameraPose): void {
  state.poses[im] = { R: Float64Array.from(pose.R), t: Float64Array.from(pose.t) };
  state.order.push(im);
}

function countCorrespondences(state: MapState, im: number): number {
  let c = 0;
  for (const k of state.tracks.featureTrack[im]) if (k >= 0 && state.hasPoint[k]) c++;
  return c;
}

/** The unregistered, not-failed image with the most 2D–3D correspondences, with them. */
function nextImage(state: MapState, failed: Set<number>) {
  let best = -1, bestCount = 0;
  for (let im = 0; im < state.poses.length; im++) {
    if (state.poses[im] || failed.has(im)) continue;
    const c = countCorrespondences(state, im);
    if (c > bestCount) [best, bestCount] = [im, c];
  }
  if (best < 0) return null;
  const pixels = new Float64Array(2 * bestCount), points = new Float64Array(3 * bestCount);
  let n = 0;
  state.tracks.featureTrack[best].forEach((k, f) => {
    if (k < 0 || !state.hasPoint[k]) return;
    pixels.set(state.pinhole[best].subarray(2 * f, 2 * f + 2), 2 * n);
    points.set(state.point.subarray(3 * k, 3 * k + 3), 3 * n);
    n++;
  });
  return { image: best, count: bestCount, pixels, points };
}
