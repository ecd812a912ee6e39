/**
 * The matching stage of `deja reconstruct`: the pairs to try (every pair, or each photo's retrieved
 * neighbours), matched and verified, with the pairs an SfM database already holds read back instead.
 */
import type { Progress } from '../../core/progress.ts';
import type { PairConfiguration } from '../../sfm/estimators/verifyPair.ts';
import type { SiftFeatures } from '../../sfm/features/siftFeatures.ts';
import { exhaustivePairs, matchImagePairs, type PairMatchingResult, type PairMatchReport } from '../../sfm/matching/matchImagePairs.ts';
import { retrievalPairs } from '../../sfm/matching/retrievalPairs.ts';
import type { SfmDatabase, StoredMatch } from '../../store/sfmDatabase.ts';

/** How the pairs are chosen and verified. */
export interface MatchPhotosOptions {
  matcher: 'exhaustive' | 'vocab';
  retrievalK: number;
  seed: number;
  /** Verification's inlier threshold, pixels. */
  threshold: number;
}

/** Where matches are kept between runs: the database, each photo's sha256, and what its features depend on. */
export interface MatchStore {
  database: SfmDatabase;
  photos: readonly string[];
  featureParams: string;
}

/** Pairs matched per database transaction: a run killed half-way keeps all but the last few. */
const STORE_EVERY = 32;

const stored = (r: PairMatchReport): StoredMatch => ({
  count: r.matches.count, pairs: r.matches.pairs, distances: r.matches.distances, inliers: r.inliers, inlierCount: r.inlierCount, configuration: r.configuration,
});

const fromStore = (i: number, j: number, m: StoredMatch): PairMatchReport => ({
  i, j, matches: { count: m.count, pairs: m.pairs, distances: m.distances }, inliers: m.inliers, inlierCount: m.inlierCount,
  configuration: m.configuration as PairConfiguration, iterations: 0, geometry: null, ms: { match: 0, verify: 0 },
});

/**
 * Matches and verifies the photos' pairs (`matchImagePairs`), reading the pairs `store` holds and
 * writing the others to it as they are done. Matching a pair is deterministic (one RANSAC seed), so a
 * stored pair is what matching it again would give.
 *
 * @returns the per-pair reports in the order of the pairs tried, and how many came from the database.
 * @example const { result } = matchPhotos(features, { matcher: 'vocab', retrievalK: 16, seed: 1, threshold: 2.7 }, progress);
 */
export function matchPhotos(features: readonly SiftFeatures[], o: MatchPhotosOptions, progress: Progress, store?: MatchStore): { result: PairMatchingResult; fromDatabase: number } {
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
  const every = store ? STORE_EVERY : Math.max(1, missing.length);
  for (let c = 0; c < missing.length; c += every) {
    const part = missing.slice(c, c + every);
    const done = matchImagePairs(features, Int32Array.from(part.flatMap((p) => [pairs[2 * p], pairs[2 * p + 1]])), { verify, progress: () => progress.tick() }).pairs;
    part.forEach((p, k) => (reports[p] = done[k]));
    store?.database.putMatches(done.map((r) => ({ a: store.photos[r.i], b: store.photos[r.j], params, match: stored(r) })));
  }
  progress.stop();
  const out = reports as PairMatchReport[];
  const sum = (f: (r: PairMatchReport) => number) => out.reduce((s, r) => s + f(r), 0);
  return {
    result: {
      pairs: out,
      report: {
        pairs: m, matches: sum((r) => r.matches.count), verifiedPairs: sum((r) => (r.inlierCount > 0 ? 1 : 0)), inliers: sum((r) => r.inlierCount),
        ms: { match: sum((r) => r.ms.match), verify: sum((r) => r.ms.verify), total: performance.now() - t0 },
      },
    },
    fromDatabase: m - missing.length,
  };
}
