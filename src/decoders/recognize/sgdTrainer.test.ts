import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { LINEAR_LOSSES, linearObjective } from './linearLoss.ts';
import { trainLinearSgd, type LabelledMatrix, type SgdOptions } from './sgdTrainer.ts';
import { featureStandardization } from './standardization.ts';
import { linearScores, scoreAccuracy } from './linearModel.ts';
import { fitLinearClassifier } from './fitLinearClassifier.ts';

/** `perClass` points around each of `classes` centres far apart in `dim` dimensions (linearly separable), plus an offset so standardisation matters. */
function clusters(classes: number, perClass: number, dim: number, seed: number, spread = 0.3): LabelledMatrix {
  const centres = new Rng(99);
  const centre = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 3 * centres.normal()));
  const rng = new Rng(seed);
  const n = classes * perClass;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let k = 0; k < dim; k++) data[i * dim + k] = 10 + centre[c][k] + spread * rng.normal();
  }
  return { data, n, dim, labels, numClasses: classes };
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const base: SgdOptions = { loss: 'softmax', lambda: 1e-3, learningRate: 1e-2, momentum: 0.9, epochs: 15, batchSize: 32, lrDecay: 0.9, seed: 3 };

for (const loss of LINEAR_LOSSES) {
  test(`one full-batch ${loss} step on the SIMD kernel moves W by exactly the float64 reference gradient`, () => {
    const set = clusters(4, 10, 37, 1, 2);
    const s = { mean: new Float64Array(set.dim), std: new Float64Array(set.dim).fill(1) };
    const rng = new Rng(5);
    const weights = Float64Array.from({ length: 4 * set.dim }, () => 0.05 * rng.normal());
    const bias = Float64Array.from({ length: 4 }, () => 0.1 * rng.normal());
    const grad = { weights: new Float64Array(weights.length), bias: new Float64Array(4) };
    const x64 = Float64Array.from(set.data);
    const expected = linearObjective(loss, weights, bias, x64, set.labels, set.n, set.dim, 4, 0.01, grad);
    const r = trainLinearSgd(set, all(set.n), s, { ...base, loss, lambda: 0.01, learningRate: 1, momentum: 0, epochs: 1, batchSize: set.n, lrDecay: 1 }, undefined, { weights, bias });
    assert.ok(Math.abs(r.history[0].loss - expected) < 1e-5 * expected, `objective ${r.history[0].loss} vs ${expected}`);
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < weights.length; k++) {
      worst = Math.max(worst, Math.abs(weights[k] - r.weights[k] - grad.weights[k]));
      scale = Math.max(scale, Math.abs(grad.weights[k]));
    }
    for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(bias[c] - r.bias[c] - grad.bias[c]));
    assert.ok(scale > 0.01, 'the gradient is not trivially small');
    assert.ok(worst < 1e-5 * scale, `largest difference ${worst} against gradients up to ${scale}`);
  });

  test(`${loss}: a separable three-class problem is learned to 100 % on unseen points`, () => {
    const train = clusters(3, 60, 20, 1);
    const test = clusters(3, 40, 20, 2);
    const rows = all(train.n);
    const s = featureStandardization(train.data, train.dim, rows);
    const r = trainLinearSgd(train, rows, s, { ...base, loss });
    assert.equal(r.diverged, false);
    assert.ok(r.history.at(-1)!.loss < 0.5 * r.history[0].loss, `objective ${r.history[0].loss} → ${r.history.at(-1)!.loss}`);
    const model = { weights: r.weights, bias: r.bias, standardization: s, dim: train.dim };
    assert.equal(scoreAccuracy(linearScores(model, test.data, test.n), test.labels, test.n, 3), 1);
    assert.equal(scoreAccuracy(linearScores(model, train.data, train.n), train.labels, train.n, 3), 1);
  });
}

test('training is seeded: the same seed gives the same weights, another seed others', () => {
  const set = clusters(3, 20, 8, 1);
  const rows = all(set.n);
  const s = featureStandardization(set.data, set.dim, rows);
  const a = trainLinearSgd(set, rows, s, { ...base, epochs: 3 });
  const b = trainLinearSgd(set, rows, s, { ...base, epochs: 3 });
  const c = trainLinearSgd(set, rows, s, { ...base, epochs: 3, seed: 4 });
  assert.deepEqual(a.weights, b.weights);
  assert.notDeepEqual(a.weights, c.weights);
});

test('a step size far too large is reported as diverged, and scores 0 in the search', () => {
  const set = clusters(3, 30, 10, 1, 3);
  const rows = all(set.n);
  const s = featureStandardization(set.data, set.dim, rows);
  const r = trainLinearSgd(set, rows, s, { ...base, loss: 'svm', learningRate: 1e6, lambda: 10, epochs: 5 });
  assert.equal(r.diverged, true);
  const fit = fitLinearClassifier(set, { ...base, lambda: undefined, learningRate: undefined, lambdas: [1e-3], learningRates: [1e6, 1e-2], searchEpochs: 3, validationFraction: 0.2, epochs: 3 });
  assert.equal(fit.learningRate, 1e-2);
  assert.equal(fit.validation!.grid[0].diverged, true);
  assert.equal(fit.validation!.grid[0].accuracy, 0);
  assert.equal(fit.validation!.rows, 18);
  assert.equal(fit.chosenOnValidation.learningRate, true);
});

test('the search steps η₀ past the edge of its grid while the validation accuracy improves', () => {
  const set = clusters(3, 40, 10, 1, 6);
  const o = { ...base, lambda: undefined, learningRate: undefined, lambdas: [1e-3], searchEpochs: 2, validationFraction: 0.25, epochs: 2 };
  const up = fitLinearClassifier(set, { ...o, learningRates: [1e-4, 3e-4] });
  const tried = up.validation!.grid.map((c) => c.learningRate);
  assert.deepEqual(tried, [1e-4, 3e-4, 9e-4, 2.7e-3, 8.1e-3], 'past the largest step while accuracy improves, and one step more that is worse');
  assert.equal(up.learningRate, 2.7e-3);
  assert.ok(up.validation!.grid[4].accuracy < up.validation!.grid[3].accuracy);
  const inside = fitLinearClassifier(set, { ...o, learningRates: [1e-4, 3e-3, 1e6] });
  assert.equal(inside.validation!.grid.length, 3, 'a best step inside the grid is not extended');
  assert.equal(inside.learningRate, 3e-3);
});
