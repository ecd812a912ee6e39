import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianKernel } from '../../imgproc/gaussianBlur.ts';
import { noiseTexture } from './featureTestKit.ts';
import { DEFAULT_SCALE_SPACE, gaussianScaleSpace, levelIncrements, octaveSizes, ScaleSpaceWorkspace } from './scaleSpace.ts';

/** Σ v · (x − cx)² / Σ v along x, for a plane holding one blurred impulse. */
function varianceX(p: Float32Array, w: number, cx: number): number {
  let m = 0, s = 0;
  for (let i = 0; i < p.length; i++) {
    const d = (i % w) - cx;
    m += p[i];
    s += p[i] * d * d;
  }
  return s / m;
}

function kernelVariance(sigma: number): number {
  const k = gaussianKernel(sigma), r = (k.length - 1) / 2;
  return k.reduce((s, v, i) => s + v * (i - r) ** 2, 0);
}

test('octaves halve until the shorter side would drop below 16 pixels, starting doubled by default', () => {
  const sizes = octaveSizes(510, 340, DEFAULT_SCALE_SPACE);
  assert.deepEqual(sizes.map((o) => o.index), [-1, 0, 1, 2, 3, 4]);
  assert.deepEqual(sizes.map((o) => [o.width, o.height]), [[1020, 680], [510, 340], [255, 170], [128, 85], [64, 43], [32, 22]]);
  assert.deepEqual(octaveSizes(510, 340, { ...DEFAULT_SCALE_SPACE, firstOctave: 1, maxOctaves: 2 }).map((o) => [o.index, o.width]), [[1, 255], [2, 128]]);
  assert.equal(octaveSizes(10, 10, DEFAULT_SCALE_SPACE).length, 1);
});

test('level i of an octave has total blur σ0 · 2^(i/s): the variances of the blurs add up', () => {
  const w = 129, c = 64;
  const impulse = new Float32Array(w * w);
  impulse[c * w + c] = 1;
  const options = { ...DEFAULT_SCALE_SPACE, firstOctave: 0, assumedBlur: 0, maxOctaves: 2 };
  const [octave, next] = gaussianScaleSpace(impulse, w, w, options, new ScaleSpaceWorkspace());
  const inc = levelIncrements(1.6, 3);
  let discrete = kernelVariance(1.6);
  for (let i = 0; i < 6; i++) {
    if (i > 0) discrete += kernelVariance(inc[i]);
    const v = varianceX(octave.levels[i], w, c);
    assert.ok(Math.abs(v / discrete - 1) < 1e-4, `level ${i}: variance ${v} vs the kernels' ${discrete}`);
    // Against the continuous σ0 · 2^(i/3): the sampled kernels, cut at 3σ, keep 97–100 % of the variance.
    const continuous = (1.6 * 2 ** (i / 3)) ** 2;
    assert.ok(v / continuous > 0.95 && v / continuous < 1.01, `level ${i}: ${v} vs ${continuous}`);
  }
  // The next octave starts from level s, subsampled.
  for (let y = 0; y < next.height; y++) for (let x = 0; x < next.width; x++) assert.equal(next.levels[0][y * next.width + x], octave.levels[3][2 * y * w + 2 * x]);
});

test('doubling puts input pixel (x, y) on pixel (2x, 2y) of the first octave', () => {
  const w = 60, h = 50;
  const impulse = new Float32Array(w * h);
  impulse[30 * w + 20] = 1;
  const [first] = gaussianScaleSpace(impulse, w, h, DEFAULT_SCALE_SPACE, new ScaleSpaceWorkspace());
  assert.equal(first.width, 120);
  const level = first.levels[2];
  let best = 0;
  for (let i = 1; i < level.length; i++) if (level[i] > level[best]) best = i;
  assert.deepEqual([best % 120, Math.floor(best / 120)], [40, 60]);
});

test('a workspace reused across images of different sizes gives what fresh memory gives', () => {
  const ws = new ScaleSpaceWorkspace();
  for (const [w, h, seed] of [[64, 48, 1], [40, 70, 2], [64, 48, 3]]) {
    const plane = noiseTexture(w, h, seed).data;
    const reused = gaussianScaleSpace(plane, w, h, DEFAULT_SCALE_SPACE, ws);
    const fresh = gaussianScaleSpace(plane, w, h, DEFAULT_SCALE_SPACE, new ScaleSpaceWorkspace());
    assert.equal(reused.length, fresh.length);
    reused.forEach((o, k) => o.levels.forEach((l, i) => assert.deepEqual(l, fresh[k].levels[i])));
  }
  assert.ok(ws.capacity >= (1 + 6 * (4 / 3)) * 128 * 96 * 0.9);
});
