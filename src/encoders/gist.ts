import { DejaError, assert } from '../core/errors.ts';
import { createImage, type Image } from '../core/image.ts';
import { fft2d, fftPlan } from '../imgproc/fft.ts';
import { gaborTransferFunctions } from '../imgproc/gabor.ts';
import { gistPrefilter, reflectIndex } from '../imgproc/prefilter.ts';
import { SimdFftBatch } from '../imgproc/simdFft.ts';
import { resizeCropSquare } from '../imgproc/resample.ts';
import { canonicalSpec, type Encoder, type EncoderFactory } from './encoder.ts';

/**
 * The gist descriptor (Oliva & Torralba 2001) as LMgist.m and the LEAR C code (Douze et al. 2009) compute it:
 *
 * 1. Resize so the shorter side is `imageSize`, crop the centre square (LMgist's `imresizecrop`).
 * 2. Gray (mean of R, G, B, as LMgist) or the three colour channels, scaled to [0, 255], then stretched as
 *    LMgist does: v ← 255·(v − min)/max(1, max − min), one min/max over all channels.
 * 3. Prefilter with cut-off `prefilterFc` ({@link gistPrefilter}: log, whitening, local contrast).
 * 4. Pad by 32 pixels with symmetric reflection (LMgist's `boundaryExtension`: 320×320 for 256), take the
 *    2-D FFT, multiply by each Gabor transfer function ({@link gaborTransferFunctions}), inverse FFT, take the
 *    magnitude.
 * 5. Average the magnitude of the central `imageSize²` pixels over a `grid × grid` array of non-overlapping
 *    cells (cell boundaries ⌊i·imageSize/grid⌋, as LMgist's `downN` and LEAR's `down_N`).
 *
 * Descriptor layout (the same as LMgist and LEAR, so their descriptors line up index by index):
 * `d[((channel·F + filter)·grid + cellX)·grid + cellY]`, channel 0..2 = R, G, B (or the one gray channel),
 * filter = scale-major (finest scale first) then orientation, F = Σ orientationsPerScale, cellX the column
 * of the cell (left to right), cellY its row (top to bottom) — cellY varies fastest.
 * Length = channels · F · grid².
 *
 * Agreement: on the same 256×256 pixels this matches a line-by-line numpy port of LMgist.m to ~1e−7 relative
 * (see gist.test.ts). Photos differ from MATLAB's LMgist only through the resize (area averaging here,
 * MATLAB's antialiased bilinear `imresize` there). {@link LEAR_GIST} is LEAR's parameter setting on this
 * pipeline; the LEAR C code itself skips the 32-pixel boundary extension and the contrast stretch.
 *
 * Speed: the two forward FFTs take real channels two at a time (R + iG), and each filtered inverse transform is
 * pruned: rows (or columns, whichever is fewer) where the filter's gain is below 1e−5 are skipped, only the
 * `imageSize` output columns that are kept are transformed along the second axis, and the cropped output is
 * reduced to cell sums on the fly. All buffers are reused between calls (one workspace per thread).
 * Where WebAssembly SIMD is available (Node 20), the forward 2-D transform runs as a batched f64x2 Stockham FFT
 * and every filtered inverse transform as a batched f32x4 one ({@link SimdFftBatch}, four transforms per
 * instruction): the supported rows are gathered (spectrum × gains) as the columns of one batch, scattered
 * transposed into 32-column tiles for the second axis, and the magnitudes are summed per column in SIMD; the
 * prefilter's lowpasses run as low-rank f64 matrix products ({@link gistPrefilter}). The descriptor agrees with
 * the scalar f64 path to 3e−7 relative, every element (tested to 1e−6; bench/gist.md), at ~4.4× less CPU.
 *
 * References: Oliva & Torralba, "Modeling the shape of the scene: a holistic representation of the spatial
 * envelope", IJCV 42(3), 2001, §4–5; Torralba, "Contextual priming for object detection", IJCV 53(2), 2003,
 * §2 (the 4×4 grid of averaged filter energies); Douze, Jégou, Sandhawalia, Amsaleg & Schmid, "Evaluation of
 * GIST descriptors for web-scale image search", CIVR 2009, §2 (colour gist, 3 scales 8/8/4 → 960-D);
 * Hays & Efros, "Scene completion using millions of photographs", SIGGRAPH 2007, §3.
 */
export interface GistParams {
  /** Side, in pixels, of the square the photo is resized-and-cropped to (LMgist: 256). */
  imageSize: number;
  /** Orientations per scale, finest scale first (LMgist: [8, 8, 8, 8]; LEAR: [8, 8, 4]). */
  orientationsPerScale: number[];
  /** Cells per side of the averaging grid (4 → 16 cells). */
  grid: number;
  /** Prefilter cut-off in cycles per image (LMgist `fc_prefilt`: 4). */
  prefilterFc: number;
  /** Per colour channel (R, G, B) instead of on the gray image. */
  color: boolean;
}

