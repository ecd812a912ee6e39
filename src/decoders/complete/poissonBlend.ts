import { assert } from '../../core/errors.ts';
import { createImage, type Image } from '../../core/image.ts';
import { solvePoisson, type PoissonReport } from './poissonSolve.ts';

/**
 * Gradient-domain blending of the region a seam gives to the scene (Hays & Efros 2007, §5, after
 * Pérez et al. 2003): inside the region the result keeps the scene's gradients, on its border it meets
 * the query, per L*a*b* channel. Outside the region the query is unchanged.
 *
 * @param queryLab query in L*a*b*, `w × h`
 * @param sceneLab placed scene in L*a*b*, same size
 * @param take `w*h`, 1 = region taken from the scene (from `graphCutSeam`)
 * @returns the blended L*a*b* image and one solver report per channel
 * @example const { image } = poissonBlend(qLab, sLab, seam.take);
 */
export function poissonBlend(queryLab: Image, sceneLab: Image, take: Uint8Array): { image: Image; reports: PoissonReport[] } {
  const { width: w, height: h } = queryLab;
  assert(sceneLab.width === w && sceneLab.height === h && take.length === w * h, 'blend inputs share a size');
  assert(queryLab.channels === sceneLab.channels, 'blend inputs share channels');
  const n = w * h;
  const out = createImage(w, h, queryLab.channels, queryLab.data.slice());
  const reports: PoissonReport[] = [];
  for (let c = 0; c < queryLab.channels; c++) {
    const f = out.data.subarray(c * n, (c + 1) * n);
    const g = sceneLab.data.subarray(c * n, (c + 1) * n);
    // Warm start: the scene shifted by the mean query − scene difference on the region's border.
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (take[i]) continue;
      const x = i % w;
      const y = (i - x) / w;
      if ((x > 0 && take[i - 1]) || (x + 1 < w && take[i + 1]) || (y > 0 && take[i - w]) || (y + 1 < h && take[i + w])) {
        sum += f[i] - g[i];
        count++;
      }
    }
    const offset = count ? sum / count : 0;
    for (let i = 0; i < n; i++) if (take[i]) f[i] = g[i] + offset;
    reports.push(solvePoisson(f, take, w, h, g));
  }
  return { image: out, reports };
}
