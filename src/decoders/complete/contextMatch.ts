import { assert } from '../../core/errors.ts';
import { createImage, plane, type Image } from '../../core/image.ts';
import { resize } from '../../imgproc/resample.ts';
import type { ContextBand } from './contextBand.ts';
import { textureDescriptor } from './textureTerm.ts';
import { fft2d } from '../../imgproc/fft.ts';
import { accumulateCorrelation, fftSize, realPairSpectrum, type PairSpectrum } from './fftCorrelate.ts';

/**
 * Local context matching (Hays & Efros 2007, §4): for one matched scene, the translation and scale
 * (0.81, 0.90, 1.0) that minimise the L*a*b* SSD over the context band plus a weighted texture SSD,
 * searched over *all* translations at once with FFT cross-correlation:
 * `SSD(o) = Σ M·Q² − 2·Σ_c corr(M·Q_c, S_c)(o) + corr(M, Σ_c S_c²)(o)`.
 */

/** Relative scales searched by the paper (§4). */
export const PAPER_SCALES: readonly number[] = [0.81, 0.9, 1.0];

/** Where a scene goes: query pixel (x, y) takes the scene resized by `factor` at (x + dx, y + dy). */
export interface Placement {
  /** Relative scale σ (one of the searched scales). */
  scale: number;
  /** Absolute resize factor applied to the scene: σ · (factor making the scene cover the query). */
  factor: number;
  /** Scaled scene size. */
  width: number;
  height: number;
  dx: number;
  dy: number;
  /** Mean squared L*a*b* difference per band pixel. */
  colorSsd: number;
  /** Mean squared texture-descriptor difference per band pixel. */
  textureSsd: number;
  /** colorSsd + textureWeight · textureSsd. */
  cost: number;
}

/** The query side of context matching, prepared once per query (template spectra are cached per FFT size). */
export interface ContextTemplate {
  readonly width: number;
  readonly height: number;
  readonly band: ContextBand;
  readonly textureWeight: number;
  /** Template planes over the bounding box (bw × bh): M·L, M·a, M·b, M·√λ·tex, M. */
  readonly planes: Float32Array[];
  readonly bw: number;
  readonly bh: number;
  /** Σ over the band of L² + a² + b² + λ·tex². */
  readonly energy: number;
  /** Query texture descriptor, `w*h`. */
  readonly texture: Float32Array;
  readonly spectra: Map<string, PairSpectrum[]>;
}

/**
 * Prepares the query: template planes over the band's bounding box.
 * @param queryLab query in L*a*b* (3 planes), `w × h`
 * @param band from `contextBand` on the same size
 * @param textureWeight λ, weight of the texture SSD relative to the L*a*b* SSD (default 1)
 */
export function contextTemplate(queryLab: Image, band: ContextBand, textureWeight = 1): ContextTemplate {
  const { width: w, height: h } = queryLab;
  assert(queryLab.channels === 3 && band.band.length === w * h, 'context template inputs');
  assert(band.count > 0, 'context band is not empty');
  const bw = band.x1 - band.x0;
  const bh = band.y1 - band.y0;
  const tex = textureDescriptor(plane(queryLab, 0), w, h);
  const rootL = Math.sqrt(textureWeight);
  const planes = [0, 1, 2, 3, 4].map(() => new Float32Array(bw * bh));
  let energy = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = (y + band.y0) * w + x + band.x0;
      if (!band.band[i]) continue;
      const j = y * bw + x;
      const v = [queryLab.data[i], queryLab.data[w * h + i], queryLab.data[2 * w * h + i], rootL * tex[i]];
      for (let c = 0; c < 4; c++) {
        planes[c][j] = v[c];
        energy += v[c] * v[c];
      }
      planes[4][j] = 1;
    }
  }
  return { width: w, height: h, band, textureWeight, planes, bw, bh, energy, texture: tex, spectra: new Map() };
}

function templateSpectra(t: ContextTemplate, nx: number, ny: number): PairSpectrum[] {
  const key = `${nx}x${ny}`;
  let s = t.spectra.get(key);
  if (!s) {
    s = [
      realPairSpectrum(t.planes[0], t.planes[1], t.bw, t.bh, nx, ny),
      realPairSpectrum(t.planes[2], t.planes[3], t.bw, t.bh, nx, ny),
      realPairSpectrum(t.planes[4], null, t.bw, t.bh, nx, ny),
    ];
    t.spectra.set(key, s);
  }
  return s;
}

/**
 * SSD between the template and every placement of a scaled scene where the band's box fits inside it.
 * @returns `ssd` of size `(sw − bw + 1) × (sh − bh + 1)`, row-major, entry `(ox', oy')` for the box's
 *   top-left corner at scene pixel (ox', oy'); null when the box does not fit
 */
