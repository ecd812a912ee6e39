/**
 * Helpers for the matching tests: Strecha ground-truth cameras (../shared/data/strecha-mvs/README.md)
 * turned into the true fundamental matrix between two downscaled views, and the share of matches
 * that agree with it. Not used by the pipeline itself; the tests read the files.
 */
import { inverse3, mul3, mulVec3, skew3, transpose3 } from '../../math/mat3.ts';
import { svd } from '../../math/svd.ts';
import { sampsonSquaredErrors } from '../estimators/sampsonError.ts';
import type { Correspondences } from '../estimators/estimator.ts';

/** One `NNNN.jpg.camera` file: K (pixels of the stored image), R (camera-to-world), C (metres), size. */
export interface StrechaCamera {
  K: Float64Array;
  R: Float64Array;
  C: Float64Array;
  width: number;
  height: number;
}

/** Parses a `.camera` file's 9 lines: K, distortion, R, C, "width height". R is snapped to the nearest rotation (6 digits in the file). */
export function parseStrechaCamera(text: string): StrechaCamera {
  const rows = text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const { u, v } = svd(Float64Array.from(rows.slice(4, 7).flat()), 3, 3);
  return { K: Float64Array.from(rows.slice(0, 3).flat()), R: mul3(u, transpose3(v)), C: Float64Array.from(rows[7]), width: rows[8][0], height: rows[8][1] };
}

/** K for the image resized to `width × height` pixels (pixel centres at integers, as SIFT's keypoints). */
export function scaledIntrinsics(camera: StrechaCamera, width: number, height: number): Float64Array {
  const sx = width / camera.width, sy = height / camera.height, K = camera.K;
  return Float64Array.from([K[0] * sx, K[1] * sx, (K[2] + 0.5) * sx - 0.5, 0, K[4] * sy, (K[5] + 0.5) * sy - 0.5, 0, 0, 1]);
}

/** The true F from view a to view b (x_bᵀ F x_a = 0), both resized to `width × height`. */
export function trueFundamental(a: StrechaCamera, b: StrechaCamera, width: number, height: number): Float64Array {
  const R = mul3(transpose3(b.R), a.R);
  const t = mulVec3(transpose3(b.R), Float64Array.from(a.C.map((v, i) => v - b.C[i])));
  const E = mul3(skew3(t), R);
  return mul3(mul3(transpose3(inverse3(scaledIntrinsics(b, width, height))!), E), inverse3(scaledIntrinsics(a, width, height))!);
}

/** 1 for each correspondence within `pixels` (Sampson distance) of the epipolar geometry F. */
export function agreesWith(F: Float64Array, data: Correspondences, pixels: number): Uint8Array {
  const err = new Float64Array(data.count);
  sampsonSquaredErrors(F, data, err);
  return Uint8Array.from(err, (e) => (e <= pixels * pixels ? 1 : 0));
}
