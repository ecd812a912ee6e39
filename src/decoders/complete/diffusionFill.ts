import { assert } from '../../core/errors.ts';
import { createImage, type Image } from '../../core/image.ts';
import { solvePoisson, type PoissonReport } from './poissonSolve.ts';

/**
 * Baseline: harmonic (membrane) fill of the hole, ∇²f = 0 inside with the known pixels as Dirichlet
 * boundary, per channel. It is the smoothest interpolant of the boundary: no texture, no structure,
 * a lower bound any data-driven completion should beat on plausibility (Hays & Efros 2007, §1 cite
 * diffusion-based inpainting, Bertalmio et al. 2000, as the small-hole method).
 *
 * @param image any channel count, `w × h`
 * @param mask `w*h`, 1 = hole; every hole component must touch a known pixel
 * @returns the filled image (known pixels unchanged) and the solver reports per channel
 * @example const { image } = diffusionFill(photo, mask);
 */
export function diffusionFill(image: Image, mask: Uint8Array): { image: Image; reports: PoissonReport[] } {
  const { width: w, height: h, channels } = image;
  assert(mask.length === w * h, 'mask matches image');
  const out = createImage(w, h, channels, image.data.slice());
  const n = w * h;
  const reports: PoissonReport[] = [];
  for (let c = 0; c < channels; c++) {
    const p = out.data.subarray(c * n, (c + 1) * n);
    // Initial guess: the mean of the known pixels, so CG starts at the right level.
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) if (!mask[i]) (sum += p[i]), count++;
    const mean = count ? sum / count : 0;
    for (let i = 0; i < n; i++) if (mask[i]) p[i] = mean;
    reports.push(solvePoisson(p, mask, w, h, null));
  }
  return { image: out, reports };
}
