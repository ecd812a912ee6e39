import { assert } from '../../core/errors.ts';
import type { ScaleSpaceKeypoints } from './scaleSpaceKeypoints.ts';

/** How scale-space extrema are found, refined and filtered (Lowe 2004, §3.1, §4, §4.1). */
export interface DogExtremaOptions {
  /** s, as in the scale space: the DoG has s + 2 levels, extrema are sought in levels 1..s. */
  scalesPerOctave: number;
  /** σ0 of the scale space, to turn a refined level into a σ. */
  sigma: number;
  /**
   * Minimum |D| at the refined extremum, times s (Lowe §4: 0.03 for images in [0, 1] with s = 3;
   * OpenCV's contrastThreshold 0.04 / s, which this follows). Candidates below half of it are not refined (OpenCV's pre-threshold).
   */
  contrastThreshold: number;
  /** r in the edge test tr(H)² / det(H) < (r + 1)² / r (Lowe §4.1: r = 10). */
  edgeThreshold: number;
  /** Pixels left out at each side of every octave (OpenCV's SIFT_IMG_BORDER, 5). */
  border: number;
  /** Quadratic fits tried before the extremum is dropped (Lowe §4, OpenCV: 5). */
  maxRefinementSteps: number;
}

/**
 * Finds the extrema of one octave's difference of Gaussians D_i = G_{i+1} − G_i over their 26
 * neighbours (3 × 3 × 3), refines each by the quadratic fit of Lowe's Eq. 3 (moving to the
 * neighbouring sample while an offset exceeds 0.5, up to `maxRefinementSteps` fits), drops those of
 * low contrast or on edges, and appends the rest to `out` (angle 0). D is formed on the fly from the
 * Gaussian levels (no DoG planes kept). An extremum reached from two starting samples is kept once.
 *
 * @param levels - the octave's s + 3 Gaussian levels, row-major `width * height`.
 * @param octave - the octave number o, stored with each keypoint.
 * @param seen - scratch bit set of at least ⌈s · width · height / 32⌉ words (cleared here).
 * @returns how many keypoints were appended.
 *
 * References: Lowe 2004, §3 (Eq. 1: D = L(kσ) − L(σ)), §3.1 (local extrema over 26 neighbours), §4 (Eq. 2–3: Taylor expansion,
 * offset x̂ = −H⁻¹∇D, relocation when an offset exceeds 0.5, contrast |D(x̂)|), §4.1 (Eq. 4: edge responses).
 */
export function dogExtrema(levels: Float32Array[], width: number, height: number, octave: number, options: DogExtremaOptions, out: ScaleSpaceKeypoints, seen: Uint32Array): number {
  const s = options.scalesPerOctave;
  const n = width * height;
  assert(levels.length === s + 3 && levels.every((d) => d.length === n), `dogExtrema: ${s + 3} Gaussian levels of ${n} values`);
  const words = Math.ceil((s * n) / 32);
  assert(seen.length >= words, `dogExtrema: seen bit set of at least ${words} words, got ${seen.length}`);
  seen.fill(0, 0, words);
  const preThreshold = (0.5 * options.contrastThreshold) / s;
  const b = Math.max(1, options.border);
  const before = out.count;
  const cube = new Float64Array(27);
  for (let l = 1; l <= s; l++) {
    const g0 = levels[l - 1], g1 = levels[l], g2 = levels[l + 1], g3 = levels[l + 2];
    for (let y = b; y < height - b; y++) {
      for (let x = b, p = y * width + b; x < width - b; x++, p++) {
        const v = g2[p] - g1[p];
        if (!(v > preThreshold || v < -preThreshold)) continue;
        // Strictly above (below) all 26 neighbours: the 8 in its own DoG level first, then the 9 below and above.
        const extremum =
          v > 0
            ? isMaximum(v, g1, g2, p, width, false) && isMaximum(v, g0, g1, p, width, true) && isMaximum(v, g2, g3, p, width, true)
            : isMinimum(v, g1, g2, p, width, false) && isMinimum(v, g0, g1, p, width, true) && isMinimum(v, g2, g3, p, width, true);
        if (extremum) refineExtremum(levels, width, height, octave, l, x, y, options, out, seen, cube);
      }
    }
  }
  return out.count - before;
}

/** v > D = hi − lo at the 8 samples around p (same level) or at all 9 (the levels above and below). */
function isMaximum(v: number, lo: Float32Array, hi: Float32Array, p: number, w: number, centre: boolean): boolean {
  if (centre && !(v > hi[p] - lo[p])) return false;
  const a = p - w, b = p + w;
  return (
    v > hi[p - 1] - lo[p - 1] && v > hi[p + 1] - lo[p + 1] &&
    v > hi[a - 1] - lo[a - 1] && v > hi[a] - lo[a] && v > hi[a + 1] - lo[a + 1] &&
    v > hi[b - 1] - lo[b - 1] && v > hi[b] - lo[b] && v > hi[b + 1] - lo[b + 1]
  );
}

