import { assert, DejaError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { kMeans } from './kMeans.ts';

/** Options of `VocabularyTree.train`. */
export interface VocabularyTreeOptions {
  /** Children per node, k of the hierarchical k-means (default 10, Nistér & Stewénius 2006, §3). */
  branching?: number;
  /** Levels below the root, L (default 4: up to 10⁴ words; the paper's best used 10⁶ words, k = 10, L = 6, §5). */
  depth?: number;
  /** Descriptors drawn at random (seeded) to train on; default 100,000, all when fewer. */
  sampleSize?: number;
  /** Lloyd iterations per node (default 10). */
  iterations?: number;
  /** Seed of the sample and of k-means++ (default 1). */
  seed?: number;
}

const MAGIC = 0x45525456; // 'VTRE' little-endian
const FORMAT_VERSION = 1;
const HEADER_INTS = 7;

/**
 * A vocabulary tree: hierarchical k-means over local descriptors, whose leaves are the visual words.
 * Nodes are stored breadth-first; node 0 is the root (no centre). Children of a node are contiguous.
 *
 * References: D. Nistér, H. Stewénius, "Scalable Recognition with a Vocabulary Tree", CVPR 2006, §3
 * (hierarchical k-means, quantisation by descending the tree).
 */
export class VocabularyTree {
  private constructor(
    /** Values per descriptor. */
    readonly dim: number,
    readonly branching: number,
    readonly depth: number,
    /** Per node: index of its first child (0 for a leaf). */
    private readonly childStart: Int32Array,
    /** Per node: number of children (0 for a leaf). */
    private readonly childCount: Int32Array,
    /** Per node: its word (leaf index, in breadth-first order), −1 for inner nodes. */
    private readonly nodeWord: Int32Array,
    /** `nodes × dim` float32 centres (the root's row is zeros). */
    private readonly centres: Float32Array,
    /** Number of words (leaves). */
    readonly words: number,
  ) {}

  /** Number of nodes, the root included. */
  get nodes(): number {
    return this.childCount.length;
  }

  /**
   * Trains a tree by hierarchical k-means on a seeded sample of descriptors.
   *
   * Algorithm (Nistér & Stewénius 2006, §3):
   * 1. Draw `sampleSize` descriptors at random (all when fewer).
   * 2. Split the root's descriptors into `branching` clusters by k-means (k-means++ seeds, Lloyd).
   * 3. Split each cluster's descriptors again, breadth-first, down to `depth` levels; a node with at
   *    most `branching` descriptors, or at the last level, is a leaf (a visual word).
   *
   * @param descriptors - `count × dim` float32, row-major (e.g. every image's SIFT descriptors stacked).
   * @param count - number of rows (≥ 1).
   * @param dim - values per row (≥ 1).
   * @returns the tree; deterministic for a given seed and input.
   * @throws Error (assertion) on an empty input or options out of range.
   * @example
   * const tree = VocabularyTree.train(stacked, n, 128, { branching: 10, depth: 4, seed: 1 });
   * const words = tree.quantise(features.descriptors, features.count);
   */
  static train(descriptors: Float32Array, count: number, dim: number, options: VocabularyTreeOptions = {}): VocabularyTree {
    const branching = options.branching ?? 10, depth = options.depth ?? 4, iterations = options.iterations ?? 10;
    assert(count >= 1 && dim >= 1 && descriptors.length >= count * dim, `Expected count, dim ≥ 1 and count × dim values but received ${count}, ${dim}, ${descriptors.length}`);
    assert(Number.isInteger(branching) && branching >= 2, `Expected an integer ≥ 2 for branching but received ${branching}`);
    assert(Number.isInteger(depth) && depth >= 1 && depth <= 8, `Expected an integer in [1, 8] for depth but received ${depth}`);
    const rng = new Rng(options.seed ?? 1);
    const sample = sampleRows(count, options.sampleSize ?? 100_000, rng);
    const childStart: number[] = [0], childCount: number[] = [0], centres: Float32Array[] = [new Float32Array(dim)];
    const queue: { node: number; rows: Int32Array; level: number }[] = [{ node: 0, rows: sample, level: 0 }];
    for (let q = 0; q < queue.length; q++) {
      const { node, rows, level } = queue[q];
      if (level >= depth || rows.length <= branching) continue;
      const points = gatherRows(descriptors, rows, dim);
      const clusters = kMeans(points, rows.length, dim, branching, rng, iterations);
      [childStart[node], childCount[node]] = [childStart.length, clusters.k];
      const members = splitRows(rows, clusters.assignment, clusters.k);
      for (let c = 0; c < clusters.k; c++) {
        queue.push({ node: childStart.length, rows: members[c], level: level + 1 });
        childStart.push(0);
        childCount.push(0);
        centres.push(clusters.centres.slice(c * dim, (c + 1) * dim));
      }
    }
    const flat = new Float32Array(centres.length * dim);
    centres.forEach((c, n) => flat.set(c, n * dim));
    const counts = Int32Array.from(childCount), nodeWord = new Int32Array(counts.length);
    let words = 0;
    for (let n = 0; n < counts.length; n++) nodeWord[n] = counts[n] === 0 ? words++ : -1;
    return new VocabularyTree(dim, branching, depth, Int32Array.from(childStart), counts, nodeWord, flat, words);
  }

  /**
   * The visual word of each descriptor: descend from the root, at each node to the child whose centre
   * is nearest (squared L2; ties to the lower child), until a leaf.
   *
   * @param descriptors - `count × dim` float32, row-major.
   * @returns `count` word indices in [0, words).
   */
  quantise(descriptors: Float32Array, count: number): Int32Array {
    const out = new Int32Array(count);
    this.descend(descriptors, count, (i, node) => {
      if (this.childCount[node] === 0) out[i] = this.nodeWord[node];
    });
    return out;
  }

  /**
   * Every node (the root excepted) that each descriptor passes on its way down, as node indices in
   * [1, nodes): the "words" of hierarchical scoring, where inner nodes are weighted too
   * (Nistér & Stewénius 2006, §4). Descriptors' paths are concatenated, each `depth` long or shorter
   * where a leaf sits higher.
   */
  quantisePaths(descriptors: Float32Array, count: number): Int32Array {
    const out: number[] = [];
    this.descend(descriptors, count, (_, node) => out.push(node));
    return Int32Array.from(out);
  }

  /** Calls `visit(i, node)` for each node below the root on descriptor i's path, top to bottom. */
  private descend(descriptors: Float32Array, count: number, visit: (i: number, node: number) => void): void {
    assert(descriptors.length >= count * this.dim, `Expected ${count} × ${this.dim} values but received ${descriptors.length}`);
    const dim = this.dim, c = this.centres;
    for (let i = 0; i < count; i++) {
      let node = 0;
      const base = i * dim;
      while (this.childCount[node] > 0) {
        let best = -1, bestDistance = Number.POSITIVE_INFINITY;
        for (let child = this.childStart[node], end = child + this.childCount[node]; child < end; child++) {
          let s = 0;
          for (let d = 0, o = child * dim; d < dim; d++) s += (descriptors[base + d] - c[o + d]) ** 2;
          if (s < bestDistance) [best, bestDistance] = [child, s];
        }
        node = best;
        visit(i, node);
      }
    }
  }

  /**
   * The tree as one little-endian blob: 7 int32 (magic 'VTRE', format version, dim, branching, depth,
   * nodes, words), then int32 childStart[nodes], childCount[nodes], then float32 centres[nodes × dim].
   * Word numbers are implied (leaves in breadth-first order).
   */
  serialise(): Uint8Array {
    const nodes = this.nodes, ints = HEADER_INTS + 2 * nodes;
    const blob = new Uint8Array(4 * (ints + nodes * this.dim)), view = new DataView(blob.buffer);
    const header = [MAGIC, FORMAT_VERSION, this.dim, this.branching, this.depth, nodes, this.words];
    header.forEach((v, i) => view.setInt32(4 * i, v, true));
    for (let n = 0; n < nodes; n++) {
      view.setInt32(4 * (HEADER_INTS + n), this.childStart[n], true);
      view.setInt32(4 * (HEADER_INTS + nodes + n), this.childCount[n], true);
    }
    for (let v = 0; v < this.centres.length; v++) view.setFloat32(4 * (ints + v), this.centres[v], true);
    return blob;
  }

  /**
   * Reads a blob written by `serialise`.
   *
   * @throws DejaError BAD_ARGUMENT when the blob is not a vocabulary tree of this format version, or is truncated or inconsistent.
   */
  static deserialise(blob: Uint8Array): VocabularyTree {
    const bad = (why: string) => new DejaError('BAD_ARGUMENT', `not a vocabulary tree blob: ${why}`, { hint: 'retrain the tree (VocabularyTree.train)' });
    if (blob.byteLength < 4 * HEADER_INTS) throw bad(`${blob.byteLength} bytes`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const [magic, version, dim, branching, depth, nodes, words] = Array.from({ length: HEADER_INTS }, (_, i) => view.getInt32(4 * i, true));
    if (magic !== MAGIC) throw bad('wrong magic number');
    if (version !== FORMAT_VERSION) throw bad(`format version ${version}, expected ${FORMAT_VERSION}`);
    const ints = HEADER_INTS + 2 * nodes;
    if (dim < 1 || nodes < 1 || blob.byteLength !== 4 * (ints + nodes * dim)) throw bad(`${blob.byteLength} bytes for ${nodes} nodes of ${dim} values`);
    const childStart = new Int32Array(nodes), childCount = new Int32Array(nodes), centres = new Float32Array(nodes * dim), nodeWord = new Int32Array(nodes);
    for (let n = 0; n < nodes; n++) [childStart[n], childCount[n]] = [view.getInt32(4 * (HEADER_INTS + n), true), view.getInt32(4 * (HEADER_INTS + nodes + n), true)];
    for (let v = 0; v < centres.length; v++) centres[v] = view.getFloat32(4 * (ints + v), true);
    let leaves = 0;
    for (let n = 0; n < nodes; n++) {
      if (childCount[n] < 0 || (childCount[n] > 0 && (childStart[n] <= n || childStart[n] + childCount[n] > nodes))) throw bad(`node ${n} has children out of range`);
      nodeWord[n] = childCount[n] === 0 ? leaves++ : -1;
    }
    if (leaves !== words) throw bad(`${leaves} leaves but ${words} words recorded`);
    return new VocabularyTree(dim, branching, depth, childStart, childCount, nodeWord, centres, words);
  }
}

/** `min(count, size)` distinct row indices drawn at random, ascending (all rows when size ≥ count). */
function sampleRows(count: number, size: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  if (size >= count) return all;
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(count - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, size).sort();
}

/** The listed rows copied into one contiguous `rows.length × dim` array. */
function gatherRows(data: Float32Array, rows: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(data.subarray(r * dim, r * dim + dim), i * dim));
  return out;
}

/** Rows grouped by cluster, each group in the input order. */
function splitRows(rows: Int32Array, assignment: Int32Array, k: number): Int32Array[] {
  const counts = new Int32Array(k);
  for (const c of assignment) counts[c]++;
  const out = Array.from(counts, (n) => new Int32Array(n)), fill = new Int32Array(k);
  rows.forEach((r, i) => (out[assignment[i]][fill[assignment[i]]++] = r));
  return out;
}
