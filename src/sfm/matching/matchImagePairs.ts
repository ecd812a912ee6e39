import { assert } from '../../core/errors.ts';
import type { Correspondences } from '../estimators/estimator.ts';
import { verifyPair, type PairConfiguration, type PairReport, type VerifyPairOptions } from '../estimators/verifyPair.ts';
import { matchDescriptors, type DescriptorMatches, type DescriptorSet, type MatchOptions } from './matchDescriptors.ts';

/** One image's features as matching needs them: descriptors plus keypoints (`count × 4`, x and y first, pixels), as `SiftFeatures`. */
export interface ImageFeatures extends DescriptorSet {
  keypoints: Float32Array;
}

/** Options of `matchImagePairs` and `exhaustiveMatches`. */
export interface PairMatchingOptions {
  /** Descriptor matching (ratio, mutual, maxDistance). */
  match?: MatchOptions;
  /** Geometric verification of each pair with `verifyPair`, or false to keep the raw matches only (default: verify with its defaults). */
  verify?: VerifyPairOptions | false;
  /** Called after each pair with the pairs done and the total. */
  progress?: (done: number, total: number) => void;
}

/** What matching did for one image pair (i < j for the generated pair lists). */
export interface PairMatchReport {
  i: number;
  j: number;
  /** The putative matches (feature indices in i and j, distances). */
  matches: DescriptorMatches;
  /** 1 for each verified match (a mask over `matches`); null when not verified. */
  inliers: Uint8Array | null;
  inlierCount: number;
  /** verifyPair's verdict; 'unverified' when verification was off. Pairs with fewer matches than
   *  `minInliers` are 'degenerate' without running RANSAC. */
  configuration: PairConfiguration | 'unverified';
  /** RANSAC samples drawn for this pair (0 when not run). */
  iterations: number;
  /** The full verification report (models F, E, H), or null when not run. */
  geometry: PairReport | null;
  ms: { match: number; verify: number };
}

/** The stage report: every pair and the totals. */
export interface PairMatchingResult {
  pairs: PairMatchReport[];
  report: { pairs: number; matches: number; verifiedPairs: number; inliers: number; ms: { match: number; verify: number; total: number } };
}

/**
 * All unordered pairs of `n` images, (0, 1), (0, 2), …, (n − 2, n − 1).
 *
 * @param n - number of images (≥ 0).
 * @returns `n(n − 1)/2 × 2` image indices, i < j, row-major.
 * @example
 * exhaustivePairs(3); // Int32Array [0, 1, 0, 2, 1, 2]
 */
export function exhaustivePairs(n: number): Int32Array {
  assert(Number.isInteger(n) && n >= 0, `Expected a non-negative integer for n but received ${n}`);
  const out = new Int32Array(n * (n - 1));
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) [out[t++], out[t++]] = [i, j];
  return out;
}

/** The matched keypoints' pixel positions as correspondences for verification. */
export function matchCorrespondences(a: ImageFeatures, b: ImageFeatures, matches: DescriptorMatches): Correspondences {
  const x1 = new Float64Array(2 * matches.count), x2 = new Float64Array(2 * matches.count);
  for (let t = 0; t < matches.count; t++) {
    const i = matches.pairs[2 * t], j = matches.pairs[2 * t + 1];
    [x1[2 * t], x1[2 * t + 1], x2[2 * t], x2[2 * t + 1]] = [a.keypoints[4 * i], a.keypoints[4 * i + 1], b.keypoints[4 * j], b.keypoints[4 * j + 1]];
  }
  return { count: matches.count, x1, x2 };
}

/** Matches and (optionally) verifies one pair. */
function matchOnePair(features: readonly ImageFeatures[], i: number, j: number, options: PairMatchingOptions): PairMatchReport {
  const t0 = performance.now();
  const matches = matchDescriptors(features[i], features[j], options.match);
  const t1 = performance.now();
  const base = { i, j, matches, ms: { match: t1 - t0, verify: 0 } };
  if (options.verify === false) return { ...base, inliers: null, inlierCount: 0, configuration: 'unverified', iterations: 0, geometry: null };
  const verify = options.verify ?? {};
  if (matches.count < (verify.minInliers ?? 15)) {
    return { ...base, inliers: new Uint8Array(matches.count), inlierCount: 0, configuration: 'degenerate', iterations: 0, geometry: null };
  }
  const geometry = verifyPair(matchCorrespondences(features[i], features[j], matches), verify);
  base.ms.verify = performance.now() - t1;
  return { ...base, inliers: geometry.inliers, inlierCount: geometry.inlierCount, configuration: geometry.configuration, iterations: geometry.iterations, geometry };
}

/**
 * Matches the listed image pairs: descriptor matching (`matchDescriptors`), then geometric
 * verification (`verifyPair`: F, H and, with intrinsics, E by LO-RANSAC) keeping the verified inliers.
 *
 * @param features - each image's keypoints and descriptors (e.g. `siftFeaturesBatch`'s output).
 * @param pairs - `m × 2` image indices into `features` (e.g. `exhaustivePairs` or `retrievalPairs`).
 * @param options - see `PairMatchingOptions`.
 * @returns one report per pair, in the order given, and the stage's totals and milliseconds.
 * @throws Error (assertion) on an image index out of range or a pair of an image with itself.
 * @example
 * const { pairs } = matchImagePairs(features, exhaustivePairs(features.length));
 * const verified = pairs.filter((p) => p.configuration === 'calibrated' || p.configuration === 'uncalibrated');
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016, §4.1
 * (correspondence search: matching, then geometric verification); COLMAP `exhaustive_matcher`.
 */
export function matchImagePairs(features: readonly ImageFeatures[], pairs: Int32Array, options: PairMatchingOptions = {}): PairMatchingResult {
  const t0 = performance.now(), m = pairs.length / 2, out: PairMatchReport[] = [];
  for (let p = 0; p < m; p++) {
    const i = pairs[2 * p], j = pairs[2 * p + 1];
    assert(i >= 0 && j >= 0 && i < features.length && j < features.length && i !== j, `Expected a pair of two images in [0, ${features.length}) but received (${i}, ${j})`);
    out.push(matchOnePair(features, i, j, options));
    options.progress?.(p + 1, m);
  }
  return pairMatchingResult(out, t0);
}

/** Per-pair reports with the stage's totals; `t0` is when the stage began (performance.now()). */
export function pairMatchingResult(out: PairMatchReport[], t0: number): PairMatchingResult {
  const sum = (f: (r: PairMatchReport) => number) => out.reduce((s, r) => s + f(r), 0);
  return {
    pairs: out,
    report: {
      pairs: out.length, matches: sum((r) => r.matches.count), verifiedPairs: sum((r) => (r.inlierCount > 0 ? 1 : 0)), inliers: sum((r) => r.inlierCount),
      ms: { match: sum((r) => r.ms.match), verify: sum((r) => r.ms.verify), total: performance.now() - t0 },
    },
  };
}

/**
 * Exhaustive matching for small sets: every pair of images (`exhaustivePairs`) through `matchImagePairs`.
 * Cost grows as n²; for large sets use `retrievalPairs` to pick the pairs.
 *
 * @example
 * const result = exhaustiveMatches(await siftFeaturesBatch(images), { match: { ratio: 0.8 } });
 *
 * References: COLMAP `exhaustive_matcher` (Schönberger & Frahm 2016, §4.1).
 */
export function exhaustiveMatches(features: readonly ImageFeatures[], options: PairMatchingOptions = {}): PairMatchingResult {
  return matchImagePairs(features, exhaustivePairs(features.length), options);
}
