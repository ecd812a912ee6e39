/**
 * A photo's starting focal length in pixels from its EXIF (Snavely et al. 2006, §4.1: "we use the
 * focal length estimate from the EXIF tags ... otherwise a default"): the 35 mm-equivalent focal
 * length, or the lens focal length over a known sensor width, else the guess 1.2 × the longer side.
 */

/** Sensor widths (mm, the longer side) of camera families whose EXIF lacks the 35 mm focal length. */
const SENSOR_WIDTHS: readonly [RegExp, number][] = [
  [/canon eos (5d|6d|1d[sx]|r|r[568])\b/i, 36],
  [/canon eos (rebel|kiss|\d{2,4}d|7d|m\d*)\b/i, 22.3],
  [/nikon d([678][0-9]0|[345]s?|df)\b/i, 35.9],
  [/nikon d(40x?|50|60|70s?|80|90|100|200|300s?|500|[357]\d{3})\b/i, 23.5],
  [/olympus.*\be-\d+\b/i, 17.3],
];

/** What the estimate came from. */
export type FocalSource = 'exif-35mm' | 'exif-sensor' | 'guess';

/**
 * The focal length, pixels, of a photo whose longer side is `longSide` pixels as decoded.
 *
 * Algorithm: (1) with a 35 mm-equivalent focal length f₃₅: f = f₃₅ / 36 × longSide (a 36 × 24 mm
 * frame); (2) with a lens focal length f_mm and a camera whose sensor width w is in the table:
 * f = f_mm / w × longSide; (3) otherwise 1.2 × longSide (COLMAP's default prior).
 *
 * @param exif - the photo's camera ("Make Model") and focal lengths, mm (nulls when absent).
 * @param longSide - the decoded photo's longer side, pixels.
 * @returns the focal length (pixels) and where it came from.
 * @example focalFromExif({ camera: 'Apple iPhone 4S', focalLengthMm: 4.28, focalLength35mm: 35 }, 1200) // { f: 1166.7, source: 'exif-35mm' }
 *
 * References: N. Snavely, S. M. Seitz, R. Szeliski, "Photo Tourism: Exploring Photo Collections in 3D",
 * SIGGRAPH 2006, §4.1; J. L. Schönberger, J.-M. Frahm, CVPR 2016 (the 1.2 × default).
 */
export function focalFromExif(exif: { camera: string | null; focalLengthMm: number | null; focalLength35mm: number | null }, longSide: number): { f: number; source: FocalSource } {
  if (exif.focalLength35mm) return { f: (exif.focalLength35mm / 36) * longSide, source: 'exif-35mm' };
  const sensor = exif.camera ? SENSOR_WIDTHS.find(([pattern]) => pattern.test(exif.camera!))?.[1] : undefined;
  if (exif.focalLengthMm && sensor) return { f: (exif.focalLengthMm / sensor) * longSide, source: 'exif-sensor' };
  return { f: 1.2 * longSide, source: 'guess' };
}
