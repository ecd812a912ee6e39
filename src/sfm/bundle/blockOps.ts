/** Block operations on a bundle `Linearisation` shared by the Schur solve and the reduced system. */
import type { Linearisation } from './normalEquations.ts';

/** Calls visit(j, start, end) for every point j with its observations pointObs[start … end − 1]. */
export function forEachPoint(lin: Linearisation, visit: (j: number, start: number, end: number) => void): void {
  for (let j = 0; j < lin.pointCount; j++) visit(j, lin.pointStart[j], lin.pointStart[j + 1]);
}

/** Reduced-unknown index of column a (0 … 7) of observation o's Ja. */
export const reducedIndex = (lin: Linearisation, camera: number, a: number): number => (a < 6 ? 6 * camera + a : intrinsicsIndex(lin, camera) + a - 6);

/** Reduced-unknown index of the focal length of camera c's intrinsics (k1 follows it). */
export const intrinsicsIndex = (lin: Linearisation, camera: number): number => 6 * lin.cameraCount + 2 * lin.intrinsicsOf[camera];

/** out[idx(a)] += sign · (W_o y)_a. */
export function addWy(lin: Linearisation, o: number, y: Float64Array, out: Float64Array, sign: number): void {
  const camera = cameraOf(lin, o);
  for (let a = 0; a < 8; a++) {
    const b = 24 * o + 3 * a;
    out[reducedIndex(lin, camera, a)] += sign * (lin.w[b] * y[0] + lin.w[b + 1] * y[1] + lin.w[b + 2] * y[2]);
  }
}

/** t −= W_oᵀ x. */
export function subtractWtX(lin: Linearisation, o: number, x: Float64Array, t: Float64Array): void {
  const camera = cameraOf(lin, o);
  for (let a = 0; a < 8; a++) {
    const xa = x[reducedIndex(lin, camera, a)], b = 24 * o + 3 * a;
    t[0] -= lin.w[b] * xa; t[1] -= lin.w[b + 1] * xa; t[2] -= lin.w[b + 2] * xa;
  }
}

/** The camera of observation o. */
export const cameraOf = (lin: Linearisation, o: number): number => lin.obsCamera[o];

/** out (3) = V_j⁻¹ x[offset …]. */
export function mulVinv(vinv: Float64Array, j: number, x: Float64Array, offset: number, out: Float64Array): void {
  const b = 9 * j;
  for (let a = 0; a < 3; a++) out[a] = vinv[b + 3 * a] * x[offset] + vinv[b + 3 * a + 1] * x[offset + 1] + vinv[b + 3 * a + 2] * x[offset + 2];
}

