import { assert } from '../../core/errors.ts';
import { createImage, type Image } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';

export interface TextureSynthesisOptions {
  /** Half the window side (window = 2·half + 1 pixels); default scales with the photo, 4 at 150 px. */
  halfWindow?: number;
  /** ε: pick uniformly among candidates within (1 + ε) of the best distance (paper: 0.1). */
  epsilon?: number;
  /** Size of the fixed grid of candidate windows searched for every pixel (default 400). */
  gridCandidates?: number;
  /** Seed for the random choice among near-best candidates. */
  seed?: number;
}

/** Default half window: `min(w, h) / 36`, clamped to 3…6 (4 for a 150-px photo). */
export function defaultHalfWindow(w: number, h: number): number {
  return Math.min(6, Math.max(3, Math.round(Math.min(w, h) / 36)));
}

/**
 * Baseline: Efros & Leung non-parametric texture synthesis used for hole filling. Pixels are filled in
 * onion-peel order (layer by layer from the hole's border, most-known neighbourhoods first); each takes
 * the centre of a window drawn uniformly from those whose Gaussian-weighted SSD to its known
 * neighbourhood is within (1 + ε) of the best.
 *
 * Fast nearest-window search: instead of scanning every window of the photo, each pixel is compared
 * with a fixed grid of about `gridCandidates` fully known windows, with the coherence candidates of its
 * already synthesised neighbours (their source shifted by the same offset, Ashikhmin 2001), and with
 * the windows within 2 px of the best of those; partial sums stop early once they exceed the bound.
 *
 * References: A. Efros, T. Leung, "Texture Synthesis by Non-parametric Sampling", ICCV 1999, §2;
 * M. Ashikhmin, "Synthesizing Natural Textures", I3D 2001, §3.
 *
 * @param image any channel count, `w × h`
 * @param mask `w*h`, 1 = hole
 * @returns the filled image and `source`: `Int32Array(w*h)`, the pixel each filled pixel was copied from (−1 elsewhere)
 * @example const { image } = textureSynthesis(photo, mask, { seed: 1 });
 */
export function textureSynthesis(image: Image, mask: Uint8Array, options: TextureSynthesisOptions = {}): { image: Image; source: Int32Array } {
  const { width: w, height: h, channels } = image;
  assert(mask.length === w * h, 'mask matches image');
  const n = w * h;
  const epsilon = options.epsilon ?? 0.1;
  const rng = new Rng(options.seed ?? 1);
  let half = options.halfWindow ?? defaultHalfWindow(w, h);
  let valid = validCentres(mask, w, h, half);
  while (valid.count === 0 && half > 1) valid = validCentres(mask, w, h, --half);
  assert(valid.count > 0, 'the photo has a fully known window to copy from');
  const side = 2 * half + 1;
  const sigma = side / 6.4;
  const gauss = new Float64Array(side * side);
  for (let dy = -half; dy <= half; dy++) for (let dx = -half; dx <= half; dx++) gauss[(dy + half) * side + dx + half] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  const grid = gridOf(valid.ok, w, h, valid.count, options.gridCandidates ?? 400);
  const out = createImage(w, h, channels, image.data.slice());
  const d = out.data;
  const filled = new Uint8Array(n);
  for (let i = 0; i < n; i++) filled[i] = mask[i] ? 0 : 1;
  const source = new Int32Array(n).fill(-1);
  const offs = new Int32Array(side * side);
  const wts = new Float64Array(side * side);
  const cand: number[] = [];
  const dist: number[] = [];
  let remaining = 0;
  for (let i = 0; i < n; i++) remaining += mask[i];
  while (remaining > 0) {
    const layer = frontier(filled, w, h, half);
    assert(layer.length > 0, 'onion peel advances');
    for (const { p } of layer) {
      const px = p % w;
      const py = (p - px) / w;
      let taps = 0;
      let total = 0;
      for (let dy = -half; dy <= half; dy++) {
        const y = py + dy;
        if (y < 0 || y >= h) continue;
        for (let dx = -half; dx <= half; dx++) {
          const x = px + dx;
          if (x < 0 || x >= w || !filled[y * w + x]) continue;
          offs[taps] = dy * w + dx;
          wts[taps] = gauss[(dy + half) * side + dx + half];
          total += wts[taps++];
        }
      }
      cand.length = 0;
      dist.length = 0;
      let best = Infinity;
      const consider = (c: number): void => {
        let s = 0;
        const bound = (1 + epsilon) * best * total;
        for (let t = 0; t < taps && s <= bound; t++) {
          const a = p + offs[t];
          const b = c + offs[t];
          let e = 0;
          for (let ch = 0; ch < channels; ch++) {
            const diff = d[ch * n + a] - d[ch * n + b];
            e += diff * diff;
          }
          s += wts[t] * e;
        }
        const v = s / total;
        if (v > (1 + epsilon) * best) return;
        if (v < best) best = v;
        cand.push(c);
        dist.push(v);
      };
      for (let k = 0; k < grid.length; k++) consider(grid[k]);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const q = p + dy * w + dx;
          const qx = px + dx;
          if (qx < 0 || qx >= w || q < 0 || q >= n || source[q] < 0) continue;
          const c = source[q] - dy * w - dx;
          const cx = (source[q] % w) - dx;
          if (cx >= 0 && cx < w && c >= 0 && c < n && valid.ok[c]) consider(c);
        }
      }
      const b0 = cand[dist.indexOf(best)];
      const bx = b0 % w;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const c = b0 + dy * w + dx;
          if ((dx || dy) && bx + dx >= 0 && bx + dx < w && c >= 0 && c < n && valid.ok[c]) consider(c);
        }
      }
      const near: number[] = [];
      for (let k = 0; k < cand.length; k++) if (dist[k] <= (1 + epsilon) * best) near.push(cand[k]);
      const chosen = near[rng.int(near.length)];
      for (let ch = 0; ch < channels; ch++) d[ch * n + p] = d[ch * n + chosen];
      source[p] = chosen;
      filled[p] = 1;
      remaining--;
    }
  }
  return { image: out, source };
}

