import { test } from 'node:test';
import assert from 'node:assert/strict';
import { angleAxisFromRotation, leftJacobian, rotationFromAngleAxis } from './angleAxis.ts';

const apply = (r: Float64Array, v: number[]) => [0, 1, 2].map((i) => r[3 * i] * v[0] + r[3 * i + 1] * v[1] + r[3 * i + 2] * v[2]);

test('log inverts exp for small, ordinary and near-π angles', () => {
  for (const w of [[1e-9, 0, 2e-9], [0.1, -0.2, 0.3], [1, 2, -0.5], [0, Math.PI - 1e-6, 0]]) {
    const back = angleAxisFromRotation(rotationFromAngleAxis(w));
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(back[i] - w[i]) < 1e-6, `${w} → ${back}`);
  }
});

test('the left Jacobian gives the derivative of exp(ω) v to finite-difference accuracy', () => {
  const w = [0.3, -0.5, 0.2], v = [1, 2, 3], h = 1e-6;
  const rv = apply(rotationFromAngleAxis(w), v);
  const j = leftJacobian(w);
  // −[Rv]ₓ J
  const skew = [0, -rv[2], rv[1], rv[2], 0, -rv[0], -rv[1], rv[0], 0];
  for (let k = 0; k < 3; k++) {
    const wp = [...w]; wp[k] += h;
    const fd = apply(rotationFromAngleAxis(wp), v).map((x, i) => (x - rv[i]) / h);
    for (let i = 0; i < 3; i++) {
      let an = 0;
      for (let m = 0; m < 3; m++) an -= skew[3 * i + m] * j[3 * m + k];
      assert.ok(Math.abs(an - fd[i]) < 1e-5, `d${i}/dw${k}: ${an} vs ${fd[i]}`);
    }
  }
});
