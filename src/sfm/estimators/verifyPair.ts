import type { Correspondences, Model3 } from './estimator.ts';
import { createEssential5, type Intrinsics } from './essential5.ts';
import { fundamental7 } from './fundamental7.ts';
import { fundamental8 } from './fundamental8.ts';
import { homography4 } from './homography4.ts';
import { ransac, type RansacOptions, type RansacReport } from './ransac.ts';

/** Options of `verifyPair`. */
export interface VerifyPairOptions {
  /** Inlier threshold in pixels for F, E (through the intrinsics) and H (default 4, COLMAP's `max_error`). */
  threshold?: number;
  /** Both images' intrinsics, known or guessed: E is estimated too and a calibrated pair reported. */
  intrinsics?: Intrinsics;
  /** The fundamental-matrix solver (default `fundamental7`: smaller samples, fewer iterations). */
  fundamental?: 'fundamental7' | 'fundamental8';
  /** A verified pair needs at least this many inliers (default 15, COLMAP's `min_num_inliers`). */
  minInliers?: number;
  /** E counts when its inliers are at least this fraction of F's (default 0.95, COLMAP's `min_E_F_inlier_ratio`). */
  minEssentialInlierRatio?: number;
  /** Planar or panoramic when H's inliers exceed this fraction of the epipolar model's (default 0.8,
   *  COLMAP's `max_H_inlier_ratio`): F and E are then ill-determined (a plane, or no baseline). */
  maxHomographyInlierRatio?: number;
  /** Degenerate when the verified matches lie within this ratio of their spread of a line in either
   *  image (minor ÷ major standard deviation; default 0.01): a 3D line, or a sliver of the image,
   *  fits a one-parameter family of F and H. */
  minSpreadRatio?: number;
  /** Passed to every RANSAC run (seed, confidence, maxIterations, LO settings). */
  ransac?: Omit<RansacOptions, 'threshold' | 'minInliers'>;
}

/** How two images' matches relate geometrically. */
export type PairConfiguration =
  /** E (known intrinsics) explains the matches, with parallax. */
  | 'calibrated'
  /** F explains the matches, with parallax. */
  | 'uncalibrated'
  /** H explains (nearly) as many matches as F or E: a planar scene or a camera that only rotated. */
  | 'planar-or-panoramic'
  /** No model with enough inliers, or inliers (nearly) on a line. */
  | 'degenerate';

/** A pair's verification report: the configuration, the chosen inliers, and each RANSAC run. */
export interface PairReport {
  configuration: PairConfiguration;
  /** 1 for each verified match (of the model with the most inliers among those that count). */
  inliers: Uint8Array;
  inlierCount: number;
  /** Each run's model, or null where it found none (or, for E, had no intrinsics); the
   *  configuration says which to use: E for 'calibrated', F for 'uncalibrated', H for 'planar-or-panoramic'. */
  essential: Model3 | null;
  fundamental: Model3 | null;
  homography: Model3 | null;
  /** H's inliers ÷ the epipolar model's (0 when either failed). */
  homographyInlierRatio: number;
  /** Minimal samples drawn, all runs together. */
  iterations: number;
  /** The individual runs. */
  runs: { fundamental: RansacReport; homography: RansacReport; essential?: RansacReport };
}

const countOf = (r: RansacReport) => (r.success ? r.inlierCount : 0);

/**
 * Geometric verification of one image pair: RANSAC for F, H and (given intrinsics) E on the same
 * matches, then COLMAP's decision between them.
 *
 * Algorithm:
 * 1. F (7- or 8-point), H (4-point) and, with intrinsics, E (5-point), each LO-RANSAC at the same
 *    pixel threshold.
 * 2. Calibrated when E has ≥ minInliers inliers and ≥ minEssentialInlierRatio of F's; else
 *    uncalibrated when F has ≥ minInliers; else planar-or-panoramic when only H does; else degenerate.
 * 3. An epipolar configuration becomes planar-or-panoramic when H's inliers exceed
 *    maxHomographyInlierRatio of the epipolar model's. The reported inliers are those of the model
 *    with the most inliers among those that count.
 * 4. Degenerate after all when those inliers lie nearly on a line in either image (minSpreadRatio).
 *
 * @param data - the putative matches, pixels.
 * @example
 * const pair = verifyPair(matches, { intrinsics: { K1: k, K2: k } });
 * if (pair.configuration === 'calibrated') poseFromEssential(pair.essential!, normalised, pair.inliers);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016, §4.1
 * (scene graph augmentation: F, E and H per pair); COLMAP `src/colmap/estimators/two_view_geometry.cc`
 * (EstimateCalibratedTwoViewGeometry, EstimateUncalibratedTwoViewGeometry).
 */
