/**
 * Registration of a new image against the reconstruction: its 2D–3D matches (keypoints ↔ triangulated
 * points of the tracks they belong to) → a camFromWorld pose, by P3P inside LO-RANSAC, then the pose
 * refined on all inliers (COLMAP's `IncrementalMapper::RegisterNextImage`, Schönberger & Frahm 2016, §4.3).
 */
import { ransac, type RansacOptions } from '../estimators/ransac.ts';
import { absolutePoseResiduals, createP3P, refineAbsolutePose } from '../estimators/p3p.ts';
import type { CameraPose } from './cameraPose.ts';

/** Options of `registerImage`: RANSAC's, with the threshold optional. */
export interface RegisterImageOptions extends Partial<RansacOptions> {
  /** Inlier threshold on the reprojection error, pixels (default 12, COLMAP's `abs_pose_max_error`). */
  threshold?: number;
  /** Fewer inliers than this is a failed registration (default 30, COLMAP's `abs_pose_min_num_inliers`). */
  minInliers?: number;
}

/** A registered pose with its evidence, or why the image did not register (a value, not a throw). */
export type RegistrationReport =
  | {
      success: true;
      pose: CameraPose;
      inliers: Uint8Array;
      inlierCount: number;
      /** Mean reprojection error of the inliers after refinement, pixels. */
      meanError: number;
      iterations: number;
    }
  | { success: false; reason: 'too-few-correspondences' | 'no-model'; iterations: number };

/**
 * The pose of an image from n 2D–3D correspondences.
 *
 * Algorithm: (1) LO-RANSAC (`ransac`) around Kneip's P3P (`createP3P`), residuals the squared pixel
 * reprojection errors; (2) Levenberg–Marquardt on the pose over all inliers (`refineAbsolutePose`),
 * then the inliers recounted.
 *
 * @param pixels - image points, `2 * n` values, pixels.
 * @param points - the matching world points, `3 * n` values.
 * @param K - intrinsics, 3 × 3 row-major.
 * @example
 * const r = registerImage(keypointPixels, trackPoints, K, { seed: 3 });
 * if (r.success) poses.push(r.pose);
 *
 * References: Kneip et al., CVPR 2011 (P3P); Schönberger & Frahm, CVPR 2016, §4.3 (image registration);
 * Chum et al. 2003 (LO-RANSAC).
 */
export function registerImage(pixels: Float64Array, points: Float64Array, K: ArrayLike<number>, options: RegisterImageOptions = {}): RegistrationReport {
  const count = pixels.length / 2;
  const data = { count, x1: pixels, x2: points };
  const estimator = createP3P(K);
  const threshold = options.threshold ?? 12, minInliers = options.minInliers ?? 30;
  const report = ransac(estimator, data, { ...options, threshold, minInliers });
  if (!report.success) return { success: false, reason: report.reason, iterations: report.iterations };
  const sample = new Int32Array(report.inlierCount);
  let k = 0;
  for (let i = 0; i < count; i++) if (report.inliers[i]) sample[k++] = i;
  const model = refineAbsolutePose(report.model, K, data, sample, k);
  const residuals = new Float64Array(count);
  absolutePoseResiduals(model, K, data, residuals);
  const inliers = new Uint8Array(count);
  let inlierCount = 0, sum = 0;
  for (let i = 0; i < count; i++) {
    if (residuals[i] > threshold * threshold) continue;
    inliers[i] = 1;
    inlierCount++;
    sum += Math.sqrt(residuals[i]);
  }
  // The refined pose is counted again; one that now explains fewer than minInliers is no registration.
  if (inlierCount < minInliers) return { success: false, reason: 'no-model', iterations: report.iterations };
  return {
    success: true, pose: { R: model.slice(0, 9), t: model.slice(9, 12) }, inliers, inlierCount,
    meanError: sum / Math.max(1, inlierCount), iterations: report.iterations,
  };
}

/** Focal lengths tried for an image whose focal length is a guess: ×0.5 … ×12 of the guess, log-spaced. */
export const FOCAL_SEARCH_FACTORS: readonly number[] = Object.freeze(Array.from({ length: 24 }, (_, i) => 0.5 * 24 ** (i / 23)));

/**
 * `registerImage` for an image whose focal length is unknown (no EXIF): P3P-RANSAC at each focal
 * length `K[0] × factor`, keeping the one with the most inliers (COLMAP's `EstimateAbsolutePose` with
 * `estimate_focal_length`: a sweep of focal-length ratios, Schönberger & Frahm 2016, §4.3). The guess of
 * 1.2 × the longer side is a 43 mm lens; the statue's zoomed tourist shots need ×3 to ×10 of it, where
 * P3P at the guess finds too few inliers and the photo would stay out.
 * @returns the best registration and its focal length (pixels), or the last failure
 */
export function registerImageFocalSearch(
  pixels: Float64Array,
  points: Float64Array,
  K: ArrayLike<number>,
  options: RegisterImageOptions = {},
  factors: readonly number[] = FOCAL_SEARCH_FACTORS,
): { report: RegistrationReport; focalLength: number } {
  // The sweep samples at most SWEEP_SAMPLES poses per focal length (enough at a 20 % inlier ratio); the
  // winner is solved again with the caller's full budget, and its two neighbours halfway to the next
  // factors, so the focal length ends within ~4 % of the best on the grid.
  const at = (f: number, o: RegisterImageOptions) => {
    const Kf = Float64Array.from(K);
    Kf[0] = f;
    Kf[4] = f;
    return registerImage(pixels, points, Kf, o);
  };
  let bestF = 0;
  let bestCount = -1;
  for (const factor of factors) {
    const r = at(K[0] * factor, { ...options, maxIterations: Math.min(options.maxIterations ?? SWEEP_SAMPLES, SWEEP_SAMPLES) });
    if (r.success && r.inlierCount > bestCount) [bestF, bestCount] = [K[0] * factor, r.inlierCount];
  }
  if (bestCount < 0) return { report: at(K[0], options), focalLength: K[0] };
  const step = factors.length > 1 ? Math.sqrt(factors[1] / factors[0]) : 1;
  let best: { report: RegistrationReport; focalLength: number } | null = null;
  for (const f of [bestF / step, bestF, bestF * step]) {
    const r = at(f, options);
    if (!r.success) continue;
    // Ties (a plateau of counts) go to the smaller error.
    if (!best || !best.report.success || r.inlierCount > best.report.inlierCount || (r.inlierCount === best.report.inlierCount && r.meanError < best.report.meanError)) best = { report: r, focalLength: f };
  }
  return best ?? { report: at(bestF, options), focalLength: bestF };
}

/** Poses sampled per focal length of the sweep. */
const SWEEP_SAMPLES = 1000;
