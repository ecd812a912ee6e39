import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binFrequency, gaborCentreFrequency, gaborTransferFunctions } from './gabor.ts';

const N = 320;

function gainAt(g: Float32Array, fx: number, fy: number): number {
  const kx = ((Math.round(fx) % N) + N) % N;
  const ky = ((Math.round(fy) % N) + N) % N;
  return g[ky * N + kx];
}

test('the bank has one size² filter per orientation, ordered scale by scale', () => {
  const bank = gaborTransferFunctions(N, [8, 8, 4]);
  assert.equal(bank.length, 20);
  for (const g of bank) assert.equal(g.length, N * N);
  assert.equal(gaborTransferFunctions(N, [8, 8, 4]), bank, 'cached per size and orientations');
});

test('each filter peaks near 1 at its scale’s centre frequency and orientation, and is one-sided', () => {
  const ors = [8, 8, 8, 8];
  const bank = gaborTransferFunctions(N, ors);
  let f = 0;
  ors.forEach((or, scale) => {
    const r = gaborCentreFrequency(scale) * N;
    for (let j = 0; j < or; j++, f++) {
      const theta = (Math.PI * j) / or;
      // Passband direction: atan2(fy, fx) = −θ (fy runs down the rows).
      const fx = r * Math.cos(-theta);
      const fy = r * Math.sin(-theta);
      const peak = gainAt(bank[f], fx, fy);
      assert.ok(peak > 0.9 && peak <= 1, `filter ${f} peak ${peak}`);
      assert.ok(gainAt(bank[f], -fx, -fy) < 1e-20, `filter ${f} is one-sided`);
      // A quarter turn away the gain has fallen by orders of magnitude.
      assert.ok(gainAt(bank[f], r * Math.cos(-theta + Math.PI / 2), r * Math.sin(-theta + Math.PI / 2)) < 1e-3);
    }
  });
});

test('gains lie in [0, 1] and fall off radially away from the centre frequency', () => {
  const [g] = gaborTransferFunctions(N, [8]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of g) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  assert.ok(lo >= 0 && hi <= 1 && hi > 0.99);
  const r = gaborCentreFrequency(0) * N; // 96 cycles per image, along +fx for orientation 0
  assert.ok(gainAt(g, r, 0) > gainAt(g, r / 2, 0));
  assert.ok(gainAt(g, r / 2, 0) > gainAt(g, r / 8, 0));
  assert.equal(gainAt(g, 0, 0), Math.fround(Math.exp(-3.5)));
});

test('bin frequencies follow the DFT order, with −n/2 at index n/2 for even n', () => {
  assert.deepEqual([0, 1, 2, 3].map((k) => binFrequency(k, 4)), [0, 1, -2, -1]);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => binFrequency(k, 5)), [0, 1, 2, -2, -1]);
});
