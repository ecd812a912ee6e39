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
  const threshold = options.threshold ?? 12;
  const report = ransac(estimator, data, { ...options, threshold, minInliers: options.minInliers ?? 30 });
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
  return {
    success: true, pose: { R: model.slice(0, 9), t: model.slice(9, 12) }, inliers, inlierCount,
    meanError: sum / Math.max(1, inlierCount), iterations: report.iterations,
  };
}
