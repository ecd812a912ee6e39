import { assert } from '../../core/errors.ts';

/** One database image and its normalised-L1 distance to a query, in [0, 2] (0: the same weighted word histogram). */
export interface RetrievalHit {
  image: number;
  distance: number;
}

/** A sparse bag-of-words vector: ascending word indices and their weights. */
export interface BowVector {
  words: Int32Array;
  values: Float64Array;
}

/** Word occurrences of one image: ascending distinct words and their counts. */
function wordCounts(words: Int32Array): { words: Int32Array; counts: Int32Array } {
  const sorted = Int32Array.from(words).sort();
  const distinct: number[] = [], counts: number[] = [];
  for (let t = 0; t < sorted.length; t++) {
    if (t > 0 && sorted[t] === sorted[t - 1]) counts[counts.length - 1]++;
    else [distinct[distinct.length], counts[counts.length]] = [sorted[t], 1];
  }
  return { words: Int32Array.from(distinct), counts: Int32Array.from(counts) };
}

/**
 * An inverted file over images quantised by a vocabulary tree, scored with tf-idf weights and the
 * normalised L1 distance of Nistér & Stewénius (2006, §4).
 *
 * Algorithm:
 * 1. Word weights wᵢ = ln(N / Nᵢ) (N images, Nᵢ of them containing word i; 0 for words no image has).
 * 2. Each image's vector dᵢ = nᵢ wᵢ (nᵢ: occurrences of word i), normalised to unit L1 norm.
 * 3. Per word, the list of (image, dᵢ) with dᵢ > 0: the inverted file.
 * 4. A query q (weighted and normalised the same way) is at ‖q − d‖₁ = 2 + Σ_{i: qᵢ>0, dᵢ>0} (|qᵢ − dᵢ| − qᵢ − dᵢ)
 *    from d, accumulated over the query's words' lists only.
 *
 * Weights here are on the leaves (the words) only; the paper also weights inner nodes.
 *
 * References: D. Nistér, H. Stewénius, "Scalable Recognition with a Vocabulary Tree", CVPR 2006, §4
 * (entropy weighting, L1 normalised scoring, inverted files); J. Sivic, A. Zisserman, "Video Google", ICCV 2003 (tf-idf).
 */
export class InvertedFile {
  private constructor(
    /** Images in the database. */
    readonly images: number,
    /** Per word, ln(N / Nᵢ). */
    readonly weights: Float64Array,
    /** CSR by word: postings of word i are [wordStart[i], wordStart[i + 1]). */
    private readonly wordStart: Int32Array,
    private readonly postImage: Int32Array,
    private readonly postValue: Float64Array,
  ) {}

  /**
   * Builds the inverted file of a set of images.
   *
   * @param words - the vocabulary size (word indices are in [0, words)).
   * @param images - each image's words (e.g. `tree.quantise(features.descriptors, features.count)`).
   * @example
   * const file = InvertedFile.build(tree.words, features.map((f) => tree.quantise(f.descriptors, f.count)));
   * file.score(queryWords, 5); // the 5 nearest images, nearest first
   */
  static build(words: number, images: readonly Int32Array[]): InvertedFile {
    const histograms = images.map(wordCounts), N = images.length;
    const containing = new Int32Array(words);
    for (const h of histograms) for (const w of h.words) {
      assert(w >= 0 && w < words, `Expected words in [0, ${words}) but received ${w}`);
      containing[w]++;
    }
    const weights = Float64Array.from(containing, (n) => (n > 0 ? Math.log(N / n) : 0));
    const wordStart = new Int32Array(words + 1);
    const vectors = histograms.map((h) => weigh(h.words, h.counts, weights));
    for (const v of vectors) for (const w of v.words) wordStart[w + 1]++;
    for (let w = 0; w < words; w++) wordStart[w + 1] += wordStart[w];
    const fill = wordStart.slice(0, words), postImage = new Int32Array(wordStart[words]), postValue = new Float64Array(wordStart[words]);
    vectors.forEach((v, image) => v.words.forEach((w, t) => {
      postImage[fill[w]] = image;
      postValue[fill[w]++] = v.values[t];
    }));
    return new InvertedFile(N, weights, wordStart, postImage, postValue);
  }

  /** The tf-idf weighted, L1-normalised vector of a set of words (words with weight 0 are left out). */
  vector(words: Int32Array): BowVector {
    const h = wordCounts(words);
    return weigh(h.words, h.counts, this.weights);
  }

  /**
   * The database images nearest to a query by normalised L1 distance, nearest first (ties to the lower image).
   *
   * @param words - the query's words.
   * @param k - images to return (at most the database size, less `exclude`).
   * @param exclude - an image to leave out (the query itself when it is in the database), or −1.
   * @returns up to k hits; images sharing no weighted word with the query are at distance 2.
   */
  score(words: Int32Array, k: number, exclude = -1): RetrievalHit[] {
    const q = this.vector(words), acc = new Float64Array(this.images);
    for (let t = 0; t < q.words.length; t++) {
      const w = q.words[t], qi = q.values[t];
      for (let p = this.wordStart[w]; p < this.wordStart[w + 1]; p++) {
        const di = this.postValue[p];
        acc[this.postImage[p]] += Math.abs(qi - di) - qi - di;
      }
    }
    const hits: RetrievalHit[] = [];
    for (let image = 0; image < this.images; image++) if (image !== exclude) hits.push({ image, distance: Math.max(0, 2 + acc[image]) });
    hits.sort((a, b) => a.distance - b.distance || a.image - b.image);
    return hits.slice(0, Math.max(0, k));
  }
}

/** Counts × weights, normalised to unit L1 norm; zero-weight words dropped. */
function weigh(words: Int32Array, counts: Int32Array, weights: Float64Array): BowVector {
  const keep: number[] = [], values: number[] = [];
  let total = 0;
  words.forEach((w, t) => {
    const v = counts[t] * weights[w];
    if (v > 0) [keep[keep.length], values[values.length], total] = [w, v, total + v];
  });
  return { words: Int32Array.from(keep), values: Float64Array.from(values, (v) => v / total) };
}