function isMinimum(v: number, lo: Float32Array, hi: Float32Array, p: number, w: number, centre: boolean): boolean {
  if (centre && !(v < hi[p] - lo[p])) return false;
  const a = p - w, b = p + w;
  return (
    v < hi[p - 1] - lo[p - 1] && v < hi[p + 1] - lo[p + 1] &&
    v < hi[a - 1] - lo[a - 1] && v < hi[a] - lo[a] && v < hi[a + 1] - lo[a + 1] &&
    v < hi[b - 1] - lo[b - 1] && v < hi[b] - lo[b] && v < hi[b + 1] - lo[b + 1]
  );
}

/** The 27 values of D around (x, y, level l): cube[(dl + 1) · 9 + (dy + 1) · 3 + dx + 1]. */
function loadCube(levels: Float32Array[], l: number, p: number, w: number, cube: Float64Array): void {
  for (let dl = -1; dl <= 1; dl++) {
    const lo = levels[l + dl], hi = levels[l + dl + 1];
    for (let dy = -1, c = (dl + 1) * 9; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++, c++) {
        const q = p + dy * w + dx;
        cube[c] = hi[q] - lo[q];
      }
    }
  }
}

/** Lowe §4: iterate the 3-D quadratic fit from sample (x, y, l); push the keypoint if it converges and passes both tests. */
function refineExtremum(
  levels: Float32Array[], width: number, height: number, octave: number, l0: number, x0: number, y0: number,
  options: DogExtremaOptions, out: ScaleSpaceKeypoints, seen: Uint32Array, c: Float64Array,
): void {
  const s = options.scalesPerOctave, b = Math.max(1, options.border);
  let x = x0, y = y0, l = l0;
  let ox = 0, oy = 0, ol = 0, gx = 0, gy = 0, gl = 0, dxx = 0, dyy = 0, dxy = 0;
  let converged = false;
  for (let step = 0; step < options.maxRefinementSteps; step++) {
    loadCube(levels, l, y * width + x, width, c);
    // Finite differences: gradient and Hessian of D in (x, y, level); the centre is c[13].
    const v2 = 2 * c[13];
    gx = 0.5 * (c[14] - c[12]);
    gy = 0.5 * (c[16] - c[10]);
    gl = 0.5 * (c[22] - c[4]);
    dxx = c[14] + c[12] - v2;
    dyy = c[16] + c[10] - v2;
    const dll = c[22] + c[4] - v2;
    dxy = 0.25 * (c[17] - c[15] - c[11] + c[9]);
    const dxl = 0.25 * (c[23] - c[21] - c[5] + c[3]);
    const dyl = 0.25 * (c[25] - c[19] - c[7] + c[1]);
    // x̂ = −H⁻¹∇D by the adjugate of the symmetric 3 × 3 Hessian.
    const a = dyy * dll - dyl * dyl, bb = dyl * dxl - dxy * dll, cc = dxy * dyl - dyy * dxl;
    const d = dxx * dll - dxl * dxl, e = dxy * dxl - dxx * dyl, f = dxx * dyy - dxy * dxy;
    const det = dxx * a + dxy * bb + dxl * cc;
    if (det === 0 || !Number.isFinite(det)) return;
    ox = -(a * gx + bb * gy + cc * gl) / det;
    oy = -(bb * gx + d * gy + e * gl) / det;
    ol = -(cc * gx + e * gy + f * gl) / det;
    if (Math.abs(ox) < 0.5 && Math.abs(oy) < 0.5 && Math.abs(ol) < 0.5) {
      converged = true;
      break;
    }
    if (!(Math.abs(ox) < 1e6 && Math.abs(oy) < 1e6 && Math.abs(ol) < 1e6)) return;
    x += Math.round(ox);
    y += Math.round(oy);
    l += Math.round(ol);
    if (l < 1 || l > s || x < b || x >= width - b || y < b || y >= height - b) return;
  }
  if (!converged) return;
  // Lowe Eq. 3: D(x̂) = D + ½ ∇Dᵀ x̂.
  const contrast = c[13] + 0.5 * (gx * ox + gy * oy + gl * ol);
  if (Math.abs(contrast) * s < options.contrastThreshold) return;
  // Lowe Eq. 4: principal curvatures ratio below r, from the 2 × 2 spatial Hessian.
  const tr = dxx + dyy, det2 = dxx * dyy - dxy * dxy, r = options.edgeThreshold;
  if (det2 <= 0 || tr * tr * r >= (r + 1) * (r + 1) * det2) return;
  const bit = (l - 1) * width * height + y * width + x;
  if (seen[bit >>> 5] & (1 << (bit & 31))) return;
  seen[bit >>> 5] |= 1 << (bit & 31);
  out.push(octave, l, x + ox, y + oy, options.sigma * 2 ** ((l + ol) / s), Math.abs(contrast));
}
