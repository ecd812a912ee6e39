/**
 * 3 × 3 matrix helpers for two-view geometry: every matrix is 9 float64 values, row-major, and every
 * function writes into `out` (which may not alias an input unless stated) and returns it.
 */

/** out = A B. */
export function mul3(a: ArrayLike<number>, b: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  for (let i = 0; i < 3; i++) {
    const a0 = a[i * 3], a1 = a[i * 3 + 1], a2 = a[i * 3 + 2];
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a0 * b[j] + a1 * b[3 + j] + a2 * b[6 + j];
  }
  return out;
}

/** out = Aᵀ. */
export function transpose3(a: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[j * 3 + i] = a[i * 3 + j];
  return out;
}

/** det A. */
export function det3(a: ArrayLike<number>): number {
  return (
    a[0] * (a[4] * a[8] - a[5] * a[7]) -
    a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6])
  );
}

/** out = A⁻¹ by the adjugate, or null when |det A| ≤ 1e-300 or is not finite. */
export function inverse3(a: ArrayLike<number>, out = new Float64Array(9)): Float64Array | null {
  const det = det3(a);
  if (!(Math.abs(det) > 1e-300) || !Number.isFinite(det)) return null;
  const r = 1 / det;
  const c = [
    a[4] * a[8] - a[5] * a[7], a[2] * a[7] - a[1] * a[8], a[1] * a[5] - a[2] * a[4],
    a[5] * a[6] - a[3] * a[8], a[0] * a[8] - a[2] * a[6], a[2] * a[3] - a[0] * a[5],
    a[3] * a[7] - a[4] * a[6], a[1] * a[6] - a[0] * a[7], a[0] * a[4] - a[1] * a[3],
  ];
  for (let i = 0; i < 9; i++) out[i] = c[i] * r;
  return out;
}

/** out = [v]ₓ, the cross-product matrix: [v]ₓ w = v × w. */
export function skew3(v: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  out[0] = 0; out[1] = -v[2]; out[2] = v[1];
  out[3] = v[2]; out[4] = 0; out[5] = -v[0];
  out[6] = -v[1]; out[7] = v[0]; out[8] = 0;
  return out;
}

/** out = A v for a 3-vector v (out may alias v). */
export function mulVec3(a: ArrayLike<number>, v: ArrayLike<number>, out = new Float64Array(3)): Float64Array {
  const x = v[0], y = v[1], z = v[2];
  out[0] = a[0] * x + a[1] * y + a[2] * z;
  out[1] = a[3] * x + a[4] * y + a[5] * z;
  out[2] = a[6] * x + a[7] * y + a[8] * z;
  return out;
}

/** A scaled to unit Frobenius norm, sign fixed so that its largest-magnitude entry is positive (in place). */
export function normaliseFrobenius(a: Float64Array): Float64Array {
  let norm = 0, big = 0;
  for (let i = 0; i < a.length; i++) {
    norm += a[i] * a[i];
    if (Math.abs(a[i]) > Math.abs(big)) big = a[i];
  }
  const f = Math.sign(big) / Math.sqrt(norm);
  if (Number.isFinite(f) && f !== 0) for (let i = 0; i < a.length; i++) a[i] *= f;
  return a;
}