/** LMgist's parameters (256 px, 4 scales × 8 orientations, 4×4 grid, fc 4) on R, G, B: 1536-D. */
export const DEFAULT_GIST: GistParams = Object.freeze({
  imageSize: 256,
  orientationsPerScale: Object.freeze([8, 8, 8, 8]) as number[],
  grid: 4,
  prefilterFc: 4,
  color: true,
});

/** The LEAR C code's `color_gist` setting (Douze et al. 2009): 3 scales with 8, 8, 4 orientations, 4×4, colour: 960-D. */
export const LEAR_GIST: GistParams = Object.freeze({
  imageSize: 256,
  orientationsPerScale: Object.freeze([8, 8, 4]) as number[],
  grid: 4,
  prefilterFc: 4,
  color: true,
});

/** Pixels of symmetric padding around the prefiltered image before Gabor filtering (LMgist `boundaryExtension`). */
const BOUNDARY = 32;
/**
 * Rows of a filter whose gains are all below this (relative to the peak, 1) are skipped. Measured on photos:
 * the descriptor changes by at most 2e−7 relative (float32 rounding) against keeping every row.
 */
const SUPPORT_EPS = 1e-5;
/** Columns per batched inverse transform (keeps the working set in L2). */
const TILE = 64;
/**
 * Columns per SIMD tile: 320 × 32 complex doubles and their Stockham scratch (330 KB) stay in a 512 KB L2;
 * measured ~7 % faster than 64 on colour gist.
 */
const SIMD_TILE = 32;

/** Column tiles of width ≤ tile over `size` columns and the cell runs inside them. */
interface Tiling {
  tileWidth: number[];
  segFirst: Int32Array;
  segFrom: Int32Array;
  segTo: Int32Array;
  segCell: Int32Array;
}

function tiling(cell: Int32Array, size: number, tile: number): Tiling {
  const tileWidth: number[] = [];
  for (let x = 0; x < size; x += tile) tileWidth.push(Math.min(tile, size - x));
  return { tileWidth, ...tileSegments(cell, tileWidth) };
}

/** Descriptor length for the given parameters. */
export function gistDim(params: GistParams = DEFAULT_GIST): number {
  const filters = params.orientationsPerScale.reduce((a, b) => a + b, 0);
  return (params.color ? 3 : 1) * filters * params.grid * params.grid;
}

/** Refuses parameters no gist can be computed with (a DejaError naming the field, expected and received values). */
export function checkGistParams(params: GistParams): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new DejaError('BAD_ARGUMENT', `Expected ${expected} for gist ${field} but received ${String(got)}`);
  };
  const { imageSize, orientationsPerScale, grid, prefilterFc } = params;
  if (!Number.isInteger(imageSize) || imageSize < 16 || imageSize > 2048) bad('imageSize', 'an integer between 16 and 2048', imageSize);
  if (!Array.isArray(orientationsPerScale) || orientationsPerScale.length < 1 || orientationsPerScale.length > 8)
    bad('orientationsPerScale', '1 to 8 scales', orientationsPerScale);
  for (const o of orientationsPerScale) if (!Number.isInteger(o) || o < 1 || o > 64) bad('orientationsPerScale', 'integers between 1 and 64', orientationsPerScale.join('/'));
  if (!Number.isInteger(grid) || grid < 1 || grid > imageSize) bad('grid', `an integer between 1 and ${imageSize}`, grid);
  if (!(prefilterFc > 0 && prefilterFc <= imageSize / 2)) bad('prefilterFc', `a number in (0, ${imageSize / 2}]`, prefilterFc);
}

/** Cell index (0 … grid−1) of every pixel along one side: cell i spans [⌊i·size/grid⌋, ⌊(i+1)·size/grid⌋). */
function cellOfPixel(size: number, grid: number): Int32Array {
  const cell = new Int32Array(size);
  for (let i = 0; i < grid; i++) {
    const a = Math.floor((i * size) / grid);
    const b = Math.floor(((i + 1) * size) / grid);
    cell.fill(i, a, b);
  }
  return cell;
}

/** A filter restricted to the rows (of G, or of Gᵀ when `transposed`) where it is not negligible. */
interface PrunedFilter {
  transposed: boolean;
  rows: Int32Array;
  /** isRow[k] = 1 when row k is in `rows`. */
  isRow: Uint8Array;
  /** rows.length × P gains, row by row. */
  gains: Float32Array;
  /** The same gains transposed, P × rows.length rounded up to 4 (zero padding columns), for the SIMD path. */
  gainsT: Float32Array;
  /** Runs of consecutive rows: rows[runAt[r] … runAt[r] + runLen[r]) = runFrom[r] … runFrom[r] + runLen[r] − 1. */
  runFrom: Int32Array;
  runAt: Int32Array;
  runLen: Int32Array;
}

