import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { LINEAR_LOSSES, linearObjective, scoreLoss, SVM_MARGIN, type LinearLoss } from './linearLoss.ts';

const N = 6;
const D = 5;
const C = 4;
const LAMBDA = 0.05;
const H = 1e-5;

function tinyProblem(seed: number) {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: N * D }, () => rng.normal());
  const labels = Int32Array.from({ length: N }, (_, i) => i % C);
  const weights = Float64Array.from({ length: C * D }, () => 0.5 * rng.normal());
  const bias = Float64Array.from({ length: C }, () => 0.3 * rng.normal());
  return { x, labels, weights, bias };
}

/** Smallest |s_j − s_y + Δ| over j ≠ y: the distance of the SVM from a kink of its hinge. */
function closestKink(p: ReturnType<typeof tinyProblem>): number {
  let min = Infinity;
  for (let i = 0; i < N; i++) {
    const s = Array.from({ length: C }, (_, c) => p.bias[c] + Array.from({ length: D }, (_, k) => p.weights[c * D + k] * p.x[i * D + k]).reduce((a, b) => a + b, 0));
    for (let c = 0; c < C; c++) if (c !== p.labels[i]) min = Math.min(min, Math.abs(s[c] - s[p.labels[i]] + SVM_MARGIN));
  }
  return min;
}

/**
 * Largest relative error between the analytic and the central-difference gradient over every entry of
 * W and b: |a − n| / max(|a|, |n|, 1e−3) (entries smaller than 1e−3 are held to an absolute 1e−9).
 */
function maxRelativeError(loss: LinearLoss, p: ReturnType<typeof tinyProblem>): number {
  const grad = { weights: new Float64Array(C * D), bias: new Float64Array(C) };
  linearObjective(loss, p.weights, p.bias, p.x, p.labels, N, D, C, LAMBDA, grad);
  const f = () => linearObjective(loss, p.weights, p.bias, p.x, p.labels, N, D, C, LAMBDA);
  let worst = 0;
  for (const [params, analytic] of [[p.weights, grad.weights], [p.bias, grad.bias]] as const) {
    for (let k = 0; k < params.length; k++) {
      const keep = params[k];
      params[k] = keep + H;
      const up = f();
      params[k] = keep - H;
      const down = f();
      params[k] = keep;
      const numeric = (up - down) / (2 * H);
      worst = Math.max(worst, Math.abs(analytic[k] - numeric) / Math.max(Math.abs(analytic[k]), Math.abs(numeric), 1e-3));
    }
  }
  return worst;
}

for (const loss of LINEAR_LOSSES) {
  test(`the analytic ${loss} gradient matches the numerical gradient to a relative error below 1e-6`, () => {
    const p = tinyProblem(7);
    if (loss === 'svm') assert.ok(closestKink(p) > 1e-3, 'the problem sits away from the hinge kinks, so central differences are exact');
    const err = maxRelativeError(loss, p);
    assert.ok(err < 1e-6, `max relative error ${err}`);
    assert.ok(err > 0 || loss === 'svm', 'a check that compares anything has some rounding error');
  });
}

test('a wrong gradient fails the same check (the check can fail)', () => {
  const p = tinyProblem(7);
  const grad = { weights: new Float64Array(C * D), bias: new Float64Array(C) };
  linearObjective('softmax', p.weights, p.bias, p.x, p.labels, N, D, C, LAMBDA, grad);
  // Forgetting the factor 2 of d(λ‖W‖²)/dW is an error of λ·W per entry.
  const k = 3;
  const keep = p.weights[k];
  p.weights[k] = keep + H;
  const up = linearObjective('softmax', p.weights, p.bias, p.x, p.labels, N, D, C, LAMBDA);
  p.weights[k] = keep - H;
  const down = linearObjective('softmax', p.weights, p.bias, p.x, p.labels, N, D, C, LAMBDA);
  p.weights[k] = keep;
  const wrong = grad.weights[k] - LAMBDA * keep;
  const numeric = (up - down) / (2 * H);
  assert.ok(Math.abs(wrong - numeric) / Math.max(Math.abs(wrong), Math.abs(numeric)) > 1e-3);
});

test('softmax of equal scores costs ln C and the SVM costs (C − 1)·Δ', () => {
  const scores = new Float64Array(2 * C);
  const d = new Float64Array(2 * C);
  const labels = Int32Array.of(0, 2);
  assert.ok(Math.abs(scoreLoss('softmax', scores, labels, 2, C, d) - 2 * Math.log(C)) < 1e-12);
  assert.ok(Math.abs(d[0] - (1 / C - 1)) < 1e-12 && Math.abs(d[1] - 1 / C) < 1e-12);
  assert.equal(scoreLoss('svm', scores, labels, 2, C, d), 2 * (C - 1) * SVM_MARGIN);
  assert.deepEqual(Array.from(d.subarray(0, C)), [-(C - 1), 1, 1, 1]);
});

test('the SVM costs nothing once the true class wins by the margin, softmax still a little', () => {
  const scores = Float64Array.of(0, 1.5, 0.4);
  const d = new Float64Array(3);
  assert.equal(scoreLoss('svm', scores, Int32Array.of(1), 1, 3, d), 0);
  assert.deepEqual(Array.from(d), [0, 0, 0]);
  const soft = scoreLoss('softmax', scores, Int32Array.of(1), 1, 3, d);
  assert.ok(soft > 0.1 && soft < 1, `softmax loss ${soft}`);
});
