import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastAtan2 } from './fastAtan2.ts';

test('fastAtan2 agrees with Math.atan2 (mapped to [0, 2π)) within 2e-5 rad all round the circle', () => {
  let worst = 0;
  for (let i = 0; i < 3600; i++) {
    const t = (i / 3600) * 2 * Math.PI + 1e-4;
    for (const r of [1e-3, 1, 250]) {
      const y = r * Math.sin(t), x = r * Math.cos(t);
      let ref = Math.atan2(y, x);
      if (ref < 0) ref += 2 * Math.PI;
      const got = fastAtan2(y, x);
      assert.ok(got >= 0 && got < 2 * Math.PI, `range at ${t}`);
      let d = Math.abs(got - ref);
      d = Math.min(d, 2 * Math.PI - d);
      worst = Math.max(worst, d);
    }
  }
  assert.ok(worst < 2e-5, `worst error ${worst}`);
  assert.ok(worst > 1e-8, 'an approximation, not Math.atan2 itself');
});

test('fastAtan2 is exact on the axes and 0 at the origin', () => {
  assert.equal(fastAtan2(0, 1), 0);
  assert.ok(Math.abs(fastAtan2(1, 0) - Math.PI / 2) < 1e-12);
  assert.ok(Math.abs(fastAtan2(0, -1) - Math.PI) < 1e-12);
  assert.ok(Math.abs(fastAtan2(-1, 0) - 1.5 * Math.PI) < 1e-12);
  assert.equal(fastAtan2(0, 0), 0);
});
