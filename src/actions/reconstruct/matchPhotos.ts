/**
 * The matching stage of `deja reconstruct`: the pairs to try (every pair, or each photo's retrieved
 * neighbours), matched and verified, with the pairs an SfM database already holds read back instead.
 */
import type { Progress } from '../../core/progress.ts';
import type { PairConfiguration } from '../../sfm/estimators/verifyPair.ts';
import type { SiftFeatures } from '../../sfm/features/siftFeatures.ts';
import { exhaustivePairs, pairMatchingResult, type PairMatchingResult, type PairMatchReport } from '../../sfm/matching/matchImagePairs.ts';
import { matchImagePairsParallel } from '../../sfm/matching/matchPairsParallel.ts';
import { retrievalPairs } from '../../sfm/matching/retrievalPairs.ts';
import type { SfmDatabase, StoredMatch } from '../../store/sfmDatabase.ts';

/** How the pairs are chosen and verified. */
export interface MatchPhotosOptions {
  matcher: 'exhaustive' | 'vocab';
  retrievalK: number;
  seed: number;
  /** Verification's inlier threshold, pixels. */
  threshold: number;
  /** Worker threads (default: all cores, or DEJA_THREADS). */
  threads?: number;
}

/** Where matches are kept between runs: the database, each photo's sha256, and what its features depend on. */
export interface MatchStore {
  database: SfmDatabase;
  photos: readonly string[];
  featureParams: string;
}

const stored = (r: PairMatchReport): StoredMatch => ({
  count: r.matches.count, pairs: r.matches.pairs, distances: r.matches.distances, inliers: r.inliers, inlierCount: r.inlierCount, configuration: r.configuration,
});

const fromStore = (i: number, j: number, m: StoredMatch): PairMatchReport => ({
  i, j, matches: { count: m.count, pairs: m.pairs, distances: m.distances }, inliers: m.inliers, inlierCount: m.inlierCount,
  configuration: m.configuration as PairConfiguration, iterations: 0, geometry: null, ms: { match: 0, verify: 0 },
});

/**
 * Matches and verifies the photos' pairs (`matchImagePairsParallel`), reading the pairs `store` holds and
 * writing the others to it as they are done (a chunk of 8 pairs per transaction: a run killed half-way
 * loses only the chunks in flight). Matching a pair is deterministic (one RANSAC seed), so a
 * stored pair is what matching it again would give.
 *
 * @returns the per-pair reports in the order of the pairs tried, and how many came from the database.
 * @example const { result } = await matchPhotos(features, { matcher: 'vocab', retrievalK: 16, seed: 1, threshold: 2.7 }, progress);
 */
export async function matchPhotos(features: readonly SiftFeatures[], o: MatchPhotosOptions, progress: Progress, store?: MatchStore): Promise<{ result: PairMatchingResult; fromDatabase: number }> {
  const t0 = performance.now();
  const pairs = o.matcher === 'vocab' && features.length > 2
    ? retrievalPairs(features, Math.min(o.retrievalK, features.length - 1), { train: { branching: 10, depth: 4, seed: o.seed } }).pairs
    : exhaustivePairs(features.length);
  const m = pairs.length / 2;
  const verify = { threshold: o.threshold, ransac: { seed: o.seed } };
  const params = JSON.stringify({ match: 1, features: store?.featureParams, threshold: o.threshold, seed: o.seed });
  const reports: (PairMatchReport | null)[] = new Array(m).fill(null);
  const missing: number[] = [];
  for (let p = 0; p < m; p++) {
    const [i, j] = [pairs[2 * p], pairs[2 * p + 1]];
    const hit = store?.database.match(store.photos[i], store.photos[j], params);
    if (hit) reports[p] = fromStore(i, j, hit);
    else missing.push(p);
  }
  progress.start(m, 'matching');
  progress.tick(m - missing.length);
  let ticked = 0;
  const done = await matchImagePairsParallel(features, Int32Array.from(missing.flatMap((p) => [pairs[2 * p], pairs[2 * p + 1]])), {
    verify,
    progress: (n) => {
      progress.tick(n - ticked);
      ticked = n;
    },
  }, o.threads, (part) => store?.database.putMatches(part.map((r) => ({ a: store.photos[r.i], b: store.photos[r.j], params, match: stored(r) }))));
  missing.forEach((p, k) => (reports[p] = done.pairs[k]));
  progress.stop();
  return { result: pairMatchingResult(reports as PairMatchReport[], t0), fromDatabase: m - missing.length };
}
