import { assert } from '../../core/errors.ts';
import { exactKnn } from '../../ann/flat.ts';

/** Descriptors of one image: `count` rows of `descriptors` (row-major, `descriptors.length / count` values each). `SiftFeatures` is one. */
export interface DescriptorSet {
  count: number;
  descriptors: Float32Array;
}

/** Options of `matchDescriptors`. */
export interface MatchOptions {
  /** Lowe's ratio: keep a match when d₁ < ratio · d₂ (L2 distances to the nearest and second-nearest
   *  descriptor), in (0, 1]; default 0.8 (Lowe 2004, §7.1; COLMAP `max_ratio`). 1 turns the test off. */
  ratio?: number;
  /** Keep only mutual nearest neighbours: i's best in b is j and j's best in a is i, each passing the
   *  ratio test (COLMAP `cross_check`); default true. */
  mutual?: boolean;
  /** Largest L2 distance of a kept match (unit descriptors: in [0, 2]); default +∞ (off). */
  maxDistance?: number;
}

/** Matches between two descriptor sets. */
export interface DescriptorMatches {
  count: number;
  /** `count × 2` row indices (i in a, j in b), ascending in i. */
  pairs: Int32Array;
  /** `count` L2 distances between the matched descriptors. */
  distances: Float32Array;
}

/** The two nearest rows of `data` for every query: best and second labels, squared L2 distances (+∞ when missing). */
function twoNearest(data: DescriptorSet, queries: DescriptorSet, dim: number) {
  return exactKnn(data.descriptors, data.count, dim, queries.descriptors, queries.count, Math.min(2, Math.max(1, data.count)), 'l2');
}

/** Per query: the best row when it passes the ratio and distance tests, else −1. */
function bestPassing(nn: ReturnType<typeof twoNearest>, ratio2: number, max2: number): Int32Array {
  const best = new Int32Array(nn.nq).fill(-1);
  for (let q = 0; q < nn.nq; q++) {
    const d1 = nn.distances[q * nn.k], d2 = nn.k > 1 ? nn.distances[q * nn.k + 1] : Number.POSITIVE_INFINITY;
    if (nn.labels[q * nn.k] >= 0 && d1 <= max2 && (ratio2 >= 1 || d1 < ratio2 * d2)) best[q] = nn.labels[q * nn.k];
  }
  return best;
}

/**
 * Putative matches between two images' descriptors: nearest neighbours with Lowe's ratio test, both
 * ways and cross-checked unless `mutual` is false.
 *
 * Algorithm:
 * 1. The two nearest descriptors of b for every descriptor of a, by exact squared L2 search on the
 *    index layer's blocked kernel (`exactKnn`, k = 2).
 * 2. Keep i → j when d₁ < ratio · d₂ (compared as squares) and d₁ ≤ maxDistance. With a single
 *    descriptor in b there is no second neighbour and only the distance test applies.
 * 3. With `mutual`, the same from b to a, and keep i → j only when j → i was kept too.
 *
 * @param a - the first image's descriptors (`count × dim`, e.g. SIFT's unit-norm 128-D rows).
 * @param b - the second image's, same dimension.
 * @param options - see `MatchOptions`.
 * @returns matches (i, j) ascending in i, with their L2 distances; none when either set is empty.
 * @throws Error (assertion) when the dimensions differ or an option is out of range.
 * @example
 * const m = matchDescriptors(siftA, siftB, { ratio: 0.8 });
 * for (let t = 0; t < m.count; t++) use(m.pairs[2 * t], m.pairs[2 * t + 1]);
 *
 * References: D. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints", IJCV 60(2), 2004,
 * §7.1 (the distance ratio, 0.8); COLMAP `src/colmap/feature/matcher.cc` / `sift.cc` (FindBestMatches:
 * max_ratio 0.8, cross_check).
 */
export function matchDescriptors(a: DescriptorSet, b: DescriptorSet, options: MatchOptions = {}): DescriptorMatches {
  const ratio = options.ratio ?? 0.8, mutual = options.mutual ?? true, maxDistance = options.maxDistance ?? Number.POSITIVE_INFINITY;
  assert(ratio > 0 && ratio <= 1, `Expected ratio in (0, 1] but received ${ratio}`);
  assert(maxDistance >= 0, `Expected maxDistance ≥ 0 but received ${maxDistance}`);
  const dim = dimensionOf(a, b);
  if (a.count === 0 || b.count === 0) return { count: 0, pairs: new Int32Array(0), distances: new Float32Array(0) };
  const ratio2 = ratio * ratio, max2 = maxDistance * maxDistance;
  const ab = twoNearest(b, a, dim);
  const forward = bestPassing(ab, ratio2, max2);
  const backward = mutual ? bestPassing(twoNearest(a, b, dim), ratio2, max2) : null;
  const pairs: number[] = [], distances: number[] = [];
  for (let i = 0; i < a.count; i++) {
    const j = forward[i];
    if (j < 0 || (backward && backward[j] !== i)) continue;
    pairs.push(i, j);
    distances.push(Math.sqrt(ab.distances[i * ab.k]));
  }
  return { count: distances.length, pairs: Int32Array.from(pairs), distances: Float32Array.from(distances) };
}

/** The shared row length of two descriptor sets (an empty set takes the other's). */
function dimensionOf(a: DescriptorSet, b: DescriptorSet): number {
  const da = a.count > 0 ? a.descriptors.length / a.count : 0, db = b.count > 0 ? b.descriptors.length / b.count : 0;
  const dim = da || db;
  assert(Number.isInteger(dim) && (da === 0 || db === 0 || da === db), `Expected descriptors of equal dimension but received ${da} and ${db}`);
  return dim;
}
