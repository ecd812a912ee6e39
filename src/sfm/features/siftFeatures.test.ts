import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, toRgb } from '../../core/image.ts';
import { blobImage, noiseTexture } from './featureTestKit.ts';
import { descriptorsToUint8 } from './siftDescriptor.ts';
import { SIFT_DIM, siftFeatures, type SiftFeatures } from './siftFeatures.ts';

/** The keypoint nearest (x, y), with its distance. */
function nearest(f: SiftFeatures, x: number, y: number) {
  let best = -1, bestD = Infinity;
  for (let i = 0; i < f.count; i++) {
    const d = Math.hypot(f.keypoints[4 * i] - x, f.keypoints[4 * i + 1] - y);
    if (d < bestD) [best, bestD] = [i, d];
  }
  return { index: best, distance: bestD, sigma: f.keypoints[4 * best + 2] };
}

function norm(v: Float32Array, i: number): number {
  let s = 0;
  for (let k = 0; k < SIFT_DIM; k++) s += v[i * SIFT_DIM + k] ** 2;
  return Math.sqrt(s);
}

test('a bright and a dark Gaussian blob are each found at their centre, to a fraction of a pixel, at σ ≈ 2^(−1/6) of theirs', () => {
  // The DoG of a blob of σ_b peaks between levels σ and kσ where σ = σ_b / √k (Lowe §3: D ≈ (k − 1) σ²∇²G), k = 2^(1/3).
  const blobs = [
    { x: 40.3, y: 50.6, sigma: 3, amplitude: 0.5 },
    { x: 118.7, y: 66.2, sigma: 9, amplitude: -0.25 },
  ];
  const f = siftFeatures(blobImage(176, 136, 0.4, blobs));
  // Measured: 0.02 and 0.05 px off, σ 1 % and 1.5 % below 2^(−1/6) σ_b.
  for (const b of blobs) {
    const k = nearest(f, b.x, b.y);
    assert.ok(k.distance < 0.03 * b.sigma, `blob σ ${b.sigma}: nearest keypoint ${k.distance.toFixed(3)} px away`);
    const expected = b.sigma * 2 ** (-1 / 6);
    assert.ok(Math.abs(k.sigma / expected - 1) < 0.05, `blob σ ${b.sigma}: keypoint σ ${k.sigma.toFixed(3)}, expected about ${expected.toFixed(3)}`);
  }
  // Nothing else: one location per blob (an isotropic blob has many orientation peaks, so several keypoints there).
  const places = new Set(Array.from({ length: f.count }, (_, i) => `${f.keypoints[4 * i].toFixed(2)},${f.keypoints[4 * i + 1].toFixed(2)}`));
  assert.equal(places.size, 2);
});

test('a flat image gives no keypoints, whatever its level, and so do images too small for any', () => {
  for (const v of [0, 0.37, 1]) {
    const f = siftFeatures(createImage(120, 90, 1, new Float32Array(120 * 90).fill(v)));
    assert.equal(f.count, 0);
    assert.equal(f.descriptors.length, 0);
  }
  for (const [w, h] of [[1, 1], [3, 2], [7, 40]]) assert.equal(siftFeatures(noiseTexture(w, h, 1)).count, 0, `${w} × ${h}`);
});

test('upright keypoints have orientation 0 and one keypoint per location', () => {
  const image = noiseTexture(128, 112, 7);
  const free = siftFeatures(image, { maxFeatures: Infinity });
  const upright = siftFeatures(image, { upright: true, maxFeatures: Infinity });
  assert.ok(upright.count > 50, `${upright.count} keypoints`);
  for (let i = 0; i < upright.count; i++) assert.equal(upright.keypoints[4 * i + 3], 0);
  const places = new Set(Array.from({ length: upright.count }, (_, i) => `${upright.keypoints[4 * i]},${upright.keypoints[4 * i + 1]},${upright.keypoints[4 * i + 2]}`));
  assert.equal(places.size, upright.count);
  // Orientation assignment adds keypoints at the same locations (Lowe §5: about 15 % of locations get several).
  assert.equal(upright.count, free.report.extrema);
  assert.ok(free.count > upright.count, `${free.count} oriented vs ${upright.count} upright`);
  assert.ok(free.keypoints.some((v, i) => i % 4 === 3 && v !== 0));
  // With at most one orientation per location, as many keypoints as locations (each has some gradient).
  assert.equal(siftFeatures(image, { maxOrientations: 1, maxFeatures: Infinity }).count, free.report.extrema);
});

