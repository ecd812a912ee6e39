import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { levenbergMarquardt, type LeastSquaresProblem } from './levenbergMarquardt.ts';
import { cauchyLoss, huberLoss } from './robustLoss.ts';

/** y = a · exp(b · t) sampled at 40 points with small noise; every fifth sample is a gross outlier. */
function exponentialProblem(): LeastSquaresProblem {
  const rng = new Rng(7);
  const t = Float64Array.from({ length: 40 }, (_, i) => i / 20);
  const y = t.map((ti, i) => 2 * Math.exp(-1.5 * ti) + 0.01 * rng.normal() + (i % 5 === 2 ? 1.5 : 0));
  return {
    residualCount: t.length,
    residuals(p, out) {
      for (let i = 0; i < t.length; i++) out[i] = p[0] * Math.exp(p[1] * t[i]) - y[i];
    },
    jacobian(p, out) {
      for (let i = 0; i < t.length; i++) {
        const e = Math.exp(p[1] * t[i]);
        out[i * 2] = e;
        out[i * 2 + 1] = p[0] * t[i] * e;
      }
    },
  };
}

const error = (p: Float64Array): number => Math.hypot(p[0] - 2, p[1] + 1.5);

test('levenbergMarquardt fits an exponential with outliers better with Huber or Cauchy than with plain least squares', () => {
  const problem = exponentialProblem();
  const start = new Float64Array([1, 0]);
  const plain = levenbergMarquardt(problem, start);
  const huber = levenbergMarquardt(problem, start, { loss: huberLoss(0.05) });
  const cauchy = levenbergMarquardt(problem, start, { loss: cauchyLoss(0.05) });
  assert.ok(plain.cost < plain.initialCost && huber.cost < huber.initialCost);
  assert.ok(error(plain.params) > 0.1, `plain error ${error(plain.params)}: the outliers should pull it`);
  assert.ok(error(huber.params) < error(plain.params) / 2, `huber ${error(huber.params)} vs plain ${error(plain.params)}`);
  assert.ok(error(cauchy.params) < 0.05, `cauchy ${error(cauchy.params)}`);
});

test('levenbergMarquardt recovers the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
  const problem: LeastSquaresProblem = {
    residualCount: 2,
    residuals: (p, out) => { out[0] = 10 * (p[1] - p[0] * p[0]); out[1] = 1 - p[0]; },
    jacobian: (p, out) => { out[0] = -20 * p[0]; out[1] = 10; out[2] = -1; out[3] = 0; },
  };
  const fit = levenbergMarquardt(problem, new Float64Array([-1.2, 1]), { maxIterations: 200 });
  assert.ok(Math.abs(fit.params[0] - 1) < 1e-6 && Math.abs(fit.params[1] - 1) < 1e-6, `${fit.params} after ${fit.iterations} (${fit.reason})`);
  assert.notEqual(fit.reason, 'iterations');
});
