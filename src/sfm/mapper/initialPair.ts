/**
 * The initial pair of incremental mapping: of the verified pairs with the most inliers, the one whose
 * relative pose (5-point E by RANSAC, then the cheirality check) triangulates the most points with a
 * wide enough median triangulation angle (Schönberger & Frahm 2016, §4.2: "many inliers, enough
 * baseline"; COLMAP's `init_min_num_inliers` and `init_min_tri_angle`).
 */
import { createEssential5, normaliseByIntrinsics } from '../estimators/essential5.ts';
import { poseFromEssential } from '../estimators/poseFromEssential.ts';
import { ransac } from '../estimators/ransac.ts';
import type { CameraPose } from './cameraPose.ts';
import type { MapState } from './mapState.ts';
import type { VerifiedPair } from './tracks.ts';
import { triangulatePoint } from './triangulate.ts';

/** Options of `chooseInitialPair`. */
export interface InitialPairOptions {
  /** Pairs tried, by inlier count (default 12). */
  candidates: number;
  /** Least verified inliers of a candidate (default 100, COLMAP's `init_min_num_inliers`). */
  minInliers: number;
  /** Median triangulation angle a pair needs for full score, degrees (default 8; COLMAP 16 at full size). */
  minMedianAngle: number;
  /** E's RANSAC threshold (Sampson, pixels) and the triangulation checks. */
  threshold: number;
  maxReprojectionError: number;
  minTriangulationAngle: number;
  seed: number;
  /** How candidates are ranked: 'inliers' (default) the pair's own, or 'connectivity' the verified
   *  inliers both images have with all others (COLMAP's initial image: the most correspondences), so
   *  the map starts where the collection overlaps most — for internet photos, where the pair with
   *  the most matches is often two zoomed shots that see little of what the others see. */
  rankBy?: 'inliers' | 'connectivity';
  /** Per image, whether its focal length is known (EXIF or K): pairs of two such images are tried first,
   *  then pairs with one (COLMAP's `FindFirstInitialImage` prefers images with a prior focal length). */
  focalKnown?: readonly boolean[];
}

/** The chosen pair with its relative pose and evidence, or null when no pair gives a pose. */
export interface InitialPair {
  i: number;
  j: number;
  pose: CameraPose;
  inliers: number;
  triangulated: number;
  medianAngle: number;
  /** Candidates evaluated. */
  tried: number;
}

/**
 * Chooses and solves the initial pair.
 *
 * Algorithm: for each of the `candidates` pairs with the most verified inliers (≥ minInliers, or the
 * best ones if none has that many): (1) E by LO-RANSAC (essential5 on K-normalised points, pixel
 * threshold) on the verified matches; (2) R, t by `poseFromEssential`; (3) each E inlier
 * triangulated (`triangulatePoint`); score = accepted points × min(1, median angle ÷ minMedianAngle).
 * The best score wins.
 *
 * @example const init = chooseInitialPair(state, pairs, { candidates: 12, minInliers: 100, minMedianAngle: 8, threshold: 2, maxReprojectionError: 4, minTriangulationAngle: 1.5, seed: 1 });
 *
 * References: J. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016, §4.2;
 * D. Nistér, "An efficient solution to the five-point relative pose problem", PAMI 2004.
 */
export function chooseInitialPair(state: MapState, pairs: readonly VerifiedPair[], o: InitialPairOptions): InitialPair | null {
  const correspondences = new Float64Array(state.poses.length);
  for (const p of pairs) if (p.inliers && p.inlierCount >= 15) [correspondences[p.i], correspondences[p.j]] = [correspondences[p.i] + p.inlierCount, correspondences[p.j] + p.inlierCount];
  const key = o.rankBy === 'connectivity' ? (p: VerifiedPair) => Math.min(correspondences[p.i], correspondences[p.j]) : (p: VerifiedPair) => p.inlierCount;
  const known = (p: VerifiedPair) => (o.focalKnown ? Number(o.focalKnown[p.i]) + Number(o.focalKnown[p.j]) : 0);
  const ranked = pairs.filter((p) => p.inliers && p.inlierCount >= 15).sort((a, b) => known(b) - known(a) || key(b) - key(a));
  const strong = ranked.filter((p) => p.inlierCount >= o.minInliers);
  const candidates = (strong.length > 0 ? strong : ranked).slice(0, o.candidates);
  let best: InitialPair | null = null, bestScore = 0;
  for (const p of candidates) {
    const r = solvePair(state, p, o);
    if (!r) continue;
    // By connectivity (COLMAP's order), a pair that triangulates enough counts by its images' connections.
    const score = (o.rankBy === 'connectivity' ? (r.triangulated >= 50 ? key(p) : 0) : r.triangulated) * Math.min(1, r.medianAngle / o.minMedianAngle);
    if (score > bestScore) [best, bestScore] = [{ ...r, tried: candidates.length }, score];
  }
  return best;
}

function solvePair(state: MapState, p: VerifiedPair, o: InitialPairOptions): Omit<InitialPair, 'tried'> | null {
  const idx: number[] = [];
  for (let t = 0; t < p.matches.count; t++) if (p.inliers![t]) idx.push(t);
  const x1 = new Float64Array(2 * idx.length), x2 = new Float64Array(2 * idx.length);
  idx.forEach((t, k) => {
    const a = p.matches.pairs[2 * t], b = p.matches.pairs[2 * t + 1];
    x1.set(state.pinhole[p.i].subarray(2 * a, 2 * a + 2), 2 * k);
    x2.set(state.pinhole[p.j].subarray(2 * b, 2 * b + 2), 2 * k);
  });
  const data = { count: idx.length, x1, x2 }, intrinsics = { K1: state.Ks[p.i], K2: state.Ks[p.j] };
  const report = ransac(createEssential5(intrinsics), data, { threshold: o.threshold, seed: o.seed, minInliers: 15 });
  if (!report.success) return null;
  const rel = poseFromEssential(report.model, normaliseByIntrinsics(data, intrinsics), report.inliers);
  if (!rel) return null;
  const identity: CameraPose = { R: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t: new Float64Array(3) };
  const pose: CameraPose = { R: rel.R, t: rel.t };
  const angles: number[] = [];
  const options = { minAngleDegrees: o.minTriangulationAngle, maxReprojectionError: o.maxReprojectionError };
  for (let k = 0; k < data.count; k++) {
    if (!rel.inFront[k]) continue;
    const r = triangulatePoint([
      { K: state.Ks[p.i], pose: identity, x: x1[2 * k], y: x1[2 * k + 1] },
      { K: state.Ks[p.j], pose, x: x2[2 * k], y: x2[2 * k + 1] },
    ], options);
    if (r.success) angles.push(r.angleDegrees);
  }
  if (angles.length < 15) return null;
  angles.sort((a, b) => a - b);
  return { i: p.i, j: p.j, pose, inliers: report.inlierCount, triangulated: angles.length, medianAngle: angles[angles.length >> 1] };
}
