/**
 * The colour of each 3D point: the mean of the photo colours at its observations, as COLMAP's
 * `Reconstruction::ExtractColorsForAllImages` does (it reads the pixel at each 2D point of a track and
 * averages). Bilinear sampling at the keypoint's sub-pixel position, so a keypoint between two pixels of
 * different colour gets their blend rather than whichever one rounding picks.
 */
import type { MapperPoints } from './mapperResult.ts';

/**
 * A photo as interleaved 8-bit sRGB, `data[3 * (y * width + x) + c]`: a quarter of the memory of a
 * float `Image`, which matters when a job holds tens of photos until mapping ends.
 */
export interface RgbBytes {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Bilinear sample of channel c at (x, y), (0, 0) the centre of the top-left pixel; clamped at the border. */
function bilinear(photo: RgbBytes, c: number, x: number, y: number): number {
  const { width, height, data } = photo;
  const xc = Math.min(Math.max(x, 0), width - 1), yc = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(xc), y0 = Math.floor(yc), x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
  const fx = xc - x0, fy = yc - y0, r0 = 3 * y0 * width + c, r1 = 3 * y1 * width + c;
  const top = data[r0 + 3 * x0] + fx * (data[r0 + 3 * x1] - data[r0 + 3 * x0]);
  const bottom = data[r1 + 3 * x0] + fx * (data[r1 + 3 * x1] - data[r1 + 3 * x0]);
  return top + fy * (bottom - top);
}

/**
 * Mean sRGB colour of every point over its track.
 *
 * @param points - the mapper's points (track of point p: offsets[p] … offsets[p + 1] − 1 into image / feature).
 * @param keypoints - each input image's keypoints, `count × 4` (x, y first; (0, 0) the centre of the top-left pixel),
 *   in the pixels of `photos[i]`.
 * @param photos - each input image as interleaved sRGB bytes at the size its keypoints were found in.
 * @returns `3 × count` bytes, R G B per point (0–255, rounded).
 * @example const rgb = pointColours(rec.points, features.map((f) => f.keypoints), colourPhotos);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016 (COLMAP's
 * colour extraction, `base/reconstruction.cc`).
 */
export function pointColours(points: MapperPoints, keypoints: readonly Float32Array[], photos: readonly RgbBytes[]): Uint8Array {
  const rgb = new Uint8Array(3 * points.count);
  const sum = [0, 0, 0];
  for (let p = 0; p < points.count; p++) {
    sum[0] = sum[1] = sum[2] = 0;
    const begin = points.offsets[p], end = points.offsets[p + 1];
    for (let o = begin; o < end; o++) {
      const photo = photos[points.image[o]], k = keypoints[points.image[o]], f = points.feature[o];
      for (let c = 0; c < 3; c++) sum[c] += bilinear(photo, c, k[4 * f], k[4 * f + 1]);
    }
    const count = Math.max(1, end - begin);
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.min(255, Math.max(0, Math.round(sum[c] / count)));
  }
  return rgb;
}
