import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';

/**
 * Colourfulness metric M of Hasler & Süsstrunk ("Measuring colourfulness in natural images", SPIE
 * Human Vision and Electronic Imaging 2003, §4, eq. 3), on sRGB values scaled to 0–255:
 *
 * 1. rg = R − G and yb = (R + G)/2 − B per pixel;
 * 2. σ = √(σ_rg² + σ_yb²) and μ = √(μ_rg² + μ_yb²) over the image;
 * 3. M = σ + 0.3·μ.
 *
 * The paper's scale: 0 not colourful, ≈15 slightly, ≈33 moderately, ≈45 averagely, ≈59 quite,
 * ≈82 highly, ≈109 extremely colourful. A gray image scores 0.
 * @param image RGB image with values in [0, 1] (a gray image returns 0)
 * @example colourfulness(photo) // ≈ 30–50 for typical outdoor photos
 */
export function colourfulness(image: Image): number {
  if (image.channels === 1) return 0;
  assert(image.channels === 3, 'colourfulness needs 1 or 3 channels');
  const n = image.width * image.height;
  const d = image.data;
  let srg = 0;
  let syb = 0;
  let srg2 = 0;
  let syb2 = 0;
  for (let i = 0; i < n; i++) {
    const r = d[i] * 255;
    const g = d[n + i] * 255;
    const b = d[2 * n + i] * 255;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    srg += rg;
    syb += yb;
    srg2 += rg * rg;
    syb2 += yb * yb;
  }
  const mrg = srg / n;
  const myb = syb / n;
  const vrg = Math.max(0, srg2 / n - mrg * mrg);
  const vyb = Math.max(0, syb2 / n - myb * myb);
  return Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
}
