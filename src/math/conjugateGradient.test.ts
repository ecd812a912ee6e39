import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conjugateGradient, jacobiPreconditioner } from './conjugateGradient.ts';
import { csrDiagonal, csrFromTriplets, csrMultiply, csrOperator } from './csrMatrix.ts';

/** The 5-point Dirichlet Laplacian on an n × n grid as CSR. */
function laplacian(n: number) {
  const t: [number, number, number][] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      t.push([i, i, 4]);
      if (x > 0) t.push([i, i - 1, -1]);
      if (x + 1 < n) t.push([i, i + 1, -1]);
      if (y > 0) t.push([i, i - n, -1]);
      if (y + 1 < n) t.push([i, i + n, -1]);
    }
  }
  return csrFromTriplets(n * n, n * n, t);
}

test('conjugateGradient with a Jacobi preconditioner solves a 20 × 20 Poisson system to 1e-10', () => {
  const n = 20;
  const a = laplacian(n);
  const want = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i / 7) + (i % n) / n);
  const b = new Float64Array(n * n);
  csrMultiply(a, want, b);
  const x = new Float64Array(n * n);
  const report = conjugateGradient(csrOperator(a), b, x, jacobiPreconditioner(csrDiagonal(a)), { tolerance: 1e-10 });
  assert.ok(report.relativeResidual <= 1e-10 && report.iterations > 5 && report.iterations < 200, JSON.stringify(report));
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - want[i]) < 1e-7, `x[${i}]`);
});

test('conjugateGradient solves a 2 × 2 system exactly in at most two iterations', () => {
  const x = new Float64Array(2);
  const r = conjugateGradient((v, o) => { o[0] = 4 * v[0] + v[1]; o[1] = v[0] + 3 * v[1]; }, new Float64Array([1, 2]), x, null, { tolerance: 1e-14 });
  assert.ok(r.iterations <= 2);
  assert.ok(Math.abs(x[0] - 1 / 11) < 1e-12 && Math.abs(x[1] - 7 / 11) < 1e-12);
});

test('conjugateGradient returns at once when the guess already solves the system', () => {
  const x = new Float64Array([1, 1]);
  const r = conjugateGradient((v, o) => o.set(v), new Float64Array([1, 1]), x, null);
  assert.deepEqual(r, { iterations: 0, relativeResidual: 0 });
});

test('csrFromTriplets sums duplicate entries and keeps empty rows', () => {
  const a = csrFromTriplets(3, 2, [[2, 1, 1], [0, 0, 2], [2, 1, 4]]);
  assert.deepEqual(Array.from(a.rowStart), [0, 1, 1, 2]);
  assert.deepEqual(Array.from(a.values), [2, 5]);
});
