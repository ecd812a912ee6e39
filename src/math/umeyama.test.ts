import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotationFromAngleAxis } from './angleAxis.ts';
import { umeyamaSimilarity } from './umeyama.ts';

test('umeyamaSimilarity recovers a known scale, rotation and translation, with zero residual on exact points', () => {
  const R = rotationFromAngleAxis([0.3, -1.2, 2.0]), s = 2.5, t = [1, -2, 3];
  const x = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, -1, 0.5, 2];
  const y = x.map((_, k) => {
    const i = Math.floor(k / 3), a = k % 3;
    return s * (R[3 * a] * x[3 * i] + R[3 * a + 1] * x[3 * i + 1] + R[3 * a + 2] * x[3 * i + 2]) + t[a];
  });
  const r = umeyamaSimilarity(x, y);
  assert.ok(Math.abs(r.scale - s) < 1e-10, `scale ${r.scale}`);
  for (let k = 0; k < 9; k++) assert.ok(Math.abs(r.R[k] - R[k]) < 1e-10);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(r.t[k] - t[k]) < 1e-9);
  assert.ok(r.rms < 1e-9);
});

test('umeyamaSimilarity returns a proper rotation for mirrored points, with a non-zero residual', () => {
  const x = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
  const y = x.map((v, k) => (k % 3 === 2 ? -v : v));
  const r = umeyamaSimilarity(x, y);
  const det = r.R[0] * (r.R[4] * r.R[8] - r.R[5] * r.R[7]) - r.R[1] * (r.R[3] * r.R[8] - r.R[5] * r.R[6]) + r.R[2] * (r.R[3] * r.R[7] - r.R[4] * r.R[6]);
  assert.ok(Math.abs(det - 1) < 1e-10);
  assert.ok(r.rms > 0.1);
});

test('umeyamaSimilarity aligns coplanar points (a rank-2 cross-covariance)', () => {
  const R = rotationFromAngleAxis([0.5, 0.2, -0.4]);
  const x = [0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 1, 0, -1, 3, 0];
  const y = x.map((_, k) => {
    const i = Math.floor(k / 3), a = k % 3;
    return 0.5 * (R[3 * a] * x[3 * i] + R[3 * a + 1] * x[3 * i + 1] + R[3 * a + 2] * x[3 * i + 2]) + 7;
  });
  const r = umeyamaSimilarity(x, y);
  assert.ok(r.rms < 1e-9, `rms ${r.rms}`);
  for (let k = 0; k < 9; k++) assert.ok(Math.abs(r.R[k] - R[k]) < 1e-9, `R[${k}]`);
});