interface GistWorkspace {
  key: string;
  size: number;
  p: number;
  grid: number;
  filters: PrunedFilter[];
  cell: Int32Array;
  cellArea: Float64Array;
  reflect: Int32Array;
  /** Prefilter planes (size²) for up to 3 channels. */
  planes: Float64Array[];
  /** Padded complex plane (P²) for the forward FFT. */
  zr: Float64Array;
  zi: Float64Array;
  /** Spectra per channel, straight and transposed (P², float32). */
  xr: Float32Array[];
  xi: Float32Array[];
  xtr: Float32Array[];
  xti: Float32Array[];
  /** One row of the first-axis inverse transform. */
  wr: Float64Array;
  wi: Float64Array;
  /** Column tiles (P × width) of the second-axis inverse transform. */
  tileWidth: number[];
  tr: Float64Array[];
  ti: Float64Array[];
  /** Cell runs inside the tiles (see tileSegments). */
  segFirst: Int32Array;
  segFrom: Int32Array;
  segTo: Int32Array;
  segCell: Int32Array;
  sums: Float64Array;
  /** The SIMD path's column tiles. */
  simdTiles: Tiling;
  /** Row cell r spans cropped rows cellStart[r] … cellStart[r+1] − 1. */
  cellStart: Int32Array;
  /**
   * WebAssembly SIMD f32x4 batched FFT of length P for the filtered inverse transforms (null where
   * unavailable): planes 0/1 hold the first-axis rows (P × rowBatch, row i of the filter's support in column
   * i), planes 2/3 one column tile (P × tile width rounded up to 4), plane 4 column sums; float planes 0–11 the
   * spectra (4 per channel), 12… each filter's gainsT.
   */
  simd: SimdFftBatch<Float32Array> | null;
  /** The f64x2 batch of the forward transforms: planes 0–3 the padded image's 2-D transform, straight and transposed. */
  simdForward: SimdFftBatch<Float64Array> | null;
  rowBatch: number;
}

/** Batches of the f32x4 transforms are multiples of 4. */
const lanes4 = (k: number): number => Math.ceil(k / 4) * 4;

/** Workspaces by parameters, most recently used last; a few settings (e.g. gist and gist-lear) can alternate. */
const workspaces = new Map<string, GistWorkspace>();
const MAX_WORKSPACES = 3;

function pruneFilter(g: Float32Array, p: number): PrunedFilter {
  const rowMax = new Float32Array(p);
  const colMax = new Float32Array(p);
  for (let y = 0; y < p; y++)
    for (let x = 0; x < p; x++) {
      const v = g[y * p + x];
      if (v > rowMax[y]) rowMax[y] = v;
      if (v > colMax[x]) colMax[x] = v;
    }
  const rowsG = [...rowMax.keys()].filter((k) => rowMax[k] > SUPPORT_EPS);
  const colsG = [...colMax.keys()].filter((k) => colMax[k] > SUPPORT_EPS);
  const transposed = colsG.length < rowsG.length;
  const rows = Int32Array.from(transposed ? colsG : rowsG);
  const isRow = new Uint8Array(p);
  const gains = new Float32Array(rows.length * p);
  const kb = lanes4(rows.length);
  const gainsT = new Float32Array(p * kb);
  rows.forEach((r, i) => {
    isRow[r] = 1;
    for (let k = 0; k < p; k++) gains[i * p + k] = gainsT[k * kb + i] = transposed ? g[k * p + r] : g[r * p + k];
  });
  const runAt = [...rows.keys()].filter((i) => i === 0 || rows[i] !== rows[i - 1] + 1);
  const runLen = runAt.map((a, r) => (runAt[r + 1] ?? rows.length) - a);
  return { transposed, rows, isRow, gains, gainsT, runFrom: Int32Array.from(runAt, (i) => rows[i]), runAt: Int32Array.from(runAt), runLen: Int32Array.from(runLen) };
}

