import { assert } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { exactKnn } from '../../ann/flat.ts';

/** k-means clusters of `n` rows: centres and each row's cluster. */
export interface KMeansResult {
  /** Clusters kept (≤ k: never more than n, and clusters emptied by an update are dropped). */
  k: number;
  /** `k × dim` float32, row-major. */
  centres: Float32Array;
  /** `n` cluster indices in [0, k). */
  assignment: Int32Array;
  /** Lloyd iterations run (stops early when no row changes cluster). */
  iterations: number;
}

/** Squared L2 distance of row `i` of `data` to row `c` of `centres`. */
function squaredDistance(data: Float32Array, i: number, centres: Float32Array, c: number, dim: number): number {
  let s = 0;
  for (let d = 0, a = i * dim, b = c * dim; d < dim; d++) s += (data[a + d] - centres[b + d]) ** 2;
  return s;
}

/**
 * k-means++ seeding: the first centre uniformly at random, each next one a row drawn with
 * probability proportional to its squared distance to the nearest centre so far (D² weighting).
 *
 * @returns `k × dim` centres (k ≤ n; fewer when all rows coincide with chosen centres).
 *
 * References: D. Arthur, S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007, §2.2.
 */
export function kMeansPlusPlus(data: Float32Array, n: number, dim: number, k: number, rng: Rng): { k: number; centres: Float32Array } {
  const centres = new Float32Array(k * dim), nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = 0, next = rng.int(n);
  while (chosen < k) {
    centres.set(data.subarray(next * dim, next * dim + dim), chosen * dim);
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i] = Math.min(nearest[i], squaredDistance(data, i, centres, chosen, dim));
    chosen++;
    if (chosen === k || total <= 0) break;
    let target = rng.next() * total;
    next = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        next = i;
        break;
      }
    }
  }
  return { k: chosen, centres: centres.slice(0, chosen * dim) };
}

/**
 * Lloyd's k-means on `n` rows from k-means++ seeds; the assignment step is the index layer's exact
 * search (`exactKnn`, k = 1, over the centres), so it runs on the blocked dot-product kernel.
 *
 * Algorithm:
 * 1. Seeds by `kMeansPlusPlus`.
 * 2. Assign every row to its nearest centre; stop when no assignment changed or after `maxIterations`.
 * 3. Move each centre to the mean of its rows; drop clusters left empty; repeat from 2.
 * The returned assignment is always to the nearest returned centre (a cluster may end empty).
 *
 * @param data - `n × dim` float32, row-major.
 * @param k - clusters wanted (≥ 1); at most n are made.
 * @param rng - the seeded generator (the result is deterministic given its state).
 * @param maxIterations - Lloyd iterations at most (≥ 1).
 * @example
 * const { centres, assignment } = kMeans(rows, n, 128, 10, new Rng(1), 10);
 *
 * References: S. Lloyd, "Least squares quantization in PCM", IEEE Trans. IT 28(2), 1982;
 * Arthur & Vassilvitskii 2007 (seeding).
 */
export function kMeans(data: Float32Array, n: number, dim: number, k: number, rng: Rng, maxIterations: number): KMeansResult {
  assert(n >= 1 && k >= 1 && maxIterations >= 1, `Expected n, k, maxIterations ≥ 1 but received ${n}, ${k}, ${maxIterations}`);
  let { k: kept, centres } = kMeansPlusPlus(data, n, dim, Math.min(k, n), rng);
  let assignment: Int32Array = new Int32Array(n).fill(-1), iterations = 0;
  for (;;) {
    const next = exactKnn(centres, kept, dim, data, n, 1, 'l2').labels;
    const changed = next.some((c, i) => c !== assignment[i]);
    assignment = next;
    if (!changed || ++iterations >= maxIterations) break;
    ({ k: kept, centres } = clusterMeans(data, n, dim, kept, assignment));
  }
  return { k: kept, centres, assignment, iterations };
}

/** Means of the non-empty clusters, renumbering `assignment` in place to the kept clusters. */
function clusterMeans(data: Float32Array, n: number, dim: number, k: number, assignment: Int32Array): { k: number; centres: Float32Array } {
  const sums = new Float64Array(k * dim), counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = assignment[i];
    counts[c]++;
    for (let d = 0; d < dim; d++) sums[c * dim + d] += data[i * dim + d];
  }
  const renumber = new Int32Array(k).fill(-1);
  let kept = 0;
  for (let c = 0; c < k; c++) if (counts[c] > 0) renumber[c] = kept++;
  const centres = new Float32Array(kept * dim);
  for (let c = 0; c < k; c++) {
    if (renumber[c] < 0) continue;
    for (let d = 0; d < dim; d++) centres[renumber[c] * dim + d] = sums[c * dim + d] / counts[c];
  }
  for (let i = 0; i < n; i++) assignment[i] = renumber[assignment[i]];
  return { k: kept, centres };
}
