import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimdGemm } from './simdGemm.ts';

test('SimdGemm multiplies like a scalar triple loop, bands of larger planes and odd row counts included', () => {
  for (const [m, k, p] of [[1, 1, 8], [5, 7, 16], [266, 53, 56], [3, 300, 8]] as const) {
    const lda = k + 3;
    const ldb = p + 8;
    const ldc = p + 16;
    const g = SimdGemm.create([(m + 2) * lda, (k + 1) * ldb, (m + 1) * ldc]);
    assert.ok(g, 'WebAssembly SIMD is available in Node 20');
    const [a, b, c] = [0, 1, 2].map((i) => g.plane(i));
    a.forEach((_, i) => (a[i] = Math.sin(i * 0.3)));
    b.forEach((_, i) => (b[i] = Math.cos(i * 0.7) - 0.2));
    c.fill(7);
    // A from row 2, B from row 1, C from row 1 (element offsets), strides wider than the operands.
    g.multiply(0, 2 * lda, lda, 1, ldb, ldb, 2, ldc, ldc, m, k, p);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += a[(2 + i) * lda + t] * b[(1 + t) * ldb + j];
        assert.equal(c[(1 + i) * ldc + j], s, `C[${i}][${j}] of ${m}×${k}·${k}×${p}`);
      }
    assert.equal(c[0], 7, 'the row before C untouched');
    assert.equal(c[ldc + p], 7, 'the columns right of C untouched');
  }
  const g = SimdGemm.create([64, 64, 64])!;
  assert.throws(() => g.multiply(0, 0, 8, 1, 0, 8, 2, 0, 8, 2, 2, 6), /multiple of 8/);
  assert.throws(() => g.multiply(0, 0, 8, 1, 0, 8, 2, 0, 8, 9, 8, 8), /inside their planes/);
});
