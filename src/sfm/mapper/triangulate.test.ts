import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { cameraCentre, projectPoint } from './cameraPose.ts';
import { syntheticScene } from './syntheticScene.ts';
import { triangulatePoint, type TriangulationView } from './triangulate.ts';

const scene = syntheticScene({ cameras: 8, points: 200, noise: 0.5, seed: 11 });

function viewsOf(point: number, pixels: Float64Array, cameras?: number[]): TriangulationView[] {
  const views: TriangulationView[] = [];
  for (let o = 0; o < scene.obsPoint.length; o++) {
    if (scene.obsPoint[o] !== point) continue;
    const c = scene.obsCamera[o];
    if (cameras && !cameras.includes(c)) continue;
    views.push({ K: scene.K, pose: scene.poses[c], x: pixels[2 * o], y: pixels[2 * o + 1] });
  }
  return views;
}

const distance = (a: ArrayLike<number>, j: number) =>
  Math.hypot(a[0] - scene.points[3 * j], a[1] - scene.points[3 * j + 1], a[2] - scene.points[3 * j + 2]);

test('noise-free multi-view triangulation recovers every point to 1e-9', () => {
  for (let j = 0; j < scene.pointCount; j++) {
    const r = triangulatePoint(viewsOf(j, scene.obsClean));
    assert.ok(r.success, `point ${j}`);
    assert.ok(distance(r.point, j) < 1e-9, `point ${j}: ${distance(r.point, j)}`);
    assert.ok(r.maxError < 1e-6);
  }
});

test('with 0.5 px noise, points come back within a few millimetres and their errors near the noise', () => {
  let worst = 0, meanError = 0, accepted = 0;
  for (let j = 0; j < scene.pointCount; j++) {
    const r = triangulatePoint(viewsOf(j, scene.obsPixel));
    if (!r.success) continue;
    accepted++;
    worst = Math.max(worst, distance(r.point, j));
    meanError += r.meanError;
  }
  meanError /= accepted;
  assert.ok(accepted >= 0.98 * scene.pointCount, `accepted ${accepted}`);
  assert.ok(worst < 0.03, `worst point error ${worst}`);
  assert.ok(meanError > 0.2 && meanError < 0.7, `mean reprojection error ${meanError}`);
});

test('two-view triangulation of the widest pair works and the angle is reported', () => {
  const r = triangulatePoint(viewsOf(3, scene.obsClean, [0, 7]));
  assert.ok(r.success);
  assert.ok(r.angleDegrees > 40 && r.angleDegrees < 80, `angle ${r.angleDegrees}`);
  assert.ok(distance(r.point, 3) < 1e-9);
});

test('a pair of nearly coincident cameras is rejected for its small triangulation angle', () => {
  const p0 = scene.poses[0];
  const near = { R: p0.R, t: Float64Array.of(p0.t[0] - 0.05, p0.t[1], p0.t[2]) };
  const pix = new Float64Array(4);
  const X = [0.3, -0.2, 0.5];
  projectPoint(scene.K, p0, X[0], X[1], X[2], pix, 0);
  projectPoint(scene.K, near, X[0], X[1], X[2], pix, 2);
  const views = [{ K: scene.K, pose: p0, x: pix[0], y: pix[1] }, { K: scene.K, pose: near, x: pix[2], y: pix[3] }];
  const r = triangulatePoint(views);
  assert.equal(r.success, false);
  assert.equal(!r.success && r.reason, 'small-angle');
  assert.ok(r.angleDegrees > 0.1 && r.angleDegrees < 1.5);
  assert.ok(triangulatePoint(views, { minAngleDegrees: 0.1 }).success, 'accepted with a lower threshold');
});

test('a point behind both cameras is rejected', () => {
  // X = 3 C₀ lies on the far side of camera 0 and camera 7 from the scene they look at; its projections
  // (taken with negative depth) are consistent, so only the cheirality check can reject it.
  const c0 = cameraCentre(scene.poses[0]);
  const X = [3 * c0[0] + 0.3, 3 * c0[1] - 0.2, 3 * c0[2]];
  const pix = new Float64Array(2);
  const views: TriangulationView[] = [0, 7].map((c) => {
    const depth = projectPoint(scene.K, scene.poses[c], X[0], X[1], X[2], pix);
    assert.ok(depth < 0);
    return { K: scene.K, pose: scene.poses[c], x: pix[0], y: pix[1] };
  });
  const r = triangulatePoint(views);
  assert.equal(r.success, false);
  assert.equal(!r.success && r.reason, 'behind-camera');
});

test('an observation displaced by 10 px is rejected for its reprojection error, unless the threshold allows it', () => {
  const rng = new Rng(5);
  let rejected = 0;
  for (let j = 0; j < 50; j++) {
    const views = viewsOf(j, scene.obsClean);
    views[0] = { ...views[0], x: views[0].x + 10 * Math.cos(rng.next() * 6.28), y: views[0].y + 10 * Math.sin(rng.next() * 6.28) };
    const r = triangulatePoint(views);
    if (!r.success && r.reason === 'reprojection-error') rejected++;
    assert.ok(triangulatePoint(views, { maxReprojectionError: 20 }).success);
  }
  // Spread over up to 8 views, a 10 px error sometimes reprojects below 4 px everywhere.
  assert.ok(rejected >= 40, `rejected ${rejected} of 50`);
});
