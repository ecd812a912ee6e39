import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotationFromAngleAxis } from '../../math/angleAxis.ts';
import { luSolve } from '../../math/luSolve.ts';
import { cauchyLoss } from '../../math/robustLoss.ts';
import { syntheticScene } from '../mapper/syntheticScene.ts';
import { gaugeMask } from './bundleAdjust.ts';
import { perturbedProblem } from './syntheticBundle.ts';
import { createLinearisation, linearise, solveDamped } from './normalEquations.ts';
import { type BundleState, observationResidual } from './reprojection.ts';

function tinyProblem() {
  const scene = syntheticScene({ cameras: 3, points: 6, noise: 0.5, outlierRatio: 0.2, seed: 13 });
  const problem = perturbedProblem(scene, 7);
  const nc = problem.poses.length;
  const state: BundleState = {
    rotations: new Float64Array(9 * nc), translations: new Float64Array(3 * nc), points: problem.points.slice(),
    intrinsics: Float64Array.of(problem.camera.f, problem.camera.cx, problem.camera.cy, 0.05),
  };
  problem.poses.forEach((p, c) => { state.rotations.set(p.R, 9 * c); state.translations.set(p.t, 3 * c); });
  return { problem, state, obs: problem.observations };
}

test('the analytic Jacobian blocks match central finite differences', () => {
  const { state, obs } = tinyProblem();
  const n = obs.camera.length;
  const jac = { jc: new Float64Array(12 * n), ji: new Float64Array(4 * n), jp: new Float64Array(6 * n) };
  const res = new Float64Array(2 * n), plus = new Float64Array(2 * n), minus = new Float64Array(2 * n);
  for (let o = 0; o < n; o++) observationResidual(state, obs, o, res, jac);
  const h = 1e-6;
  const check = (analytic: (o: number, row: number) => number, perturb: (s: BundleState, o: number, e: number) => BundleState, label: string) => {
    for (let o = 0; o < n; o++) {
      observationResidual(perturb(state, o, h), obs, o, plus);
      observationResidual(perturb(state, o, -h), obs, o, minus);
      for (let row = 0; row < 2; row++) {
        const fd = (plus[2 * o + row] - minus[2 * o + row]) / (2 * h);
        const an = analytic(o, row);
        assert.ok(Math.abs(fd - an) <= 1e-5 * Math.max(1, Math.abs(an)), `${label} obs ${o} row ${row}: ${an} vs ${fd}`);
      }
    }
  };
  const copy = (s: BundleState): BundleState => ({ rotations: s.rotations.slice(), translations: s.translations.slice(), points: s.points.slice(), intrinsics: s.intrinsics.slice() });
  for (let k = 0; k < 3; k++) {
    check((o, row) => jac.jc[12 * o + 6 * row + k], (s, o, e) => {
      const out = copy(s), c = obs.camera[o], w = [0, 0, 0];
      w[k] = e;
      const r = rotationFromAngleAxis(w);
      for (let i = 0; i < 3; i++) for (let m = 0; m < 3; m++) out.rotations[9 * c + 3 * i + m] = r[3 * i] * s.rotations[9 * c + m] + r[3 * i + 1] * s.rotations[9 * c + 3 + m] + r[3 * i + 2] * s.rotations[9 * c + 6 + m];
      return out;
    }, `ω${k}`);
    check((o, row) => jac.jc[12 * o + 6 * row + 3 + k], (s, o, e) => { const out = copy(s); out.translations[3 * obs.camera[o] + k] += e; return out; }, `t${k}`);
    check((o, row) => jac.jp[6 * o + 3 * row + k], (s, o, e) => { const out = copy(s); out.points[3 * obs.point[o] + k] += e; return out; }, `X${k}`);
  }
  check((o, row) => jac.ji[4 * o + 2 * row], (s, _o, e) => { const out = copy(s); out.intrinsics[0] += e; return out; }, 'f');
  check((o, row) => 1e-3 * jac.ji[4 * o + 2 * row + 1], (s, _o, e) => { const out = copy(s); out.intrinsics[3] += e * 1e-3; return out; }, 'k1 (scaled)');
});

test('the Schur-complement step equals a dense solve of the full damped normal equations', () => {
  const { problem, state, obs } = tinyProblem();
  const nc = problem.poses.length, np = problem.points.length / 3, no = obs.camera.length;
  const fixed = gaugeMask(problem, {});
  const lin = createLinearisation(nc, np, obs, fixed);
  const loss = cauchyLoss(2);
  linearise(state, obs, loss, lin);
  // The full Jacobian, 2·no × (nr + 3 np), from the blocks; weights ρ'(‖r‖²) per observation.
  const nr = lin.reducedSize, n = nr + 3 * np;
  const J = new Float64Array(2 * no * n);
  for (let o = 0; o < no; o++) {
    const c = obs.camera[o], j = obs.point[o];
    for (let row = 0; row < 2; row++) {
      const base = (2 * o + row) * n;
      for (let k = 0; k < 6; k++) J[base + 6 * c + k] = lin.jc[12 * o + 6 * row + k];
      for (let k = 0; k < 2; k++) J[base + 6 * nc + k] = lin.ji[4 * o + 2 * row + k];
      for (let k = 0; k < 3; k++) J[base + nr + 3 * j + k] = lin.jp[6 * o + 3 * row + k];
    }
  }
  const A = new Float64Array(n * n), g = new Float64Array(n);
  for (let i = 0; i < 2 * no; i++) {
    const w = lin.weight[Math.floor(i / 2)];
    for (let a = 0; a < n; a++) {
      const ja = J[i * n + a] * w;
      if (ja === 0) continue;
      g[a] += ja * lin.residuals[i];
      for (let b = 0; b < n; b++) A[a * n + b] += ja * J[i * n + b];
    }
  }
  const lambda = 1e-2;
  const b = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const isFixed = k < nr && fixed[k] === 1;
    A[k * n + k] += isFixed ? 1 : lambda * Math.min(1e32, Math.max(1e-6, A[k * n + k]));
    b[k] = isFixed ? 0 : -g[k];
  }
  const dense = luSolve(A, b, n);
  assert.ok(dense);
  for (const solver of ['cholesky', 'pcg'] as const) {
    const step = solveDamped(lin, lambda, { solver, pcgTolerance: 1e-12, pcgMaxIterations: 2000 });
    assert.ok(step, solver);
    let worst = 0, scale = 0;
    for (let k = 0; k < nr; k++) [worst, scale] = [Math.max(worst, Math.abs(step.dc[k] - dense[k])), Math.max(scale, Math.abs(dense[k]))];
    for (let k = 0; k < 3 * np; k++) [worst, scale] = [Math.max(worst, Math.abs(step.dp[k] - dense[nr + k])), Math.max(scale, Math.abs(dense[nr + k]))];
    assert.ok(scale > 1e-3, 'a non-trivial step');
    assert.ok(worst <= 1e-7 * scale, `${solver}: largest difference ${worst} of ${scale}`);
    for (let k = 0; k < nr; k++) if (fixed[k]) assert.equal(step.dc[k], 0, `${solver}: fixed unknown ${k}`);
  }
});