function workspace(params: GistParams): GistWorkspace {
  const size = params.imageSize;
  const key = `${size}:${params.orientationsPerScale.join('/')}:${params.grid}`;
  const hit = workspaces.get(key);
  if (hit) {
    workspaces.delete(key);
    workspaces.set(key, hit);
    return hit;
  }
  const p = size + 2 * BOUNDARY;
  const bank = gaborTransferFunctions(p, params.orientationsPerScale);
  const cell = cellOfPixel(size, params.grid);
  const counts = new Float64Array(params.grid);
  for (const c of cell) counts[c]++;
  const cellArea = new Float64Array(params.grid * params.grid);
  for (let a = 0; a < params.grid; a++) for (let b = 0; b < params.grid; b++) cellArea[a * params.grid + b] = counts[a] * counts[b];
  const reflect = new Int32Array(p);
  for (let i = 0; i < p; i++) reflect[i] = reflectIndex(i - BOUNDARY, size);
  const tileWidth: number[] = [];
  for (let x = 0; x < size; x += TILE) tileWidth.push(Math.min(TILE, size - x));
  const ws: GistWorkspace = {
    key,
    size,
    p,
    grid: params.grid,
    filters: bank.map((g) => pruneFilter(g, p)),
    cell,
    cellArea,
    reflect,
    planes: [0, 1, 2].map(() => new Float64Array(size * size)),
    zr: new Float64Array(p * p),
    zi: new Float64Array(p * p),
    xr: [],
    xi: [],
    xtr: [],
    xti: [],
    wr: new Float64Array(p),
    wi: new Float64Array(p),
    tileWidth,
    tr: tileWidth.map((w) => new Float64Array(p * w)),
    ti: tileWidth.map((w) => new Float64Array(p * w)),
    ...tileSegments(cell, tileWidth),
    sums: new Float64Array(params.grid * params.grid),
    simdTiles: tiling(cell, size, SIMD_TILE),
    cellStart: Int32Array.from({ length: params.grid + 1 }, (_, i) => Math.floor((i * size) / params.grid)),
    simd: null,
    simdForward: null,
    rowBatch: 0,
  };
  const rowBatch = lanes4(Math.max(...ws.filters.map((f) => f.rows.length), 1));
  const tileBatch = lanes4(Math.max(...ws.simdTiles.tileWidth));
  // SIMD memory: float32 planes (rows, tile, column sums); float planes: 4 spectra per channel, then each filter's gainsT.
  const floats = [...new Array<number>(12).fill(p * p), ...ws.filters.map((f) => f.gainsT.length)];
  ws.simd = SimdFftBatch.createF32(p, [p * rowBatch, p * rowBatch, p * tileBatch, p * tileBatch, tileBatch], Math.max(rowBatch, tileBatch), floats);
  // The forward 2-D transform in double precision (only for an even P, the f64 batch must be).
  if (p % 2 === 0) ws.simdForward = SimdFftBatch.create(p, new Array<number>(4).fill(p * p), p);
  ws.rowBatch = rowBatch;
  // The spectra live in the SIMD memory when there is one (the scalar path reads them there too).
  const simd = ws.simd;
  for (let c = 0; c < 3; c++)
    [ws.xr[c], ws.xi[c], ws.xtr[c], ws.xti[c]] = [0, 1, 2, 3].map((k) => (simd ? simd.floatPlane(4 * c + k) : new Float32Array(p * p)));
  if (simd) ws.filters.forEach((f, i) => simd.floatPlane(12 + i).set(f.gainsT));
  if (workspaces.size >= MAX_WORKSPACES) workspaces.delete(workspaces.keys().next().value!);
  workspaces.set(key, ws);
  return ws;
}