export function verifyPair(data: Correspondences, options: VerifyPairOptions = {}): PairReport {
  const threshold = options.threshold ?? 4;
  const minInliers = options.minInliers ?? 15;
  const maxH = options.maxHomographyInlierRatio ?? 0.8;
  const run = (estimator: Parameters<typeof ransac>[0]) => ransac(estimator, data, { ...options.ransac, threshold });
  const fRun = run(options.fundamental === 'fundamental8' ? fundamental8 : fundamental7);
  const hRun = run(homography4);
  const eRun = options.intrinsics ? run(createEssential5(options.intrinsics)) : undefined;
  const [f, h, e] = [countOf(fRun), countOf(hRun), eRun ? countOf(eRun) : 0];
  const calibrated = eRun?.success && e >= minInliers && e >= (options.minEssentialInlierRatio ?? 0.95) * f;
  const epipolar = calibrated ? Math.max(e, f) : f >= minInliers ? f : 0;
  const homographyInlierRatio = epipolar > 0 ? h / epipolar : 0;
  let configuration: PairConfiguration;
  if (epipolar > 0) configuration = homographyInlierRatio > maxH ? 'planar-or-panoramic' : calibrated ? 'calibrated' : 'uncalibrated';
  else configuration = h >= minInliers ? 'planar-or-panoramic' : 'degenerate';
  const candidates: RansacReport[] = [];
  if (calibrated && eRun) candidates.push(eRun);
  if (epipolar > 0) candidates.push(fRun);
  if (configuration === 'planar-or-panoramic') candidates.push(hRun);
  let best = candidates.reduce<RansacReport | null>((a, b) => (a && countOf(a) >= countOf(b) ? a : b), null);
  const minSpread = options.minSpreadRatio ?? 0.01;
  if (best?.success && Math.min(spreadRatio(data.x1, best.inliers), spreadRatio(data.x2, best.inliers)) < minSpread) {
    [configuration, best] = ['degenerate', null];
  }
  return {
    configuration,
    inliers: best?.success ? best.inliers : new Uint8Array(data.count),
    inlierCount: best ? countOf(best) : 0,
    essential: eRun?.success ? eRun.model : null,
    fundamental: fRun.success ? fRun.model : null,
    homography: hRun.success ? hRun.model : null,
    homographyInlierRatio,
    iterations: fRun.iterations + hRun.iterations + (eRun?.iterations ?? 0),
    runs: { fundamental: fRun, homography: hRun, ...(eRun ? { essential: eRun } : {}) },
  };
}

/** Minor ÷ major standard deviation of the masked points (√ of the 2 × 2 scatter's eigenvalue ratio); 0 for fewer than 2. */
export function spreadRatio(points: Float64Array, mask: Uint8Array): number {
  let n = 0, mx = 0, my = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) [n, mx, my] = [n + 1, mx + points[2 * i], my + points[2 * i + 1]];
  if (n < 2) return 0;
  [mx, my] = [mx / n, my / n];
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const dx = points[2 * i] - mx, dy = points[2 * i + 1] - my;
    [sxx, sxy, syy] = [sxx + dx * dx, sxy + dx * dy, syy + dy * dy];
  }
  const half = 0.5 * (sxx + syy), root = Math.sqrt(0.25 * (sxx - syy) ** 2 + sxy * sxy);
  return half + root > 0 ? Math.sqrt(Math.max(half - root, 0) / (half + root)) : 0;
}