/** Centres whose whole window lies in the photo and holds no hole pixel (summed-area table of the mask). */
function validCentres(mask: Uint8Array, w: number, h: number, half: number): { ok: Uint8Array; count: number } {
  const sat = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += mask[y * w + x];
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
    }
  }
  const ok = new Uint8Array(w * h);
  let count = 0;
  for (let y = half; y < h - half; y++) {
    for (let x = half; x < w - half; x++) {
      const x0 = x - half;
      const y0 = y - half;
      const x1 = x + half + 1;
      const y1 = y + half + 1;
      const holes = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
      if (holes === 0) {
        ok[y * w + x] = 1;
        count++;
      }
    }
  }
  return { ok, count };
}

/** About `target` valid centres on a regular grid (all of them when there are fewer). */
function gridOf(ok: Uint8Array, w: number, h: number, count: number, target: number): Int32Array {
  const stride = Math.max(1, Math.floor(Math.sqrt(count / Math.max(1, target))));
  const list: number[] = [];
  for (let y = 0; y < h; y += stride) for (let x = 0; x < w; x += stride) if (ok[y * w + x]) list.push(y * w + x);
  if (list.length === 0) for (let i = 0; i < w * h; i++) if (ok[i]) list.push(i);
  return Int32Array.from(list);
}

/** Unfilled pixels with a filled 8-neighbour, most-known windows first (Efros & Leung's ordering). */
function frontier(filled: Uint8Array, w: number, h: number, half: number): { p: number; known: number }[] {
  const layer: { p: number; known: number }[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (filled[p]) continue;
      let touch = false;
      for (let dy = -1; dy <= 1 && !touch; dy++) for (let dx = -1; dx <= 1 && !touch; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && xx < w && yy >= 0 && yy < h && filled[yy * w + xx]) touch = true;
      }
      if (!touch) continue;
      let known = 0;
      for (let yy = Math.max(0, y - half); yy <= Math.min(h - 1, y + half); yy++) for (let xx = Math.max(0, x - half); xx <= Math.min(w - 1, x + half); xx++) known += filled[yy * w + xx];
      layer.push({ p, known });
    }
  }
  layer.sort((a, b) => b.known - a.known || a.p - b.p);
  return layer;
}
