import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDejaError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { kMeans } from './kMeans.ts';
import { VocabularyTree } from './vocabularyTree.ts';

/** `perCluster` points around each of `clusters` random centres (spread 10) with noise σ. */
function blobs(clusters: number, perCluster: number, dim: number, sigma: number, seed: number) {
  const rng = new Rng(seed), centres = Float32Array.from({ length: clusters * dim }, () => 10 * rng.normal());
  const data = new Float32Array(clusters * perCluster * dim), label = new Int32Array(clusters * perCluster);
  for (let i = 0; i < label.length; i++) {
    label[i] = i % clusters;
    for (let d = 0; d < dim; d++) data[i * dim + d] = centres[label[i] * dim + d] + sigma * rng.normal();
  }
  return { data, label, count: label.length, centres };
}

test('k-means with k-means++ seeds separates well-separated blobs exactly', () => {
  const { data, label, count } = blobs(6, 40, 16, 0.5, 1);
  const r = kMeans(data, count, 16, 6, new Rng(2), 20);
  assert.equal(r.k, 6);
  // Each cluster holds exactly one blob's points.
  const blobOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    if (!blobOf.has(r.assignment[i])) blobOf.set(r.assignment[i], label[i]);
    assert.equal(blobOf.get(r.assignment[i]), label[i], `point ${i}`);
  }
  assert.ok(r.iterations >= 1 && r.iterations < 20);
});

test('a one-level tree of branching 4 gives each of 4 tight blobs its own word; two levels give at most 16 words', () => {
  const { data, label, count } = blobs(4, 30, 8, 0.05, 3);
  const flat = VocabularyTree.train(data, count, 8, { branching: 4, depth: 1, seed: 5 });
  assert.equal(flat.words, 4);
  const words = flat.quantise(data, count);
  const wordOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    if (!wordOf.has(label[i])) wordOf.set(label[i], words[i]);
    assert.equal(words[i], wordOf.get(label[i]), `blob ${label[i]} split across words`);
  }
  assert.equal(new Set(wordOf.values()).size, 4);
  const deep = VocabularyTree.train(data, count, 8, { branching: 4, depth: 2, seed: 5 });
  assert.ok(deep.words > 4 && deep.words <= 16 && deep.nodes === 1 + 4 + deep.words, `${deep.words} words, ${deep.nodes} nodes`);
  for (const w of deep.quantise(data, count)) assert.ok(w >= 0 && w < deep.words);
});

test('training and quantisation are deterministic for a seed, and another seed gives another tree', () => {
  const { data, count } = blobs(30, 20, 32, 3, 4);
  const options = { branching: 5, depth: 3, seed: 11, sampleSize: 400 };
  const a = VocabularyTree.train(data, count, 32, options), b = VocabularyTree.train(data, count, 32, options);
  assert.deepEqual(a.serialise(), b.serialise());
  assert.deepEqual(a.quantise(data, count), b.quantise(data, count));
  const c = VocabularyTree.train(data, count, 32, { ...options, seed: 12 });
  assert.notDeepEqual(c.serialise(), a.serialise());
});

test('serialise and deserialise round-trip exactly, and a damaged blob is refused with a message', () => {
  const { data, count } = blobs(20, 15, 24, 2, 6);
  const tree = VocabularyTree.train(data, count, 24, { branching: 3, depth: 3, seed: 1 });
  const blob = tree.serialise();
  const copy = VocabularyTree.deserialise(blob.slice());
  assert.deepEqual([copy.dim, copy.branching, copy.depth, copy.nodes, copy.words], [tree.dim, tree.branching, tree.depth, tree.nodes, tree.words]);
  assert.deepEqual(copy.serialise(), blob);
  assert.deepEqual(copy.quantise(data, count), tree.quantise(data, count));
  // A blob inside a larger buffer (as read from a file) works too.
  const padded = new Uint8Array(blob.length + 8);
  padded.set(blob, 4);
  assert.deepEqual(VocabularyTree.deserialise(padded.subarray(4, 4 + blob.length)).serialise(), blob);
  const refused = (b: Uint8Array, why: RegExp) => assert.throws(() => VocabularyTree.deserialise(b), (e) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && why.test(e.message));
  refused(blob.subarray(0, blob.length - 4), /bytes for/);
  refused(new Uint8Array(blob.length), /magic/);
  const future = blob.slice();
  future[4] = 9;
  refused(future, /format version 9/);
});

test('a node with no more descriptors than the branching factor is a leaf', () => {
  const data = Float32Array.from([0, 0, 1, 1, 5, 5]);
  const tree = VocabularyTree.train(data, 3, 2, { branching: 4, depth: 3 });
  assert.equal(tree.words, 1);
  assert.deepEqual(Array.from(tree.quantise(data, 3)), [0, 0, 0]);
  assert.throws(() => VocabularyTree.train(data, 3, 2, { branching: 1 }), /branching/);
});

test('quantisePaths lists the nodes of each descriptor top to bottom, ending at the leaf quantise reports', () => {
  const { data, count } = blobs(40, 50, 8, 1, 7);
  const tree = VocabularyTree.train(data, count, 8, { branching: 3, depth: 3, seed: 2 });
  const paths = tree.quantisePaths(data, count), words = tree.quantise(data, count);
  assert.equal(paths.length, count * 3); // every node down to level 3 held more than 3 points
  const leafOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const [a, b, c] = paths.subarray(3 * i, 3 * i + 3);
    assert.ok(a >= 1 && a <= 3 && b > a && c > b && c < tree.nodes, `path ${a}, ${b}, ${c}`);
    if (!leafOf.has(c)) leafOf.set(c, words[i]);
    assert.equal(leafOf.get(c), words[i], 'one leaf node, one word');
  }
  assert.equal(new Set(leafOf.values()).size, leafOf.size);
});
