import { test } from 'node:test';
import assert from 'node:assert/strict';
import { angleDifference } from './featureTestKit.ts';
import { DEFAULT_ORIENTATION, dominantOrientations, OrientationScratch } from './keypointOrientation.ts';

const W = 64;

/** I = 0.5 + slope · (x cos θ + y sin θ) left of column `split`, and with (θ2, slope2) right of it. */
function ramps(theta: number, slope: number, theta2 = theta, slope2 = slope, split = W): Float32Array {
  const p = new Float32Array(W * W);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const [t, s] = x < split ? [theta, slope] : [theta2, slope2];
      p[y * W + x] = 0.5 + s * ((x - 32) * Math.cos(t) + (y - 32) * Math.sin(t));
    }
  }
  return p;
}

function orientations(plane: Float32Array, options = DEFAULT_ORIENTATION): number[] {
  const angles = new Float64Array(36);
  const n = dominantOrientations(plane, W, W, 31.6, 32.3, 3, options, new OrientationScratch(), angles);
  return Array.from(angles.subarray(0, n));
}

test('a linear ramp has one dominant orientation, its gradient direction in image axes (y down), within half a degree', () => {
  for (const theta of [0.001, 0.7, Math.PI / 2, 3.3, 6.2]) {
    const got = orientations(ramps(theta, 0.01));
    assert.equal(got.length, 1, `θ ${theta}: ${got}`);
    assert.ok(angleDifference(got[0], theta) < (0.5 * Math.PI) / 180, `θ ${theta}: got ${got[0]}`);
    assert.ok(got[0] >= 0 && got[0] < 2 * Math.PI);
  }
});

test('a second peak within 80 % of the highest gives a second orientation; one below does not', () => {
  const two = orientations(ramps(0.5, 0.01, 2.5, 0.01, 32));
  assert.equal(two.length, 2, `${two}`);
  assert.ok(two.some((a) => angleDifference(a, 0.5) < 0.05) && two.some((a) => angleDifference(a, 2.5) < 0.05), `${two}`);
  assert.equal(orientations(ramps(0.5, 0.01, 2.5, 0.005, 32)).length, 1);
  const capped = orientations(ramps(0.5, 0.01, 2.5, 0.009, 32), { ...DEFAULT_ORIENTATION, maxOrientations: 1 });
  assert.equal(capped.length, 1);
  assert.ok(angleDifference(capped[0], 0.5) < 0.05, 'the stronger peak is kept');
});

test('a flat patch has no orientation', () => {
  assert.equal(orientations(new Float32Array(W * W).fill(0.4)).length, 0);
});