/** Fills ws.planes[0..channels) with the resized photo in LMgist's [0, 255] range, contrast-stretched. */
function loadPlanes(image: Image, params: GistParams, ws: GistWorkspace): number {
  const sq = resizeCropSquare(image, params.imageSize);
  const n = params.imageSize * params.imageSize;
  const d = sq.data;
  const channels = params.color ? 3 : 1;
  for (let c = 0; c < channels; c++) {
    const out = ws.planes[c];
    if (!params.color && sq.channels === 3) for (let i = 0; i < n; i++) out[i] = (255 / 3) * (d[i] + d[n + i] + d[2 * n + i]);
    else {
      const src = sq.channels === 3 ? c * n : 0;
      for (let i = 0; i < n; i++) out[i] = 255 * d[src + i];
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < channels; c++) {
    const p = ws.planes[c];
    for (let i = 0; i < n; i++) {
      const v = p[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const scale = 255 / Math.max(1, hi - lo);
  for (let c = 0; c < channels; c++) {
    const p = ws.planes[c];
    for (let i = 0; i < n; i++) p[i] = (p[i] - lo) * scale;
  }
  return channels;
}

/**
 * {@link forwardSpectra} with SIMD transforms: columns as one batch, a transpose, rows as one batch (so the
 * transposed spectrum comes out contiguous), a transpose back for the straight one, then the same split.
 */
function forwardSpectraSimd(ws: GistWorkspace, simd: SimdFftBatch<Float64Array>, a: number, b: number): void {
  const { p, size, reflect } = ws;
  const zr = simd.plane(0);
  const zi = simd.plane(1);
  const ztr = simd.plane(2);
  const zti = simd.plane(3);
  const pa = ws.planes[a];
  const pb = b >= 0 ? ws.planes[b] : undefined;
  for (let y = 0; y < p; y++) {
    const s = reflect[y] * size;
    const row = y * p;
    for (let x = 0; x < p; x++) {
      zr[row + x] = pa[s + reflect[x]];
      zi[row + x] = pb ? pb[s + reflect[x]] : 0;
    }
  }
  simd.forwardBatch(0, 1, p, false);
  simd.transposeBlock(0, 1, 0, p, 2, 3, 0, p, p, p);
  simd.forwardBatch(2, 3, p, false);
  simd.transposeBlock(2, 3, 0, p, 0, 1, 0, p, p, p);
  // z: straight spectrum Z[ky·P + kx]; zt: transposed, Z[kx·P + ky].
  splitSpectra(ws, zr, zi, ws.xr, ws.xi, a, b);
  splitSpectra(ws, ztr, zti, ws.xtr, ws.xti, a, b);
}

/**
 * out[a] (and out[b]) ← the spectra of real channels a (and b) from Z = X_a + i·X_b of one orientation:
 * X_a = (Z(k) + conj Z(−k))/2, X_b = (Z(k) − conj Z(−k))/(2i) (the mirror of (u, v) is (−u, −v) either way).
 */
function splitSpectra(ws: GistWorkspace, zr: Float64Array, zi: Float64Array, outR: Float32Array[], outI: Float32Array[], a: number, b: number): void {
  const p = ws.p;
  const ar = outR[a];
  const ai = outI[a];
  if (b < 0) {
    ar.set(zr.subarray(0, p * p));
    ai.set(zi.subarray(0, p * p));
    return;
  }
  const br = outR[b];
  const bi = outI[b];
  for (let y = 0; y < p; y++) {
    const ny = y === 0 ? 0 : p - y;
    for (let x = 0; x < p; x++) {
      const k = y * p + x;
      const m = ny * p + (x === 0 ? 0 : p - x);
      const r1 = zr[k];
      const i1 = zi[k];
      const r2 = zr[m];
      const i2 = zi[m];
      ar[k] = 0.5 * (r1 + r2);
      ai[k] = 0.5 * (i1 - i2);
      br[k] = 0.5 * (i1 + i2);
      bi[k] = 0.5 * (r2 - r1);
    }
  }
}

/** Pads channels a (and b) into the complex plane, FFTs it, and stores each real channel's spectrum. */
function forwardSpectra(ws: GistWorkspace, a: number, b: number): void {
  const { p, size, reflect, zr, zi } = ws;
  const pa = ws.planes[a];
  const pb = b >= 0 ? ws.planes[b] : undefined;
  for (let y = 0; y < p; y++) {
    const s = reflect[y] * size;
    const row = y * p;
    for (let x = 0; x < p; x++) {
      zr[row + x] = pa[s + reflect[x]];
      zi[row + x] = pb ? pb[s + reflect[x]] : 0;
    }
  }
  fft2d(zr, zi, p, p, false);
  const ar = ws.xr[a];
  const ai = ws.xi[a];
  const atr = ws.xtr[a];
  const ati = ws.xti[a];
  if (!pb) {
    for (let y = 0; y < p; y++)
      for (let x = 0; x < p; x++) {
        const k = y * p + x;
        const t = x * p + y;
        ar[k] = atr[t] = zr[k];
        ai[k] = ati[t] = zi[k];
      }
    return;
  }
  // Z = X_a + i·X_b with X_a, X_b Hermitian: X_a = (Z(k) + conj Z(−k))/2, X_b = (Z(k) − conj Z(−k))/(2i).
  const br = ws.xr[b];
  const bi = ws.xi[b];
  const btr = ws.xtr[b];
  const bti = ws.xti[b];
  for (let y = 0; y < p; y++) {
    const ny = y === 0 ? 0 : p - y;
    for (let x = 0; x < p; x++) {
      const nx = x === 0 ? 0 : p - x;
      const k = y * p + x;
      const m = ny * p + nx;
      const t = x * p + y;
      const r1 = zr[k];
      const i1 = zi[k];
      const r2 = zr[m];
      const i2 = zi[m];
      ar[k] = atr[t] = 0.5 * (r1 + r2);
      ai[k] = ati[t] = 0.5 * (i1 - i2);
      br[k] = btr[t] = 0.5 * (i1 + i2);
      bi[k] = bti[t] = 0.5 * (r2 - r1);
    }
  }
}

/**
 * Cell sums of |IDFT(X·G)| (unnormalised, i.e. × P²) over the central size² crop, for one channel and one
 * filter, into ws.sums[rowCell·grid + colCell] (rows of the transposed problem when the filter is transposed).
 */
function filterEnergy(ws: GistWorkspace, channel: number, filter: PrunedFilter): void {
  const { p, size, wr, wi, tr, ti, tileWidth, cell, grid, sums, segFirst, segFrom, segTo, segCell } = ws;
  const sr = filter.transposed ? ws.xtr[channel] : ws.xr[channel];
  const si = filter.transposed ? ws.xti[channel] : ws.xi[channel];
  const { rows, isRow, gains } = filter;
  const plan = fftPlan(p);
  const nt = tileWidth.length;
  // First axis: inverse transform of each supported row, keeping the cropped columns.
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i] * p;
    const gb = i * p;
    for (let k = 0; k < p; k++) {
      const g = gains[gb + k];
      wr[k] = sr[base + k] * g;
      wi[k] = si[base + k] * g;
    }
    plan.inverse(wr, wi);
    let x = BOUNDARY;
    for (let t = 0; t < nt; t++) {
      const w = tileWidth[t];
      const o = rows[i] * w;
      const dr = tr[t];
      const di = ti[t];
      for (let b = 0; b < w; b++) {
        dr[o + b] = wr[x + b];
        di[o + b] = wi[x + b];
      }
      x += w;
    }
  }
  for (let t = 0; t < nt; t++) {
    const w = tileWidth[t];
    for (let k = 0; k < p; k++)
      if (!isRow[k]) {
        tr[t].fill(0, k * w, (k + 1) * w);
        ti[t].fill(0, k * w, (k + 1) * w);
      }
  }
  // Second axis: batched inverse transforms of the tile columns, then magnitudes summed per cell.
  sums.fill(0);
  for (let t = 0; t < nt; t++) {
    const w = tileWidth[t];
    const dr = tr[t];
    const di = ti[t];
    plan.forwardBatch(dr, di, w, true);
    for (let y = 0; y < size; y++) {
      const o = (y + BOUNDARY) * w;
      const rowBase = cell[y] * grid;
      for (let g = segFirst[t]; g < segFirst[t + 1]; g++) {
        let acc = 0;
        for (let b = o + segFrom[g], end = o + segTo[g]; b < end; b++) {
          const re = dr[b];
          const im = di[b];
          acc += Math.sqrt(re * re + im * im);
        }
        sums[rowBase + segCell[g]] += acc;
      }
    }
  }
}

/**
 * {@link filterEnergy} with both axes as batched WebAssembly SIMD transforms (the same arithmetic, so the same
 * sums bit for bit): the supported rows are gathered as the columns of one P × K batch, and each output tile's
 * columns are scattered from it.
 */
function filterEnergySimd(ws: GistWorkspace, simd: SimdFftBatch<Float32Array>, channel: number, f: number): void {
  const { p, sums } = ws;
  const { tileWidth } = ws.simdTiles;
  const filter = ws.filters[f];
  const { rows, runFrom, runAt, runLen } = filter;
  const nr = rows.length;
  const kb = lanes4(nr);
  // Plane 0/1 column i ← supported row i of the spectrum × gains, read along runs of consecutive rows from the
  // other orientation of the spectrum (row r at column k is its element k·P + r) so both sides are contiguous.
  const src = 4 * channel + (filter.transposed ? 0 : 2);
  for (let r = 0; r < runFrom.length; r++) simd.gatherScaled(src, src + 1, runFrom[r], p, 12 + f, runAt[r], kb, 0, 1, runAt[r], kb, p, runLen[r]);
  if (kb > nr) {
    const rr = simd.plane(0);
    const ri = simd.plane(1);
    for (let k = 0; k < p; k++) {
      rr.fill(0, k * kb + nr, (k + 1) * kb);
      ri.fill(0, k * kb + nr, (k + 1) * kb);
    }
  }
  simd.forwardBatch(0, 1, kb, true);
  sums.fill(0);
  const dr = simd.plane(2);
  const di = simd.plane(3);
  let x = BOUNDARY;
  for (let t = 0; t < tileWidth.length; t++) {
    const wb = lanes4(tileWidth[t]);
    // Tile row rows[i] ← columns x … x+wb−1 of first-axis result i; the unsupported rows are zero.
    let next = 0;
    for (let r = 0; r <= runFrom.length; r++) {
      const from = r < runFrom.length ? runFrom[r] : p;
      dr.fill(0, next * wb, from * wb);
      di.fill(0, next * wb, from * wb);
      if (r < runFrom.length) {
        simd.transposeBlock(0, 1, x * kb + runAt[r], kb, 2, 3, from * wb, wb, wb, runLen[r]);
        next = from + runLen[r];
      }
    }
    x += tileWidth[t];
    simd.forwardBatch(2, 3, wb, true);
    tileSums(ws, simd, t, wb);
  }
}

/** Adds the magnitudes of tile t's cropped rows into ws.sums by cell: SIMD column sums per row cell, then runs. */
function tileSums(ws: GistWorkspace, simd: SimdFftBatch<Float32Array>, t: number, wb: number): void {
  const { grid, sums, cellStart } = ws;
  const { segFirst, segFrom, segTo, segCell } = ws.simdTiles;
  const col = simd.plane(4);
  for (let c = 0; c < grid; c++) {
    col.fill(0, 0, wb);
    simd.addColumnMagnitudes(2, 3, BOUNDARY + cellStart[c], cellStart[c + 1] - cellStart[c], wb, 4);
    for (let g = segFirst[t]; g < segFirst[t + 1]; g++) {
      let acc = 0;
      for (let b = segFrom[g]; b < segTo[g]; b++) acc += col[b];
      sums[c * grid + segCell[g]] += acc;
    }
  }
}

/** Runs of equal cell index inside each column tile: segments segFirst[t] … segFirst[t+1]−1 of tile t. */
function tileSegments(cell: Int32Array, tileWidth: number[]): { segFirst: Int32Array; segFrom: Int32Array; segTo: Int32Array; segCell: Int32Array } {
  const first = [0];
  const from: number[] = [];
  const to: number[] = [];
  const cells: number[] = [];
  let x0 = 0;
  for (const w of tileWidth) {
    for (let b = 0; b < w; b++) {
      if (b === 0 || cell[x0 + b] !== cell[x0 + b - 1]) {
        from.push(b);
        to.push(b + 1);
        cells.push(cell[x0 + b]);
      } else to[to.length - 1] = b + 1;
    }
    first.push(from.length);
    x0 += w;
  }
  return { segFirst: Int32Array.from(first), segFrom: Int32Array.from(from), segTo: Int32Array.from(to), segCell: Int32Array.from(cells) };
}

/**
 * The gist descriptor of one photo.
 * @param image any size, 1 (gray) or 3 (R, G, B) channels, values in [0, 1]
 * @param params descriptor parameters (default {@link DEFAULT_GIST}: 1536-D colour)
 * @param options `scalar: true` forces the scalar JavaScript transforms (for tests and benchmarks; the
 *   WebAssembly SIMD ones give the same numbers bit for bit)
 * @returns `gistDim(params)` finite values, layout `((channel·F + filter)·grid + cellX)·grid + cellY`
 *   (see the module comment); compare with squared L2
 * @throws DejaError BAD_ARGUMENT when params are out of range
 * @example
 * const d = gistDescriptor((await decodeFile('photo.jpg', { minSide: 256 })).image); // Float32Array(1536)
 */
export function gistDescriptor(image: Image, params: GistParams = DEFAULT_GIST, options: { scalar?: boolean } = {}): Float32Array {
  checkGistParams(params);
  assert(image.channels === 1 || image.channels === 3, `gist image channels ${image.channels}`);
  const ws = workspace(params);
  const channels = loadPlanes(image, params, ws);
  gistPrefilter(ws.planes.slice(0, channels), params.imageSize, params.prefilterFc, { scalar: options.scalar });
  const simd = options.scalar ? null : ws.simdForward;
  for (let c = 0; c < channels; c += 2) {
    if (simd) forwardSpectraSimd(ws, simd, c, c + 1 < channels ? c + 1 : -1);
    else forwardSpectra(ws, c, c + 1 < channels ? c + 1 : -1);
  }
  const { grid, filters, sums, cellArea, p } = ws;
  const nf = filters.length;
  const out = new Float32Array(channels * nf * grid * grid);
  const norm = 1 / (p * p);
  for (let c = 0; c < channels; c++)
    for (let f = 0; f < nf; f++) {
      const filter = filters[f];
      if (ws.simd && !options.scalar) filterEnergySimd(ws, ws.simd, c, f);
      else filterEnergy(ws, c, filter);
      const base = (c * nf + f) * grid * grid;
      for (let cx = 0; cx < grid; cx++)
        for (let cy = 0; cy < grid; cy++) {
          const s = filter.transposed ? cx * grid + cy : cy * grid + cx;
          out[base + cx * grid + cy] = (sums[s] * norm) / cellArea[cy * grid + cx];
        }
    }
  return out;
}

/**
 * For scene completion, which must ignore a hole: the weight of every descriptor dimension = the fraction of
 * known pixels in that dimension's cell, after the same resize-and-crop as {@link gistDescriptor}.
 * @param mask width·height bytes, row-major, 0 = known, 255 = hole (values between count as partly known)
 * @param width mask width in pixels (the photo's)
 * @param height mask height in pixels
 * @returns `gistDim(params)` weights in [0, 1], same layout as the descriptor
 * @example
 * const w = gistCellWeights(mask, photo.width, photo.height); // then maskedGistDistance(a, b, w)
 */
export function gistCellWeights(mask: Uint8Array, width: number, height: number, params: GistParams = DEFAULT_GIST): Float32Array {
  checkGistParams(params);
  assert(mask.length === width * height, `mask length ${mask.length} != ${width}x${height}`);
  const known = createImage(width, height, 1);
  for (let i = 0; i < mask.length; i++) known.data[i] = 1 - mask[i] / 255;
  const sq = resizeCropSquare(known, params.imageSize);
  const { grid, imageSize: size } = params;
  const cell = cellOfPixel(size, grid);
  const sum = new Float64Array(grid * grid);
  const count = new Float64Array(grid * grid);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const k = cell[x] * grid + cell[y];
      sum[k] += sq.data[y * size + x];
      count[k]++;
    }
  const dim = gistDim(params);
  const out = new Float32Array(dim);
  const cells = grid * grid;
  for (let i = 0; i < dim; i++) {
    const k = i % cells;
    out[i] = Math.min(1, Math.max(0, sum[k] / count[k]));
  }
  return out;
}

/**
 * Weighted squared L2 distance, normalised by the weight sum: Σ wᵢ(aᵢ − bᵢ)² / Σ wᵢ (Hays & Efros 2007, §3:
 * the gist distance of the query's known region).
 * @param a, b descriptors of equal length
 * @param weights same length, ≥ 0 (from {@link gistCellWeights})
 * @returns the distance, or Infinity when every weight is 0 (nothing known to compare)
 */
export function maskedGistDistance(a: Float32Array, b: Float32Array, weights: Float32Array): number {
  assert(a.length === b.length && a.length === weights.length, `masked gist lengths ${a.length}/${b.length}/${weights.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    num += weights[i] * d * d;
    den += weights[i];
  }
  return den > 0 ? num / den : Infinity;
}

/** Parses the spec options shared by the gist factories over a base parameter set. */
function parseOptions(name: string, base: GistParams, options: Readonly<Record<string, string>>, allowColor: boolean): { params: GistParams; spec: string } {
  const bad = (key: string, expected: string): never => {
    throw new DejaError('BAD_ARGUMENT', `Expected ${expected} for ${name} option ${key} but received ${options[key]}`);
  };
  const int = (key: string, lo: number, hi: number, fallback: number): number => {
    if (options[key] === undefined) return fallback;
    const v = Number(options[key]);
    if (!Number.isInteger(v) || v < lo || v > hi) bad(key, `an integer between ${lo} and ${hi}`);
    return v;
  };
  const params: GistParams = { ...base, orientationsPerScale: [...base.orientationsPerScale] };
  if (allowColor && options.color !== undefined) {
    if (options.color !== '0' && options.color !== '1') bad('color', '0 or 1');
    params.color = options.color === '1';
  }
  if (options.orientations !== undefined) {
    const o = options.orientations.split('/').map(Number);
    if (o.length < 1 || o.length > 8 || o.some((v) => !Number.isInteger(v) || v < 1 || v > 64)) bad('orientations', 'orientations per scale like 8/8/8/8');
    params.orientationsPerScale = o;
  }
  params.imageSize = int('size', 32, 1024, base.imageSize);
  params.grid = int('grid', 1, 32, base.grid);
  if (options.fc !== undefined) {
    const fc = Number(options.fc);
    if (!(fc > 0 && fc <= 64)) bad('fc', 'a number in (0, 64]');
    params.prefilterFc = fc;
  }
  const spec: Record<string, string> = {};
  if (params.color !== base.color) spec.color = params.color ? '1' : '0';
  if (params.orientationsPerScale.join('/') !== base.orientationsPerScale.join('/')) spec.orientations = params.orientationsPerScale.join('/');
  if (params.imageSize !== base.imageSize) spec.size = String(params.imageSize);
  if (params.grid !== base.grid) spec.grid = String(params.grid);
  if (params.prefilterFc !== base.prefilterFc) spec.fc = String(params.prefilterFc);
  return { params, spec: canonicalSpec(name, spec) };
}

function gistEncoder(name: string, params: GistParams, spec: string): Encoder {
  return {
    name,
    spec,
    version: 1,
    dim: gistDim(params),
    inputSize: params.imageSize,
    metric: 'l2',
    encode: (image) => gistDescriptor(image, params),
  };
}

function makeFactory(name: string, description: string, base: GistParams, allowColor: boolean): EncoderFactory {
  const options = allowColor ? ['color', 'orientations', 'grid', 'size', 'fc'] : ['orientations', 'grid', 'size', 'fc'];
  return {
    name,
    description,
    options,
    create(opts): Encoder {
      const { params, spec } = parseOptions(name, base, opts, allowColor);
      checkGistParams(params);
      return gistEncoder(name, params, spec);
    },
  };
}

/** `gist`: LMgist parameters on R, G, B (1536-D); options color=0|1, orientations=8/8/8/8, grid, size, fc. */
export const gistFactory: EncoderFactory = makeFactory(
  'gist',
  'Oliva–Torralba gist (LMgist: 4 scales × 8 orientations, 4×4 grid) per R, G, B channel, 1536-D',
  DEFAULT_GIST,
  true,
);

/** `gist-gray`: LMgist's gray gist, 512-D. */
export const gistGrayFactory: EncoderFactory = makeFactory(
  'gist-gray',
  'Oliva–Torralba gist on the gray image (LMgist: 4 scales × 8 orientations, 4×4 grid), 512-D',
  { ...DEFAULT_GIST, color: false },
  false,
);

/** `gist-lear`: the LEAR C code's colour gist (3 scales, 8/8/4 orientations), 960-D. */
export const gistLearFactory: EncoderFactory = makeFactory(
  'gist-lear',
  'colour gist as in the LEAR code of Douze et al. 2009 (3 scales, 8/8/4 orientations, 4×4 grid), 960-D',
  LEAR_GIST,
  true,
);
