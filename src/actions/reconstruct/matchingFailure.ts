/**
 * The one-line errors `deja reconstruct` gives when matching leaves nothing to map: no pair with
 * enough verified matches (naming the pairs tried and the best), or only (near-)identical photos,
 * which have no baseline to triangulate from.
 */
import { DejaError } from '../../core/errors.ts';
import type { DuplicatePair } from '../../sfm/matching/duplicatePairs.ts';
import type { PairMatchReport } from '../../sfm/matching/matchImagePairs.ts';

/** Least verified matches of a pair the mapper can start from (COLMAP's `init_min_num_inliers` scaled down). */
export const MIN_PAIR_INLIERS = 30;

/** "a.jpg–b.jpg 12, a.jpg–c.jpg 3, … (N more)": the pairs tried, most verified matches first. */
export function pairsTried(pairs: readonly PairMatchReport[], names: readonly string[], shown = 6): string {
  const sorted = [...pairs].sort((a, b) => b.inlierCount - a.inlierCount);
  const listed = sorted.slice(0, shown).map((p) => `${names[p.i]}–${names[p.j]} ${p.inlierCount}`).join(', ');
  return sorted.length > shown ? `${listed}, … (${sorted.length - shown} more)` : listed;
}

/** NO_DATA when no pair has MIN_PAIR_INLIERS verified matches: how many pairs were tried, the best, and the first few. */
export function noOverlapError(pairs: readonly PairMatchReport[], names: readonly string[], folder: string): DejaError {
  return new DejaError('NO_DATA',
    `no pair of images shares enough verified matches (needs ${MIN_PAIR_INLIERS}); ${pairs.length} pair${pairs.length === 1 ? '' : 's'} tried, verified matches: ${pairsTried(pairs, names)}`,
    { file: folder, hint: 'the photos must overlap: the same scene, seen from nearby viewpoints' });
}

/**
 * NO_DATA when every pair with enough matches is a (near-)duplicate: names them.
 *
 * @returns the error, or null when some overlapping pair has baseline.
 */
export function duplicatesOnlyError(pairs: readonly PairMatchReport[], duplicates: readonly DuplicatePair[], names: readonly string[], folder: string): DejaError | null {
  const overlapping = pairs.filter((p) => p.inlierCount >= MIN_PAIR_INLIERS);
  if (duplicates.length === 0 || duplicates.length < overlapping.length) return null;
  const listed = duplicates.slice(0, 6).map((d) => `${names[d.i]} = ${names[d.j]} (${d.inliers} matches, median shift ${d.medianShift.toFixed(1)} px)`).join(', ');
  return new DejaError('NO_DATA', `the photos are (near-)identical copies, so there is no baseline to triangulate from: ${listed}${duplicates.length > 6 ? `, … (${duplicates.length - 6} more)` : ''}`,
    { file: folder, hint: 'structure from motion needs photos of the scene taken from different viewpoints; remove the copies' });
}
