/**
 * The mapper's one shared camera: SIMPLE_RADIAL (f, cx, cy, k1; COLMAP's model) in keypoint pixels
 * ((0, 0) the centre of the top-left pixel), and the undistortion that turns keypoints into the
 * pinhole pixels that registration and triangulation use. A known pinhole K with fx ≠ fy or skew is
 * mapped onto a square-pixel "virtual" camera (f = fx) first, exactly, so bundle adjustment's
 * one-focal-length model holds.
 */

/** SIMPLE_RADIAL parameters: f, cx, cy (pixels), k1 (per normalised radius²). */
export interface SimpleRadial {
  f: number;
  cx: number;
  cy: number;
  k1: number;
}

/** K = [f, 0, cx; 0, f, cy; 0, 0, 1] of the camera, 9 values row-major. */
export function pinholeK(c: SimpleRadial): Float64Array {
  return Float64Array.of(c.f, 0, c.cx, 0, c.f, c.cy, 0, 0, 1);
}

/**
 * Keypoints (`count × stride`, x and y first) mapped from a known K (upper triangular) to the virtual
 * camera f = K[0], cx = K[2], cy = K[5]: x' = f u + cx, y' = f v + cy with (u, v) = K⁻¹ (x, y).
 *
 * @returns `2 * count` values.
 */
export function toVirtualPinhole(keypoints: Float32Array, stride: number, K: ArrayLike<number>): Float64Array {
  const n = keypoints.length / stride, out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const x = keypoints[stride * k], y = keypoints[stride * k + 1];
    const v = (y - K[5]) / K[4], u = (x - K[2] - K[1] * v) / K[0];
    out[2 * k] = K[0] * u + K[2];
    out[2 * k + 1] = K[0] * v + K[5];
  }
  return out;
}

/**
 * The undistorted pixels of distorted ones under SIMPLE_RADIAL: solves u (1 + k1 |u|²) = u_d by
 * fixed-point iteration (10 steps; |k1| r² ≪ 1 in practice), then back to pixels with f, cx, cy.
 *
 * @param pixels - `2 * n` distorted pixels.
 * @returns `2 * n` pinhole pixels (the same array values when k1 = 0).
 * @example const pinhole = undistortPixels(pixels, { f: 600, cx: 255.5, cy: 170, k1: -0.02 });
 *
 * References: COLMAP `SimpleRadialCameraModel::ImgFromCam` and its iterative inverse.
 */
export function undistortPixels(pixels: Float64Array, c: SimpleRadial): Float64Array {
  if (c.k1 === 0) return pixels.slice();
  const out = new Float64Array(pixels.length);
  for (let k = 0; k < pixels.length; k += 2) {
    const ud = (pixels[k] - c.cx) / c.f, vd = (pixels[k + 1] - c.cy) / c.f;
    let u = ud, v = vd;
    for (let it = 0; it < 10; it++) {
      const d = 1 + c.k1 * (u * u + v * v);
      u = ud / d;
      v = vd / d;
    }
    out[k] = c.f * u + c.cx;
    out[k + 1] = c.f * v + c.cy;
  }
  return out;
}
