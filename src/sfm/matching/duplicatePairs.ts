/**
 * Pairs of (near-)identical photos: their verified matches barely move between the two images, so
 * the pair has no baseline and triangulates nothing (a copied, re-saved or resized file, or a burst
 * from a tripod). Incremental SfM cannot start from such pairs (Schönberger & Frahm 2016, §4.2: the
 * initial pair needs triangulation angle), and a folder of nothing else cannot be reconstructed.
 */

/** A pair whose matches do not move. */
export interface DuplicatePair {
  i: number;
  j: number;
  /** Verified matches, and the median distance between their two pixels, pixels. */
  inliers: number;
  medianShift: number;
}

/**
 * The verified pairs whose inlier matches move by a median of at most `maxShiftFraction` of the
 * longer image side between the two images.
 *
 * @param pairs - verified pairs (feature indices into `keypoints`; `inliers` a mask over the matches).
 * @param keypoints - per image, `count × 4` (x, y, σ, θ), pixels.
 * @param longSide - the images' longer side, pixels (the shift is measured against it).
 * @param options - minInliers (default 30) a pair needs to count, maxShiftFraction (default 0.005).
 * @returns the duplicate pairs, in the order given.
 * @example duplicatePairs(matching.pairs, features.map((f) => f.keypoints), 1024) // [{ i: 0, j: 1, inliers: 812, medianShift: 0 }]
 */
export function duplicatePairs(
  pairs: readonly { i: number; j: number; matches: { count: number; pairs: Int32Array }; inliers: Uint8Array | null; inlierCount: number }[],
  keypoints: readonly Float32Array[], longSide: number, options: { minInliers?: number; maxShiftFraction?: number } = {},
): DuplicatePair[] {
  const minInliers = options.minInliers ?? 30, maxShift = (options.maxShiftFraction ?? 0.005) * longSide;
  const out: DuplicatePair[] = [];
  for (const p of pairs) {
    if (!p.inliers || p.inlierCount < minInliers) continue;
    const shifts: number[] = [];
    const a = keypoints[p.i], b = keypoints[p.j];
    for (let t = 0; t < p.matches.count; t++) {
      if (!p.inliers[t]) continue;
      const fa = p.matches.pairs[2 * t], fb = p.matches.pairs[2 * t + 1];
      shifts.push(Math.hypot(a[4 * fa] - b[4 * fb], a[4 * fa + 1] - b[4 * fb + 1]));
    }
    shifts.sort((x, y) => x - y);
    const median = shifts[shifts.length >> 1];
    if (median <= maxShift) out.push({ i: p.i, j: p.j, inliers: p.inlierCount, medianShift: median });
  }
  return out;
}
