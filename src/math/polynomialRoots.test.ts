import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { realPolynomialRoots } from './polynomialRoots.ts';

/** Ascending coefficients of Π (x − rᵢ) · (x² + 1)^complexPairs. */
function fromRoots(roots: number[], complexPairs = 0): number[] {
  let p = [1];
  const times = (q: number[]) => {
    const out = new Array(p.length + q.length - 1).fill(0);
    p.forEach((a, i) => q.forEach((b, j) => (out[i + j] += a * b)));
    p = out;
  };
  for (const r of roots) times([-r, 1]);
  for (let k = 0; k < complexPairs; k++) times([1, 0, 1]);
  return p;
}

function assertRoots(got: Float64Array, want: number[], tol: number): void {
  assert.equal(got.length, want.length, `roots ${Array.from(got)} vs ${want}`);
  want.forEach((r, i) => assert.ok(Math.abs(got[i] - r) <= tol * Math.max(1, Math.abs(r)), `root ${i}: ${got[i]} vs ${r}`));
}

test('the roots of (x − 1)(x − 2)(x − 3) are 1, 2 and 3 to machine precision', () => {
  assertRoots(realPolynomialRoots([-6, 11, -6, 1]), [1, 2, 3], 1e-14);
});

test('a degree-10 polynomial with 6 real roots and 2 complex pairs gives exactly its 6 real roots', () => {
  const roots = [-3.5, -1.25, -0.1, 0.4, 2, 7];
  assertRoots(realPolynomialRoots(fromRoots(roots, 2)), roots, 1e-10);
});

test('close roots 1 and 1 + 1e-6 are told apart', () => {
  assertRoots(realPolynomialRoots(fromRoots([1, 1 + 1e-6, -2])), [-2, 1, 1 + 1e-6], 1e-9);
});

test('a double root is reported once, to about the square root of machine precision', () => {
  assertRoots(realPolynomialRoots(fromRoots([0.5, 0.5, 3])), [0.5, 3], 1e-7);
});

test('no real roots, constants and zero polynomials give an empty list; a vanishing leading coefficient lowers the degree', () => {
  assert.equal(realPolynomialRoots([1, 0, 1]).length, 0);
  assert.equal(realPolynomialRoots([5]).length, 0);
  assert.equal(realPolynomialRoots([0, 0, 0]).length, 0);
  assertRoots(realPolynomialRoots([-2, 1, 0, 0]), [2], 1e-15);
  assertRoots(realPolynomialRoots([0, 0, 1]), [0], 1e-15);
});

test('random degree-10 polynomials with known real roots (and one complex pair) are solved to 1e-8', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 50; trial++) {
    const roots = Array.from({ length: 8 }, () => 4 * rng.normal()).sort((a, b) => a - b);
    const got = realPolynomialRoots(fromRoots(roots, 1));
    // roots closer than ~1e-4 may merge at this conditioning; none were drawn that close with this seed
    assertRoots(got, roots, 1e-8);
  }
});

test('non-finite coefficients are refused as a broken invariant', () => {
  assert.throws(() => realPolynomialRoots([1, Number.NaN]), /coefficient 1 is NaN/);
});
