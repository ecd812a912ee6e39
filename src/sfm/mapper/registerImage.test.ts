import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticScene } from './syntheticScene.ts';
import { registerImage, registerImageFocalSearch } from './registerImage.ts';
import { rotationErrorDegrees } from '../estimators/syntheticTwoView.ts';

/** Camera c's noisy 2D–3D correspondences. */
function correspondences(scene: ReturnType<typeof syntheticScene>, c: number) {
  const idx: number[] = [];
  for (let o = 0; o < scene.obsCamera.length; o++) if (scene.obsCamera[o] === c) idx.push(o);
  const pixels = Float64Array.from(idx.flatMap((o) => [scene.obsPixel[2 * o], scene.obsPixel[2 * o + 1]]));
  const points = Float64Array.from(idx.flatMap((o) => [0, 1, 2].map((d) => scene.points[3 * scene.obsPoint[o] + d])));
  return { pixels, points, count: idx.length };
}

test('a zoomed photo registers with the focal-length sweep, not at the 1.2 × side guess', () => {
  // True f = 1000 px; the guess a photo without EXIF gets is a quarter of it (a 4× zoom).
  const scene = syntheticScene({ cameras: 5, points: 400, noise: 0.7, outlierRatio: 0.1, seed: 5 });
  const guess = Float64Array.from(scene.K);
  guess[0] = guess[4] = 250;
  for (const c of [1, 3]) {
    const { pixels, points, count } = correspondences(scene, c);
    const atGuess = registerImage(pixels, points, guess, { threshold: 6, minInliers: 30, seed: 2 });
    const found = registerImageFocalSearch(pixels, points, guess, { threshold: 6, minInliers: 30, seed: 2 });
    assert.ok(found.report.success, `camera ${c}: the sweep registers it`);
    assert.ok(Math.abs(found.focalLength / 1000 - 1) < 0.1, `camera ${c}: focal ${found.focalLength.toFixed(0)} px, truth 1000`);
    assert.ok(found.report.inlierCount > 0.85 * count, `camera ${c}: ${found.report.inlierCount} of ${count} inliers`);
    assert.ok(rotationErrorDegrees(found.report.pose.R, scene.poses[c].R) < 1, `camera ${c}: rotation`);
    const guessed = atGuess.success ? atGuess.inlierCount : 0;
    assert.ok(guessed < 0.6 * found.report.inlierCount, `camera ${c}: at the guess ${guessed} inliers, with the sweep ${found.report.inlierCount}`);
  }
});

test('the sweep keeps a correct focal length', () => {
  const scene = syntheticScene({ cameras: 4, points: 300, noise: 0.5, seed: 8 });
  const { pixels, points } = correspondences(scene, 2);
  const found = registerImageFocalSearch(pixels, points, scene.K, { threshold: 6, minInliers: 30, seed: 1 });
  assert.ok(found.report.success);
  assert.ok(Math.abs(found.focalLength / 1000 - 1) < 0.1, `focal ${found.focalLength.toFixed(0)}`);
});
