import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { InvertedFile, type RetrievalHit } from './invertedFile.ts';
import type { DescriptorSet } from './matchDescriptors.ts';
import { VocabularyTree, type VocabularyTreeOptions } from './vocabularyTree.ts';

/** Options of `retrievalPairs`. */
export interface RetrievalOptions {
  /** A trained tree to use; otherwise one is trained on the images' own descriptors with `train`. */
  tree?: VocabularyTree;
  /** Training options when no tree is given (branching, depth, sampleSize, iterations, seed). */
  train?: VocabularyTreeOptions;
  /** Score on the leaves only ('leaves', the visual words) or on every node of each descriptor's
   *  path ('paths': hierarchical scoring, Nistér & Stewénius 2006, §4); default 'paths'. */
  scoring?: 'leaves' | 'paths';
}

/** Candidate pairs chosen by retrieval, and what each image retrieved. */
export interface RetrievalResult {
  /** `m × 2` image indices, i < j, ascending, each pair once. */
  pairs: Int32Array;
  /** Per image, its k nearest other images, nearest first. */
  neighbours: RetrievalHit[][];
  tree: VocabularyTree;
  ms: { train: number; quantise: number; score: number };
}

/**
 * Up to `sampleSize` descriptors drawn across all images (seeded; each image in proportion to its
 * count), stacked into one `m × dim` array for training.
 */
export function sampleDescriptors(features: readonly DescriptorSet[], dim: number, sampleSize: number, seed: number): { data: Float32Array; count: number } {
  const total = features.reduce((s, f) => s + f.count, 0), rng = new Rng(seed), rows: Float32Array[] = [];
  for (const f of features) {
    const take = total <= sampleSize ? f.count : Math.min(f.count, Math.round((sampleSize * f.count) / total));
    const order = Int32Array.from({ length: f.count }, (_, i) => i);
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(f.count - i);
      [order[i], order[j]] = [order[j], order[i]];
      rows.push(f.descriptors.subarray(order[i] * dim, order[i] * dim + dim));
    }
  }
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { data, count: rows.length };
}

/**
 * Candidate image pairs for matching by image retrieval: each image's `k` most similar images in a
 * bag-of-visual-words index, the union of those pairs deduplicated. Matching these instead of all
 * n(n − 1)/2 pairs is what makes large collections tractable (Agarwal et al. 2009, §3).
 *
 * Algorithm:
 * 1. A vocabulary tree (`VocabularyTree.train`) on a sample of all images' descriptors, unless given.
 * 2. Every image's descriptors quantised to words; an `InvertedFile` of all images (tf-idf, L1).
 * 3. Every image queried against the rest; its k nearest give the pairs (min, max).
 *
 * @param features - each image's descriptors, equal dimension.
 * @param k - retrieved neighbours per image (≥ 1; at most n − 1 are used).
 * @param options - see `RetrievalOptions`.
 * @returns the deduplicated pairs (between k·n/2 and k·n of them), each image's hits, the tree and timings.
 * @throws Error (assertion) on k < 1, or descriptors whose dimension differs from the tree's.
 * @example
 * const { pairs } = retrievalPairs(features, 10, { train: { branching: 10, depth: 4 } });
 * const matched = matchImagePairs(features, pairs);
 *
 * References: D. Nistér, H. Stewénius, "Scalable Recognition with a Vocabulary Tree", CVPR 2006;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009, §3 (vocabulary-tree proposals, then verification);
 * COLMAP `vocab_tree_matcher` (num_images nearest per image).
 */
export function retrievalPairs(features: readonly DescriptorSet[], k: number, options: RetrievalOptions = {}): RetrievalResult {
  assert(Number.isInteger(k) && k >= 1, `Expected an integer ≥ 1 for k but received ${k}`);
  const t0 = performance.now();
  const first = features.find((f) => f.count > 0);
  const dim = options.tree?.dim ?? (first ? first.descriptors.length / first.count : 128);
  let tree = options.tree;
  if (!tree) {
    const sample = sampleDescriptors(features, dim, options.train?.sampleSize ?? 100_000, options.train?.seed ?? 1);
    assert(sample.count > 0, 'Expected at least one descriptor to train a vocabulary tree on');
    tree = VocabularyTree.train(sample.data, sample.count, dim, { ...options.train, sampleSize: sample.count });
  }
  const t1 = performance.now(), paths = (options.scoring ?? 'paths') === 'paths';
  const words = features.map((f) => {
    assert(f.count === 0 || f.descriptors.length === f.count * tree.dim, `Expected descriptors of ${tree.dim} values, as the tree's`);
    return paths ? tree.quantisePaths(f.descriptors, f.count) : tree.quantise(f.descriptors, f.count);
  });
  const file = InvertedFile.build(paths ? tree.nodes : tree.words, words);
  const t2 = performance.now();
  const neighbours = words.map((w, i) => file.score(w, k, i));
  const seen = new Set<number>(), n = features.length;
  neighbours.forEach((hits, i) => hits.forEach(({ image: j }) => seen.add(Math.min(i, j) * n + Math.max(i, j))));
  const keys = Float64Array.from(seen).sort(), pairs = new Int32Array(2 * keys.length);
  keys.forEach((key, t) => [pairs[2 * t], pairs[2 * t + 1]] = [Math.floor(key / n), key % n]);
  return { pairs, neighbours, tree, ms: { train: t1 - t0, quantise: t2 - t1, score: performance.now() - t2 } };
}
