import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import type { ContextBand } from './contextBand.ts';
import { MaxFlowGraph } from '../../math/maxFlow.ts';

/** A seam: which pixels of hole ∪ band take the matched scene. */
export interface Seam {
  /** `w*h`, 1 = pixel taken from the scene (every hole pixel, some band pixels), 0 = query kept. */
  take: Uint8Array;
  /** Min-cut cost: Σ over cut edges of the gradient disagreement + Σ of the distance penalties paid. */
  cost: number;
  /** Number of 4-neighbour edges the seam crosses. */
  length: number;
}

export interface SeamOptions {
  /**
   * κ: cost (L*a*b* units) of taking a scene pixel at the band's outer edge; it grows as (d / radius)³
   * with the distance d from the hole, the paper's "k · Dist(p, hole)³" (§5, k = 0.002 at 80 px), which
   * keeps the seam close to the hole unless the images agree further out.
   */
  distanceCost?: number;
  /** ε added to every edge so that among equally good seams the shorter one wins (L*a*b* units). */
  edgeFloor?: number;
}

/**
 * The seam of scene completion (Hays & Efros 2007, §5): a min-cut over hole ∪ context band where every
 * pixel keeps the query (source) or takes the placed scene (sink). Hole pixels are forced to the scene,
 * band pixels on the outer border to the query; cutting between neighbours p and q costs the difference
 * of the two images' gradients, ‖(Q_p − S_p) − (Q_q − S_q)‖, so the seam runs where they agree and
 * Poisson blending can hide it.
 *
 * @param queryLab query in L*a*b*, `w × h`
 * @param sceneLab placed scene in L*a*b*, same size (see `placeScene`)
 * @param mask `w*h`, 1 = hole
 * @param band from `contextBand(mask, …)`
 * @example const seam = graphCutSeam(qLab, placeScene(sLab, p, w, h), mask, band);
 */
export function graphCutSeam(queryLab: Image, sceneLab: Image, mask: Uint8Array, band: ContextBand, options: SeamOptions = {}): Seam {
  const { width: w, height: h } = queryLab;
  assert(sceneLab.width === w && sceneLab.height === h && mask.length === w * h, 'seam inputs share a size');
  const kappa = options.distanceCost ?? 10;
  const floor = options.edgeFloor ?? 0.5;
  const n = w * h;
  const node = new Int32Array(n).fill(-1);
  const pixels: number[] = [];
  for (let i = 0; i < n; i++) {
    if (mask[i] || band.band[i]) {
      node[i] = pixels.length;
      pixels.push(i);
    }
  }
  const g = new MaxFlowGraph(pixels.length, 2 * pixels.length);
  const q = queryLab.data;
  const s = sceneLab.data;
  const diff = (a: number, b: number): number => {
    let sum = 0;
    for (let c = 0; c < 3; c++) {
      const d = q[c * n + a] - s[c * n + a] - (q[c * n + b] - s[c * n + b]);
      sum += d * d;
    }
    return Math.sqrt(sum) + floor;
  };
  for (let k = 0; k < pixels.length; k++) {
    const i = pixels[k];
    const x = i % w;
    const y = (i - x) / w;
    if (mask[i]) g.addTerminal(k, 0, Infinity);
    else if (onOuterBorder(i, x, y, w, h, mask, band.band)) g.addTerminal(k, Infinity, 0);
    else g.addTerminal(k, kappa * (band.distance[i] / band.radius) ** 3, 0);
    if (x + 1 < w && node[i + 1] >= 0) {
      const c = diff(i, i + 1);
      g.addEdge(k, node[i + 1], c, c);
    }
    if (y + 1 < h && node[i + w] >= 0) {
      const c = diff(i, i + w);
      g.addEdge(k, node[i + w], c, c);
    }
  }
  const cost = g.maxFlow();
  const take = new Uint8Array(n);
  for (let k = 0; k < pixels.length; k++) take[pixels[k]] = g.isSourceSide(k) ? 0 : 1;
  let length = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x + 1 < w && take[i] !== take[i + 1]) length++;
      if (y + 1 < h && take[i] !== take[i + w]) length++;
    }
  }
  return { take, cost, length };
}

/** A band pixel with a 4-neighbour that is known and outside the band. */
function onOuterBorder(i: number, x: number, y: number, w: number, h: number, mask: Uint8Array, band: Uint8Array): boolean {
  const outside = (j: number): boolean => !mask[j] && !band[j];
  return (x > 0 && outside(i - 1)) || (x + 1 < w && outside(i + 1)) || (y > 0 && outside(i - w)) || (y + 1 < h && outside(i + w));
}