export function ssdMap(t: ContextTemplate, sceneLab: Image, texture: Float32Array): { ssd: Float64Array; cols: number; rows: number } | null {
  const { width: sw, height: sh } = sceneLab;
  const cols = sw - t.bw + 1;
  const rows = sh - t.bh + 1;
  if (cols < 1 || rows < 1) return null;
  const nx = fftSize(sw);
  const ny = fftSize(sh);
  const [tp1, tp2, tp3] = templateSpectra(t, nx, ny);
  const n = sw * sh;
  const rootL = Math.sqrt(t.textureWeight);
  const texW = new Float64Array(n);
  const sq = new Float64Array(n);
  const d = sceneLab.data;
  for (let i = 0; i < n; i++) {
    texW[i] = rootL * texture[i];
    sq[i] = d[i] * d[i] + d[n + i] * d[n + i] + d[2 * n + i] * d[2 * n + i] + texW[i] * texW[i];
  }
  const s1 = realPairSpectrum(d.subarray(0, n), d.subarray(n, 2 * n), sw, sh, nx, ny);
  const s2 = realPairSpectrum(d.subarray(2 * n, 3 * n), texW, sw, sh, nx, ny);
  const s3 = realPairSpectrum(sq, null, sw, sh, nx, ny);
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  accumulateCorrelation(re, im, tp1.aRe, tp1.aIm, s1.aRe, s1.aIm, -2);
  accumulateCorrelation(re, im, tp1.bRe, tp1.bIm, s1.bRe, s1.bIm, -2);
  accumulateCorrelation(re, im, tp2.aRe, tp2.aIm, s2.aRe, s2.aIm, -2);
  accumulateCorrelation(re, im, tp2.bRe, tp2.bIm, s2.bRe, s2.bIm, -2);
  accumulateCorrelation(re, im, tp3.aRe, tp3.aIm, s3.aRe, s3.aIm, 1);
  fft2d(re, im, nx, ny, true);
  const ssd = new Float64Array(cols * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) ssd[y * cols + x] = Math.max(0, t.energy + re[y * nx + x]);
  return { ssd, cols, rows };
}

/**
 * Best placement of one scene over the searched scales, or null when no scale lets it cover the band.
 * @param sceneLab matched scene in L*a*b*, any size (it is first resized to cover the query)
 * @param scales relative scales σ (default the paper's 0.81, 0.90, 1.0)
 * @example const p = matchContext(contextTemplate(qLab, band), rgbToLab(scene));
 */
export function matchContext(t: ContextTemplate, sceneLab: Image, scales: readonly number[] = PAPER_SCALES): Placement | null {
  const cover = Math.max(t.width / sceneLab.width, t.height / sceneLab.height);
  // The texture descriptor is computed once on the scene and resampled per scale (the 5×5 median is the costly part).
  const texture = createImage(sceneLab.width, sceneLab.height, 1, textureDescriptor(plane(sceneLab, 0), sceneLab.width, sceneLab.height));
  let best: Placement | null = null;
  for (const scale of scales) {
    const factor = cover * scale;
    const sw = Math.max(1, Math.round(sceneLab.width * factor));
    const sh = Math.max(1, Math.round(sceneLab.height * factor));
    if (sw < t.bw || sh < t.bh) continue;
    const scaled = resize(sceneLab, sw, sh);
    const tex = resize(texture, sw, sh).data;
    const map = ssdMap(t, scaled, tex);
    if (!map) continue;
    let arg = 0;
    for (let i = 1; i < map.ssd.length; i++) if (map.ssd[i] < map.ssd[arg]) arg = i;
    const dx = (arg % map.cols) - t.band.x0;
    const dy = Math.floor(arg / map.cols) - t.band.y0;
    const terms = placementTerms(t, scaled, tex, dx, dy);
    const cost = terms.colorSsd + t.textureWeight * terms.textureSsd;
    if (!best || cost < best.cost) best = { scale, factor, width: sw, height: sh, dx, dy, ...terms, cost };
  }
  return best;
}

/** Colour and texture SSD per band pixel for one placement, evaluated directly. */
export function placementTerms(t: ContextTemplate, scaledLab: Image, texture: Float32Array, dx: number, dy: number): { colorSsd: number; textureSsd: number } {
  const { width: w, band } = t;
  const sw = scaledLab.width;
  const sn = sw * scaledLab.height;
  let color = 0;
  let tex = 0;
  for (let y = band.y0; y < band.y1; y++) {
    for (let x = band.x0; x < band.x1; x++) {
      if (!band.band[y * w + x]) continue;
      const j = (y - band.y0) * t.bw + (x - band.x0);
      const s = (y + dy) * sw + x + dx;
      for (let c = 0; c < 3; c++) {
        const diff = t.planes[c][j] - scaledLab.data[c * sn + s];
        color += diff * diff;
      }
      const dt = t.texture[y * w + x] - texture[s];
      tex += dt * dt;
    }
  }
  return { colorSsd: color / band.count, textureSsd: tex / band.count };
}

/**
 * The scene as seen in the query frame under a placement: a `w × h` image whose pixel (x, y) is the
 * resized scene's pixel (x + dx, y + dy), clamped to the scene's edge where it does not reach.
 * @param scene any channel count, original size
 */
export function placeScene(scene: Image, p: Placement, w: number, h: number): Image {
  const scaled = resize(scene, p.width, p.height);
  const out = createImage(w, h, scene.channels);
  const sn = p.width * p.height;
  for (let c = 0; c < scene.channels; c++) {
    for (let y = 0; y < h; y++) {
      const sy = Math.min(p.height - 1, Math.max(0, y + p.dy));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(p.width - 1, Math.max(0, x + p.dx));
        out.data[c * w * h + y * w + x] = scaled.data[c * sn + sy * p.width + sx];
      }
    }
  }
  return out;
}
