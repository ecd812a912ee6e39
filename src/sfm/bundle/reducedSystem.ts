/**
 * The reduced camera system S = U + D_λ − W V⁻¹ Wᵀ of bundle adjustment (Triggs et al. 2000, §6.1):
 * built densely for Cholesky, or applied implicitly (S x without forming S, Agarwal et al. 2010 §4)
 * for conjugate gradients, with its diagonal for the Jacobi preconditioner.
 */
import type { Linearisation } from './normalEquations.ts';
import { addWy, cameraOf, forEachPoint, intrinsicsIndex, mulVinv, reducedIndex, subtractWtX } from './blockOps.ts';

/**
 * S, `reducedSize²` values row-major: U (block-arrow) + diag(dr) (+ 1 on fixed unknowns) minus, for
 * every point j and every pair of its observations (o, o′), W_o V_j⁻¹ W_o′ᵀ.
 */
export function denseReducedMatrix(lin: Linearisation, dr: Float64Array, vinv: Float64Array): Float64Array {
  const nr = lin.reducedSize, nc = lin.cameraCount, ir = 6 * nc;
  const s = new Float64Array(nr * nr);
  for (let c = 0; c < nc; c++) {
    const ii = intrinsicsIndex(lin, c);
    for (let a = 0; a < 6; a++) {
      for (let b = 0; b < 6; b++) s[(6 * c + a) * nr + 6 * c + b] = lin.ucc[36 * c + 6 * a + b];
      for (let b = 0; b < 2; b++) {
        s[(6 * c + a) * nr + ii + b] = lin.uci[12 * c + 2 * a + b];
        s[(ii + b) * nr + 6 * c + a] = lin.uci[12 * c + 2 * a + b];
      }
    }
  }
  for (let g = 0; g < lin.intrinsicsCount; g++) {
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) s[(ir + 2 * g + a) * nr + ir + 2 * g + b] = lin.uii[4 * g + 2 * a + b];
  }
  for (let k = 0; k < nr; k++) s[k * nr + k] += dr[k] + (lin.fixed[k] ? 1 : 0);
  let longest = 0;
  forEachPoint(lin, (_j, start, end) => { longest = Math.max(longest, end - start); });
  const z = new Float64Array(24 * longest);
  const idx = new Int32Array(8 * longest);
  forEachPoint(lin, (j, start, end) => {
    // Z_o = W_o V_j⁻¹ (8 × 3) for each observation of j.
    for (let e = start; e < end; e++) {
      const o = lin.pointObs[e], q = 24 * (e - start), camera = cameraOf(lin, o);
      for (let a = 0; a < 8; a++) {
        idx[8 * (e - start) + a] = reducedIndex(lin, camera, a);
        const wa = lin.w.subarray(24 * o + 3 * a, 24 * o + 3 * a + 3);
        for (let k = 0; k < 3; k++) z[q + 3 * a + k] = wa[0] * vinv[9 * j + k] + wa[1] * vinv[9 * j + 3 + k] + wa[2] * vinv[9 * j + 6 + k];
      }
    }
    for (let e1 = start; e1 < end; e1++) {
      const q = 24 * (e1 - start), i1 = 8 * (e1 - start);
      for (let e2 = start; e2 < end; e2++) {
        const w2 = 24 * lin.pointObs[e2], i2 = 8 * (e2 - start);
        for (let a = 0; a < 8; a++) {
          const row = idx[i1 + a] * nr, z0 = z[q + 3 * a], z1 = z[q + 3 * a + 1], z2 = z[q + 3 * a + 2];
          for (let b = 0; b < 8; b++) s[row + idx[i2 + b]] -= z0 * lin.w[w2 + 3 * b] + z1 * lin.w[w2 + 3 * b + 1] + z2 * lin.w[w2 + 3 * b + 2];
        }
      }
    }
  });
  return s;
}

/** out = S x without forming S: U x + dr∘x (+ x on fixed unknowns) − Σ_j W_j V_j⁻¹ W_jᵀ x. */
export function applyReduced(lin: Linearisation, dr: Float64Array, vinv: Float64Array, x: Float64Array, out: Float64Array): void {
  const nc = lin.cameraCount, ir = 6 * nc, nr = lin.reducedSize;
  for (let k = 0; k < nr; k++) out[k] = (dr[k] + (lin.fixed[k] ? 1 : 0)) * x[k];
  for (let c = 0; c < nc; c++) {
    const ii = intrinsicsIndex(lin, c);
    for (let a = 0; a < 6; a++) {
      let sum = 0;
      for (let b = 0; b < 6; b++) sum += lin.ucc[36 * c + 6 * a + b] * x[6 * c + b];
      for (let b = 0; b < 2; b++) {
        sum += lin.uci[12 * c + 2 * a + b] * x[ii + b];
        out[ii + b] += lin.uci[12 * c + 2 * a + b] * x[6 * c + a];
      }
      out[6 * c + a] += sum;
    }
  }
  for (let g = 0, q = ir; g < lin.intrinsicsCount; g++, q += 2) {
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) out[q + a] += lin.uii[4 * g + 2 * a + b] * x[q + b];
  }
  const t = new Float64Array(3), y = new Float64Array(3);
  forEachPoint(lin, (j, start, end) => {
    t.fill(0);
    for (let e = start; e < end; e++) subtractWtX(lin, lin.pointObs[e], x, t); // t = −Wᵀ x
    mulVinv(vinv, j, t, 0, y);
    for (let e = start; e < end; e++) addWy(lin, lin.pointObs[e], y, out, 1);
  });
}

/** diag(S) without damping: diag(U) (+ 1 on fixed unknowns) − the diagonal of Σ_j W_j V_j⁻¹ W_jᵀ. */
export function schurDiagonal(lin: Linearisation, diagU: Float64Array, vinv: Float64Array): Float64Array {
  const d = Float64Array.from(diagU);
  for (let k = 0; k < lin.reducedSize; k++) if (lin.fixed[k]) d[k] += 1;
  // Per point, Σ of its observations' intrinsics rows of W, summed per intrinsics (6 values each).
  const sum = new Float64Array(6 * lin.intrinsicsCount), touched: number[] = [], y = new Float64Array(3);
  const quad = (w: Float64Array, b: number, j: number): number => {
    mulVinv(vinv, j, w, b, y);
    return w[b] * y[0] + w[b + 1] * y[1] + w[b + 2] * y[2];
  };
  forEachPoint(lin, (j, start, end) => {
    for (let e = start; e < end; e++) {
      const o = lin.pointObs[e], camera = cameraOf(lin, o), g = lin.intrinsicsOf[camera];
      for (let a = 0; a < 6; a++) d[6 * camera + a] -= quad(lin.w, 24 * o + 3 * a, j);
      if (!touched.includes(g)) touched.push(g);
      for (let k = 0; k < 6; k++) sum[6 * g + k] += lin.w[24 * o + 18 + k];
    }
    for (const g of touched) {
      const q = 6 * lin.cameraCount + 2 * g;
      d[q] -= quad(sum, 6 * g, j);
      d[q + 1] -= quad(sum, 6 * g + 3, j);
      sum.fill(0, 6 * g, 6 * g + 6);
    }
    touched.length = 0;
  });
  return d;
}
