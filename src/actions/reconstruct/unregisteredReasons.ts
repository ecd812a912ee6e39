/**
 * Why each photo that did not register failed, in words a user can act on: the mapper knows only
 * that it never had a verified pair with a registered photo; matching knows whether it had a
 * verified pair at all, with which photos, and how many matches the best had.
 */
import type { PairMatchReport } from '../../sfm/matching/matchImagePairs.ts';

/** The mapper's reason for an image none of whose verified partners registered. */
const NO_REGISTERED_PARTNER = 'no verified pair with a registered image';

/**
 * The reasons, refined where the mapper's is NO_REGISTERED_PARTNER.
 *
 * @param reasons - the mapper's reason per image (null when registered).
 * @param registered - per image, whether it registered.
 * @param pairs - the matching stage's pairs (tried pairs, with inlier counts).
 * @param minVerified - verified matches a pair needs to count (verifyPair's minInliers, 15).
 * @returns one reason per image (null when registered).
 * @example unregisteredReasons(rec.images.map((i) => i.reason), rec.images.map((i) => i.registered), matching.pairs, names)
 */
export function unregisteredReasons(reasons: readonly (string | null)[], registered: readonly boolean[], pairs: readonly PairMatchReport[], names: readonly string[], minVerified = 15): (string | null)[] {
  const partners: { other: number; inliers: number }[][] = names.map(() => []);
  for (const p of pairs) {
    partners[p.i].push({ other: p.j, inliers: p.inlierCount });
    partners[p.j].push({ other: p.i, inliers: p.inlierCount });
  }
  return reasons.map((reason, im) => {
    if (registered[im] || reason !== NO_REGISTERED_PARTNER) return reason;
    const mine = partners[im].sort((a, b) => b.inliers - a.inliers);
    const verified = mine.filter((q) => q.inliers >= minVerified);
    if (verified.length === 0) {
      const best = mine[0];
      return `no verified pair with any other photo (${mine.length} pairs tried; most verified matches: ${best ? `${best.inliers}, with ${names[best.other]}` : 'none'}; needs ${minVerified})`;
    }
    const listed = verified.slice(0, 3).map((q) => `${names[q.other]} ${q.inliers}`).join(', ');
    return `its verified pairs are only with photos that did not register either (${listed}${verified.length > 3 ? `, … ${verified.length - 3} more` : ''}): a separate group the map never reached`;
  });
}
