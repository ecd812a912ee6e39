import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHomography4, hasCollinearTriple, homography4, homographyDlt } from './homography4.ts';
import { alignment, syntheticTwoView } from './syntheticTwoView.ts';

const first = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

test('the DLT on 4 noise-free points of a plane recovers the plane\'s H, which then maps every point of the plane', () => {
  for (const seed of [1, 2, 3]) {
    const scene = syntheticTwoView({ count: 50, seed, structure: 'planar' });
    const [h] = homographyDlt(scene.clean, first(4), 4);
    assert.ok(alignment(h, scene.H!) > 1 - 1e-12, `seed ${seed}`);
    const out = new Float64Array(50);
    homography4.residuals(h, scene.clean, out);
    assert.ok(Math.max(...out) < 1e-16, `max squared transfer error ${Math.max(...out)} px²`);
  }
});

test('symmetric transfer adds the backward error: twice the forward one for a pure image-2 offset under H = I', () => {
  const data = { count: 2, x1: new Float64Array([0, 0, 10, 5]), x2: new Float64Array([3, 4, 10, 5]) };
  const identity = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const forward = new Float64Array(2), symmetric = new Float64Array(2);
  homography4.residuals(identity, data, forward);
  createHomography4({ transfer: 'symmetric' }).residuals(identity, data, symmetric);
  assert.deepEqual(Array.from(forward), [25, 0]);
  assert.deepEqual(Array.from(symmetric), [50, 0]);
});

test('a sample with three collinear points is degenerate, and the DLT on collinear points gives no model', () => {
  const scene = syntheticTwoView({ count: 10, seed: 4, structure: 'line' });
  assert.equal(hasCollinearTriple(scene.clean, first(4), 4), true);
  assert.deepEqual(homographyDlt(scene.clean, first(4), 4), []);
  const general = syntheticTwoView({ count: 10, seed: 4, structure: 'planar' });
  assert.equal(hasCollinearTriple(general.clean, first(4), 4), false);
});
