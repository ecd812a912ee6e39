import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft1d, fft2d, fftPlan, isFastFftSize, nextFastFftSize } from './fft.ts';
import { Rng } from '../core/rng.ts';

function naiveDft(re: Float64Array, im: Float64Array, inverse: boolean): [Float64Array, Float64Array] {
  const n = re.length;
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let ar = 0;
    let ai = 0;
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * ((t * k) % n)) / n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      ar += re[t] * c - im[t] * s;
      ai += re[t] * s + im[t] * c;
    }
    outR[k] = inverse ? ar / n : ar;
    outI[k] = inverse ? ai / n : ai;
  }
  return [outR, outI];
}

function randomPlanes(n: number, seed: number): [Float64Array, Float64Array] {
  const rng = new Rng(seed);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = rng.next() * 2 - 1;
    im[i] = rng.next() * 2 - 1;
  }
  return [re, im];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('fft1d matches a naive DFT for power-of-two, 3-, 5-smooth, odd-prime and Bluestein lengths', () => {
  for (const n of [1, 2, 3, 4, 5, 6, 8, 12, 15, 16, 30, 45, 64, 100, 125, 266, 320, 7, 49, 31, 37, 97, 262, 1009]) {
    const [re, im] = randomPlanes(n, n);
    const [er, ei] = naiveDft(re, im, false);
    fft1d(re, im, false);
    const tol = 1e-9 * n;
    assert.ok(maxAbsDiff(re, er) < tol, `real part, n=${n}: ${maxAbsDiff(re, er)}`);
    assert.ok(maxAbsDiff(im, ei) < tol, `imaginary part, n=${n}`);
  }
});

test('the inverse fft1d matches the naive inverse DFT, including its 1/n normalisation', () => {
  for (const n of [8, 60, 266]) {
    const [re, im] = randomPlanes(n, 100 + n);
    const [er, ei] = naiveDft(re, im, true);
    fft1d(re, im, true);
    assert.ok(maxAbsDiff(re, er) < 1e-12 * n, `n=${n}`);
    assert.ok(maxAbsDiff(im, ei) < 1e-12 * n, `n=${n}`);
  }
});

test('inverse(forward(x)) returns x for Float64 and Float32 planes', () => {
  for (const n of [320, 270, 1024, 266, 1031]) {
    const [re, im] = randomPlanes(n, 7 * n);
    const r0 = re.slice();
    const i0 = im.slice();
    fft1d(re, im, false);
    assert.ok(maxAbsDiff(re, r0) > 0.1, 'forward changed the data');
    fft1d(re, im, true);
    assert.ok(maxAbsDiff(re, r0) < 1e-12 && maxAbsDiff(im, i0) < 1e-12, `n=${n}`);
    const fr = Float32Array.from(r0);
    const fi = Float32Array.from(i0);
    fft1d(fr, fi, false);
    fft1d(fr, fi, true);
    assert.ok(maxAbsDiff(fr, r0) < 1e-6 && maxAbsDiff(fi, i0) < 1e-6, `float32 n=${n}`);
  }
});

test('fft2d equals row DFTs followed by column DFTs on a non-square 5-smooth grid', () => {
  const w = 20;
  const h = 12;
  const [re, im] = randomPlanes(w * h, 5);
  // Reference: naive 1-D DFT on every row, then on every column.
  const rr = re.slice();
  const ri = im.slice();
  for (let y = 0; y < h; y++) {
    const [a, b] = naiveDft(rr.slice(y * w, (y + 1) * w), ri.slice(y * w, (y + 1) * w), false);
    rr.set(a, y * w);
    ri.set(b, y * w);
  }
  for (let x = 0; x < w; x++) {
    const cr = new Float64Array(h);
    const ci = new Float64Array(h);
    for (let y = 0; y < h; y++) {
      cr[y] = rr[y * w + x];
      ci[y] = ri[y * w + x];
    }
    const [a, b] = naiveDft(cr, ci, false);
    for (let y = 0; y < h; y++) {
      rr[y * w + x] = a[y];
      ri[y * w + x] = b[y];
    }
  }
  const fr = Float32Array.from(re);
  const fi = Float32Array.from(im);
  fft2d(re, im, w, h, false);
  assert.ok(maxAbsDiff(re, rr) < 1e-9 && maxAbsDiff(im, ri) < 1e-9);
  fft2d(fr, fi, w, h, false);
  assert.ok(maxAbsDiff(fr, rr) < 1e-4, 'float32 planes give the same spectrum');
  fft2d(re, im, w, h, true);
  const [r0, i0] = randomPlanes(w * h, 5);
  assert.ok(maxAbsDiff(re, r0) < 1e-12 && maxAbsDiff(im, i0) < 1e-12, 'inverse restores the image');
});

test('a 2-D plane wave puts all its energy in one frequency bin', () => {
  const w = 320;
  const h = 320;
  const re = new Float64Array(w * h);
  const im = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const a = (2 * Math.PI * (7 * x + 3 * y)) / w;
      re[y * w + x] = Math.cos(a);
      im[y * w + x] = Math.sin(a);
    }
  fft2d(re, im, w, h, false);
  const peak = 3 * w + 7;
  assert.ok(Math.abs(re[peak] - w * h) < 1e-6 && Math.abs(im[peak]) < 1e-6);
  let rest = 0;
  for (let k = 0; k < w * h; k++) if (k !== peak) rest = Math.max(rest, Math.hypot(re[k], im[k]));
  assert.ok(rest < 1e-6, `leakage ${rest}`);
});

test('forwardBatch transforms interleaved sequences like separate ones (Stockham and Bluestein lengths)', () => {
  for (const n of [45, 41]) checkBatch(n, 7);
});

function checkBatch(n: number, batch: number): void {
  const [re, im] = randomPlanes(n * batch, 11);
  const plan = fftPlan(n);
  const expected: Array<[Float64Array, Float64Array]> = [];
  for (let b = 0; b < batch; b++) {
    const cr = new Float64Array(n);
    const ci = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      cr[t] = re[t * batch + b];
      ci[t] = im[t * batch + b];
    }
    expected.push(naiveDft(cr, ci, false));
  }
  plan.forwardBatch(re, im, batch);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < n; t++) {
      assert.ok(Math.abs(re[t * batch + b] - expected[b][0][t]) < 1e-9);
      assert.ok(Math.abs(im[t * batch + b] - expected[b][1][t]) < 1e-9);
    }
}

test('fast sizes are the 2-3-5-smooth numbers', () => {
  assert.equal(isFastFftSize(320), true);
  assert.equal(isFastFftSize(266), false);
  assert.equal(nextFastFftSize(266), 270);
  assert.equal(nextFastFftSize(257), 270);
  assert.equal(nextFastFftSize(1), 1);
  assert.deepEqual([...fftPlan(320).factors], [5, 4, 4, 4]);
  assert.deepEqual([...fftPlan(266).factors], [7, 19, 2]);
});
