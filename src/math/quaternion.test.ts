import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotationFromAngleAxis } from './angleAxis.ts';
import { quaternionFromRotation, rotationFromQuaternion } from './quaternion.ts';

test('quaternionFromRotation and rotationFromQuaternion invert each other, near 0° and near 180° too', () => {
  for (const w of [[0.1, -0.2, 0.3], [0, 0, 0], [Math.PI - 1e-3, 0, 0], [0, 3.1, 0.05], [1, 1, -2]]) {
    const R = rotationFromAngleAxis(Float64Array.from(w));
    const q = quaternionFromRotation(R);
    assert.ok(q[0] >= 0 && Math.abs(Math.hypot(...q) - 1) < 1e-12);
    const back = rotationFromQuaternion(q);
    for (let k = 0; k < 9; k++) assert.ok(Math.abs(back[k] - R[k]) < 1e-12, `${w}: entry ${k}`);
  }
  assert.deepEqual(quaternionFromRotation([1, 0, 0, 0, 1, 0, 0, 0, 1]), [1, 0, 0, 0]);
});