test('the cap keeps exactly the strongest keypoints by |D|, strongest first', () => {
  const image = noiseTexture(128, 112, 3);
  const all = siftFeatures(image, { maxFeatures: Infinity });
  const capped = siftFeatures(image, { maxFeatures: 40 });
  assert.ok(all.count > 40);
  assert.equal(capped.count, 40);
  assert.equal(capped.keypoints.length, 160);
  assert.equal(capped.descriptors.length, 40 * SIFT_DIM);
  assert.deepEqual(capped.responses, all.responses.subarray(0, 40));
  assert.deepEqual(capped.descriptors, all.descriptors.subarray(0, 40 * SIFT_DIM));
  for (let i = 1; i < all.count; i++) assert.ok(all.responses[i] <= all.responses[i - 1]);
  assert.equal(siftFeatures(image, { maxFeatures: 0 }).count, 0);
});

test('SIFT descriptors have unit L2 norm; RootSIFT ones are the square roots of the L1-normalised SIFT ones, so unit L2 norm too', () => {
  const image = noiseTexture(96, 96, 11);
  const sift = siftFeatures(image);
  const root = siftFeatures(image, { rootSift: true });
  assert.equal(root.count, sift.count);
  assert.ok(sift.count > 20);
  for (let i = 0; i < sift.count; i++) {
    assert.ok(Math.abs(norm(sift.descriptors, i) - 1) < 1e-5, `SIFT norm ${norm(sift.descriptors, i)}`);
    assert.ok(Math.abs(norm(root.descriptors, i) - 1) < 1e-5, `RootSIFT norm ${norm(root.descriptors, i)}`);
    let l1 = 0;
    for (let k = 0; k < SIFT_DIM; k++) l1 += sift.descriptors[i * SIFT_DIM + k];
    for (let k = 0; k < SIFT_DIM; k += 17) {
      const v = sift.descriptors[i * SIFT_DIM + k];
      assert.ok(v >= 0 && Math.abs(root.descriptors[i * SIFT_DIM + k] - Math.sqrt(v / l1)) < 1e-5);
    }
  }
});

test('byte descriptors are round(512 · v) capped at 255, as OpenCV and COLMAP store them', () => {
  assert.deepEqual(descriptorsToUint8(Float32Array.of(0, 0.1, 0.2, 0.4999, 0.6, 1)), Uint8Array.of(0, 51, 102, 255, 255, 255));
  const f = siftFeatures(noiseTexture(80, 80, 5));
  const bytes = descriptorsToUint8(f.descriptors);
  assert.equal(bytes.length, f.count * SIFT_DIM);
  assert.ok(bytes.some((v) => v > 100));
});

test('a colour image gives the keypoints of its luma, and the report counts every stage', () => {
  const gray = noiseTexture(90, 70, 2);
  const a = siftFeatures(gray);
  const b = siftFeatures(toRgb(gray));
  assert.deepEqual(b.keypoints, a.keypoints);
  assert.ok(a.report.octaves >= 2 && a.report.extrema > 0 && a.report.oriented >= a.report.extrema && a.count <= a.report.oriented);
  assert.ok(a.report.ms.total >= a.report.ms.scaleSpace);
});

test('out-of-range options are refused, naming the option, the range and the value', () => {
  const image = noiseTexture(40, 40, 1);
  assert.throws(() => siftFeatures(image, { firstOctave: -2 }), /Expected an integer >= -1 for firstOctave but received -2/);
  assert.throws(() => siftFeatures(image, { scalesPerOctave: 0 }), /scalesPerOctave/);
  assert.throws(() => siftFeatures(image, { edgeThreshold: 0 }), /edgeThreshold/);
});

test('starting at the input resolution finds fewer keypoints than doubling first, in the same places', () => {
  const image = noiseTexture(128, 128, 9);
  const doubled = siftFeatures(image, { maxFeatures: Infinity });
  const plain = siftFeatures(image, { firstOctave: 0, maxFeatures: Infinity });
  // Lowe §3.3: doubling the image gives almost 4 times as many stable keypoints (fewer on this small, smooth texture).
  assert.ok(plain.count > 10 && plain.count < 0.8 * doubled.count, `${plain.count} vs ${doubled.count}`);
  let near = 0;
  for (let i = 0; i < plain.count; i++) if (nearest(doubled, plain.keypoints[4 * i], plain.keypoints[4 * i + 1]).distance < 1.5) near++;
  assert.ok(near > 0.7 * plain.count, `${near} of ${plain.count} also found with doubling`);
});
