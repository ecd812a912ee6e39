import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotationFromAngleAxis } from '../../math/angleAxis.ts';
import { mul3, mulVec3, transpose3 } from '../../math/mat3.ts';
import { cameraErrors } from './cameraErrors.ts';
import type { CameraPose } from './cameraPose.ts';

const truth: CameraPose[] = [0, 1, 2, 3, 4].map((i) => ({ R: rotationFromAngleAxis([0.1 * i, 0.3, -0.2]), t: Float64Array.of(i, 0.5 * i * i, 2) }));

test('cameraErrors is zero for the true cameras seen in another similarity frame, and reports the scale', () => {
  // World' = s A X + b ⇒ camFromWorld' R' = R Aᵀ, t' = s t − R' b.
  const A = rotationFromAngleAxis([1, 2, 0.5]), s = 0.25, b = [3, -1, 2];
  const moved = truth.map(({ R, t }) => {
    const R2 = mul3(R, transpose3(A));
    const Rb = mulVec3(R2, b);
    return { R: R2, t: Float64Array.from(t, (v, k) => s * v - Rb[k]) };
  });
  const e = cameraErrors(moved, truth);
  assert.ok(Math.abs(e.scale - 1 / s) < 1e-9, `scale ${e.scale}`);
  assert.ok(e.position.max < 1e-9 && e.rotation.max < 1e-5 && e.relativeRotation.max < 1e-5, JSON.stringify(e));
});

test('cameraErrors measures a 2° rotation error of one camera, in its rotation and relative rotations', () => {
  const bad = truth.map((p, i) => (i === 2 ? { R: mul3(rotationFromAngleAxis([0, (2 * Math.PI) / 180, 0]), p.R), t: p.t } : p));
  const e = cameraErrors(bad, truth);
  // Its centre −Rᵀt moves too, so the alignment spreads the error: about 2° on it, not 0 and not 5°.
  assert.ok(e.rotation.max > 1 && e.rotation.max < 3, `max ${e.rotation.max}`);
  assert.ok(Math.abs(e.relativeRotation.max - 2) < 1e-6, `relative ${e.relativeRotation.max}`);
  assert.equal(e.relativeRotation.pairs, 10);
});
