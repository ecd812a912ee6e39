import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { matchDescriptors, type DescriptorSet } from './matchDescriptors.ts';

/** `count` random unit vectors of `dim` values (Gaussian directions). */
function randomUnit(count: number, dim: number, seed: number): DescriptorSet {
  const rng = new Rng(seed), descriptors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (descriptors[i * dim + d] = rng.normal()) ** 2;
    for (let d = 0; d < dim; d++) descriptors[i * dim + d] /= Math.sqrt(norm);
  }
  return { count, descriptors };
}

test('identical descriptor sets match each descriptor to itself at distance ~0, both with and without the cross-check', () => {
  const a = randomUnit(300, 128, 1);
  for (const mutual of [true, false]) {
    const m = matchDescriptors(a, a, { mutual });
    assert.equal(m.count, 300);
    for (let t = 0; t < m.count; t++) {
      assert.equal(m.pairs[2 * t], t);
      assert.equal(m.pairs[2 * t + 1], t);
      assert.ok(m.distances[t] < 1e-3, `distance ${m.distances[t]}`);
    }
  }
});

test('the ratio test rejects a descriptor whose two nearest neighbours are duplicates, and keeps the unambiguous ones', () => {
  const a = randomUnit(50, 128, 2);
  // b: a's rows, with rows 0–9 present twice (an ambiguous repeated structure).
  const b = { count: 60, descriptors: new Float32Array(60 * 128) };
  b.descriptors.set(a.descriptors);
  b.descriptors.set(a.descriptors.subarray(0, 10 * 128), 50 * 128);
  const m = matchDescriptors(a, b, { mutual: false });
  const matched = new Set(Array.from({ length: m.count }, (_, t) => m.pairs[2 * t]));
  for (let i = 0; i < 10; i++) assert.ok(!matched.has(i), `ambiguous descriptor ${i} kept`);
  assert.equal(m.count, 40);
  for (let t = 0; t < m.count; t++) assert.equal(m.pairs[2 * t + 1], m.pairs[2 * t]);
  // With the test off (ratio 1), each duplicated descriptor matches one of its copies.
  assert.equal(matchDescriptors(a, b, { mutual: false, ratio: 1 }).count, 50);
});

test('noisy copies match their originals; the ratio test keeps them and rejects unrelated descriptors', () => {
  const a = randomUnit(200, 128, 3), noise = randomUnit(200, 128, 4), unrelated = randomUnit(100, 128, 5);
  const b = { count: 300, descriptors: new Float32Array(300 * 128) };
  for (let i = 0; i < 200 * 128; i++) b.descriptors[i] = a.descriptors[i] + 0.3 * noise.descriptors[i];
  b.descriptors.set(unrelated.descriptors, 200 * 128);
  const queries = { count: 300, descriptors: new Float32Array(300 * 128) };
  queries.descriptors.set(a.descriptors);
  queries.descriptors.set(randomUnit(100, 128, 6).descriptors, 200 * 128);
  const m = matchDescriptors(queries, b, { mutual: false });
  let correct = 0, fromUnrelated = 0;
  for (let t = 0; t < m.count; t++) {
    if (m.pairs[2 * t] >= 200) fromUnrelated++;
    else if (m.pairs[2 * t + 1] === m.pairs[2 * t]) correct++;
  }
  assert.equal(correct, 200);
  assert.ok(fromUnrelated < 5, `${fromUnrelated} random queries passed the ratio test`);
  assert.ok(fromUnrelated < matchDescriptors(queries, b, { mutual: false, ratio: 1 }).count - 200);
});

test('the cross-check keeps only mutual nearest neighbours', () => {
  // b's rows 0 and 1 are both nearest to a's row 0 (b1 slightly farther); a's row 1 is far from both.
  const a = { count: 2, descriptors: Float32Array.from([1, 0, 0, 0, 0, 1]) };
  const b = { count: 3, descriptors: Float32Array.from([1, 0, 0, 0.9, 0.1, 0, 0, 0, 1]) };
  const oneWay = matchDescriptors(a, b, { mutual: false, ratio: 1 });
  assert.deepEqual(Array.from(oneWay.pairs), [0, 0, 1, 2]);
  const mutualFromB = matchDescriptors(b, a, { mutual: false, ratio: 1 });
  assert.deepEqual(Array.from(mutualFromB.pairs), [0, 0, 1, 0, 2, 1]); // b1 → a0 is not mutual
  assert.deepEqual(Array.from(matchDescriptors(b, a, { mutual: true, ratio: 1 }).pairs), [0, 0, 2, 1]);
});

test('maxDistance drops matches farther than it, and empty sets give no matches', () => {
  const a = { count: 2, descriptors: Float32Array.from([1, 0, 0, 1]) };
  const b = { count: 2, descriptors: Float32Array.from([1, 0, 0.6, 0.8]) };
  const all = matchDescriptors(a, b, { ratio: 1 });
  assert.equal(all.count, 2);
  assert.ok(Math.abs(all.distances[1] - Math.hypot(0.6, 0.2)) < 1e-5);
  assert.deepEqual(Array.from(matchDescriptors(a, b, { ratio: 1, maxDistance: 0.5 }).pairs), [0, 0]);
  assert.equal(matchDescriptors(a, { count: 0, descriptors: new Float32Array(0) }).count, 0);
  assert.throws(() => matchDescriptors(a, b, { ratio: 1.5 }), /ratio in \(0, 1\]/);
  assert.throws(() => matchDescriptors(a, { count: 1, descriptors: new Float32Array(3) }), /equal dimension/);
});
