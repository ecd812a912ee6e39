import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createImage, crop, type Image } from '../core/image.ts';
import { fft2d } from '../imgproc/fft.ts';
import { gaborTransferFunctions } from '../imgproc/gabor.ts';
import { gistPrefilter, reflectIndex } from '../imgproc/prefilter.ts';
import { SimdFftBatch } from '../imgproc/simdFft.ts';
import { resizeCropSquare } from '../imgproc/resample.ts';
import { decodeFile, decodeImage } from '../io/decode.ts';
import {
  DEFAULT_GIST,
  LEAR_GIST,
  gistCellWeights,
  gistDescriptor,
  gistDim,
  gistFactory,
  gistGrayFactory,
  gistLearFactory,
  maskedGistDistance,
  type GistParams,
} from './gist.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const pennDir = path.resolve(repoRoot, '../shared/data/geotagged-penn-campus/images');
const GRAY: GistParams = { ...DEFAULT_GIST, color: false };

function sqDist(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Gray sinusoidal grating whose intensity varies along angle phi (counter-clockwise, y up), f cycles/pixel. */
function grating(size: number, f: number, phi: number): Image {
  const img = createImage(size, size, 1);
  const kx = f * Math.cos(phi);
  const ky = -f * Math.sin(phi);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) img.data[y * size + x] = 0.5 + 0.4 * Math.cos(2 * Math.PI * (kx * x + ky * y));
  return img;
}

/** Total energy per filter (summed over cells) of a gray gist. */
function filterEnergies(d: Float32Array, params: GistParams): number[] {
  const cells = params.grid * params.grid;
  const out: number[] = [];
  for (let f = 0; f < d.length / cells; f++) {
    let s = 0;
    for (let k = 0; k < cells; k++) s += d[f * cells + k];
    out.push(s);
  }
  return out;
}

test('descriptor lengths: default colour 1536, gray 512, LEAR colour 960', () => {
  const img = grating(300, 0.05, 0.3);
  assert.equal(gistDescriptor(img).length, 1536);
  assert.equal(gistDescriptor(img, GRAY).length, 512);
  assert.equal(gistDescriptor(img, LEAR_GIST).length, 960);
  assert.equal(gistDim(LEAR_GIST), 960);
  assert.deepEqual(LEAR_GIST.orientationsPerScale, [8, 8, 4]);
});

test('the factories build encoders whose spec lists only non-default options', () => {
  const g = gistFactory.create({});
  assert.equal(g.spec, 'gist');
  assert.equal(g.dim, 1536);
  assert.equal(g.inputSize, 256);
  assert.equal(g.metric, 'l2');
  assert.equal(g.version, 1);
  assert.equal(gistGrayFactory.create({}).dim, 512);
  assert.equal(gistGrayFactory.create({}).spec, 'gist-gray');
  assert.equal(gistLearFactory.create({}).dim, 960);
  assert.equal(gistLearFactory.create({}).spec, 'gist-lear');
  const custom = gistFactory.create({ color: '0', orientations: '8/8/4', grid: '4', fc: '4' });
  assert.equal(custom.spec, 'gist(color=0,orientations=8/8/4)');
  assert.equal(custom.dim, 320);
  assert.equal(gistFactory.create({ color: '1', size: '128', grid: '2' }).spec, 'gist(grid=2,size=128)');
  assert.throws(() => gistFactory.create({ orientations: '8/x' }), /orientations/);
  assert.throws(() => gistFactory.create({ color: '2' }), /color/);
  assert.throws(() => gistFactory.create({ grid: '0' }), /grid/);
});

test('a grating puts its energy in the orientation and scale nearest its own', () => {
  const params = GRAY;
  const scale = 2;
  const f = 0.3 / 1.85 ** scale; // the centre frequency of scale 2, cycles per pixel
  for (const deg of [0, 45, 112.5, 157.5, 30, 100]) {
    const e = filterEnergies(gistDescriptor(grating(256, f, (deg * Math.PI) / 180), params), params);
    const best = e.indexOf(Math.max(...e));
    const nearest = Math.round(deg / 22.5) % 8;
    assert.equal(best, scale * 8 + nearest, `grating at ${deg}°: peak filter ${best}`);
    // On a filter's own orientation most energy is in it: well above any other channel (the next is the finer
    // scale, which also catches the harmonics the prefilter's log creates).
    const others = e.filter((_, i) => i !== best);
    if (deg % 22.5 === 0) assert.ok(e[best] > 1.5 * Math.max(...others), `grating at ${deg}°: peak ${e[best]} vs next ${Math.max(...others)}`);
  }
});

test('rotating a grating by 90° moves the peak by half the orientations', () => {
  for (const scale of [0, 1, 3]) {
    const f = 0.3 / 1.85 ** scale;
    const e0 = filterEnergies(gistDescriptor(grating(256, f, Math.PI / 8), GRAY), GRAY);
    const e90 = filterEnergies(gistDescriptor(grating(256, f, Math.PI / 8 + Math.PI / 2), GRAY), GRAY);
    const p0 = e0.indexOf(Math.max(...e0));
    const p90 = e90.indexOf(Math.max(...e90));
    assert.equal(Math.floor(p0 / 8), scale, `scale ${scale}: peak at scale ${Math.floor(p0 / 8)}`);
    assert.equal(p0 % 8, 1);
    assert.equal(p90, p0 + 4, `scale ${scale}: ${p0} → ${p90}`);
  }
});

/** A smooth synthetic 256×256 colour scene (no resize involved, so any LMgist port sees the same pixels). */
function syntheticScene(): Image {
  const S = 256;
  const img = createImage(S, S, 3);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const i = y * S + x;
      img.data[i] = 0.5 + 0.3 * Math.sin(0.05 * x + 0.02 * y) + 0.1 * Math.cos(0.3 * x) * (y > 128 ? 1 : 0);
      img.data[S * S + i] = 0.4 + 0.25 * Math.sin(0.11 * y - 0.04 * x) + 0.15 * ((x - 90) ** 2 + (y - 160) ** 2 < 2500 ? 1 : 0);
      img.data[2 * S * S + i] = 0.45 + 0.2 * Math.cos(0.021 * (x + y)) * Math.sin(0.17 * y);
    }
  return img;
}

test('descriptors match an independent numpy port of LMgist (prefilt, createGabor, gistGabor) to 1e-5', () => {
  // Reference values from a line-by-line numpy transcription of LMgist.m (fft2 at 266 and 320, symmetric
  // padding, fix(linspace) blocks, column-major reshape) run on syntheticScene() in double precision.
  const cases: Array<[GistParams, number, Array<[number, number]>]> = [
    [DEFAULT_GIST, 46.09519919990684, [[0, 0.004332667086021591], [77, 0.0014791806860114404], [300, 0.0034557874920412126], [768, 0.008717979918161197], [1535, 0.0022051044799353595]]],
    [GRAY, 12.796563287251733, [[0, 0.0029269426008020566], [77, 0.012471029433028176], [300, 0.015212374880836503], [256, 0.005163299628069284], [511, 0.059292635637862585]]],
    [LEAR_GIST, 18.87214422380514, [[0, 0.004332667086021591], [77, 0.0014791806860114404], [300, 0.0050357368660383355], [480, 0.02480910685049032], [959, 0.04058503874792274]]],
  ];
  const img = syntheticScene();
  for (const [params, sum, probes] of cases) {
    const d = gistDescriptor(img, params);
    const total = d.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - sum) < 1e-5 * sum, `sum ${total} vs LMgist ${sum}`);
    for (const [i, v] of probes) assert.ok(Math.abs(d[i] - v) < 1e-5 * v + 1e-9, `dim ${i}: ${d[i]} vs LMgist ${v}`);
  }
});

test('a flat image has an all-zero gist', () => {
  const img = createImage(256, 256, 3);
  img.data.fill(0.4);
  const d = gistDescriptor(img);
  assert.ok(d.every((v) => v === 0));
});

/** The plain formula, filter by filter with full 2-D FFTs: the pruned fast path must agree with it. */
function referenceGist(image: Image, params: GistParams): Float32Array {
  const size = params.imageSize;
  const sq = resizeCropSquare(image, size);
  const n = size * size;
  const channels = params.color ? 3 : 1;
  const planes = Array.from({ length: channels }, (_, c) => {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++)
      p[i] = params.color ? 255 * sq.data[c * n + i] : (255 / 3) * (sq.data[i] + sq.data[n + i] + sq.data[2 * n + i]);
    return p;
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of planes) for (const v of p) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  for (const p of planes) for (let i = 0; i < n; i++) p[i] = ((p[i] - lo) * 255) / Math.max(1, hi - lo);
  gistPrefilter(planes, size, params.prefilterFc);
  const P = size + 64;
  const bank = gaborTransferFunctions(P, params.orientationsPerScale);
  const g = params.grid;
  const out = new Float32Array(gistDim(params));
  let k = 0;
  for (const plane of planes) {
    const xr = new Float64Array(P * P);
    const xi = new Float64Array(P * P);
    for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) xr[y * P + x] = plane[reflectIndex(y - 32, size) * size + reflectIndex(x - 32, size)];
    fft2d(xr, xi, P, P, false);
    for (const G of bank) {
      const zr = new Float64Array(P * P);
      const zi = new Float64Array(P * P);
      for (let i = 0; i < P * P; i++) (zr[i] = xr[i] * G[i]), (zi[i] = xi[i] * G[i]);
      fft2d(zr, zi, P, P, true);
      for (let cx = 0; cx < g; cx++)
        for (let cy = 0; cy < g; cy++) {
          let s = 0;
          const y0 = Math.floor((cy * size) / g);
          const y1 = Math.floor(((cy + 1) * size) / g);
          const x0 = Math.floor((cx * size) / g);
          const x1 = Math.floor(((cx + 1) * size) / g);
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += Math.hypot(zr[(y + 32) * P + x + 32], zi[(y + 32) * P + x + 32]);
          out[k++] = s / ((y1 - y0) * (x1 - x0));
        }
    }
  }
  return out;
}

function texturedPhoto(w: number, h: number, seed: number): Image {
  const img = createImage(w, h, 3);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v =
          0.5 +
          0.2 * Math.sin(0.11 * x * (c + 1) + seed) * Math.cos(0.07 * y + 0.3 * c) +
          0.15 * Math.sin(0.031 * (x + 2 * y) + seed * c) +
          (x > w / 3 && y < h / 2 ? 0.1 : 0) +
          0.05 * Math.sin(1.3 * x + 0.9 * y * seed);
        img.data[c * w * h + y * w + x] = v;
      }
  return img;
}

test('the pruned fast path equals the plain full-FFT formula (gray, colour, odd grid)', () => {
  const img = texturedPhoto(300, 260, 3);
  for (const params of [GRAY, { ...DEFAULT_GIST, orientationsPerScale: [8, 4], grid: 3 }]) {
    const fast = gistDescriptor(img, params);
    const ref = referenceGist(img, params);
    assert.equal(fast.length, ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(fast[i] - ref[i]) / (Math.abs(ref[i]) + 1e-3));
    assert.ok(worst < 1e-5, `relative difference ${worst}`);
    assert.ok(ref.some((v) => v > 0.01), 'the test image has structure');
  }
});

test('the WebAssembly SIMD path gives the scalar path\'s descriptors to 1e-6 (photos, gray, LEAR, odd sizes and batches)', async () => {
  assert.ok(SimdFftBatch.create(320, [640, 640], 2), 'WebAssembly SIMD is available in Node 20');
  const images: Image[] = [texturedPhoto(300, 260, 5)];
  if (fs.existsSync(pennDir)) {
    const names = fs.readdirSync(pennDir).filter((f) => f.endsWith('.jpg')).sort().slice(0, 2);
    for (const name of names) images.push((await decodeFile(path.join(pennDir, name), { minSide: 256 })).image);
  }
  // 71 + 64 = 135 = 3³·5: odd transform length, an odd last tile (7 columns) and odd row counts.
  const settings: GistParams[] = [DEFAULT_GIST, GRAY, LEAR_GIST, { ...DEFAULT_GIST, imageSize: 71, grid: 3, orientationsPerScale: [6, 3] }];
  for (const img of images)
    for (const params of settings) {
      const simd = gistDescriptor(img, params);
      const scalar = gistDescriptor(img, params, { scalar: true });
      let worst = 0;
      for (let i = 0; i < scalar.length; i++) worst = Math.max(worst, Math.abs(simd[i] - scalar[i]) / (Math.abs(scalar[i]) + 1e-6));
      assert.ok(worst < 1e-6, `relative difference ${worst} at size ${params.imageSize}`);
      assert.ok(scalar.some((v) => v > 1e-3), 'the descriptor has structure');
    }
});

test('gistCellWeights: an all-known mask weighs every dimension 1', () => {
  const w = gistCellWeights(new Uint8Array(400 * 300), 400, 300);
  assert.equal(w.length, 1536);
  assert.ok(w.every((v) => Math.abs(v - 1) < 1e-6));
});

test('gistCellWeights: a hole over the left half zeroes the left cells and keeps the right ones', () => {
  // 600 wide, 400 high: shrunk to 384×256 (area averaging), cropped to x ∈ [64, 320); the hole x < 300
  // becomes x < 192, i.e. crop x < 128: exactly the two left columns of cells.
  const width = 600;
  const height = 400;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < 300; x++) mask[y * width + x] = 255;
  const w = gistCellWeights(mask, width, height, GRAY);
  assert.equal(w.length, 512);
  for (let i = 0; i < w.length; i++) {
    const cellX = Math.floor((i % 16) / 4);
    if (cellX < 2) assert.ok(w[i] < 1e-6, `dim ${i} (cellX ${cellX}) weight ${w[i]}`);
    else assert.ok(w[i] > 1 - 1e-6, `dim ${i} (cellX ${cellX}) weight ${w[i]}`);
  }
});

test('maskedGistDistance weighs squared differences and normalises by the weight sum', () => {
  const a = Float32Array.of(1, 2, 3, 4);
  const b = Float32Array.of(1, 0, 3, 0);
  assert.equal(maskedGistDistance(a, b, Float32Array.of(1, 1, 1, 1)), 20 / 4);
  assert.equal(maskedGistDistance(a, b, Float32Array.of(1, 0, 1, 0)), 0);
  assert.equal(maskedGistDistance(a, b, Float32Array.of(0, 0.5, 0, 0)), 4);
  assert.equal(maskedGistDistance(a, b, new Float32Array(4)), Infinity);
});

test('a 4-pixel shift or a quality-50 JPEG re-encode of a photo moves its gist far less than another photo is', async (t) => {
  if (!fs.existsSync(pennDir)) return t.skip('shared data not present');
  const names = fs.readdirSync(pennDir).filter((f) => f.endsWith('.jpg')).sort();
  const load = async (name: string): Promise<Image> => (await decodeFile(path.join(pennDir, name), { minSide: 256 })).image;
  const photo = await load(names[0]);
  // Two crops 4 pixels apart along the long side: the same scene, shifted.
  const long = photo.height > photo.width;
  const w = long ? photo.width : photo.width - 4;
  const h = long ? photo.height - 4 : photo.height;
  const a = gistDescriptor(crop(photo, 0, 0, w, h));
  const shifted = gistDescriptor(crop(photo, long ? 0 : 4, long ? 4 : 0, w, h));
  const base = gistDescriptor(photo);
  const raw = await toJpeg(photo, 50);
  const jpeg = gistDescriptor((await decodeImage(raw, { minSide: 256 })).image);
  const others = await Promise.all([10, 25, 40, 55].map((i) => load(names[i % names.length])));
  const otherDist = Math.min(...others.map((o) => sqDist(base, gistDescriptor(o))));
  const shiftDist = sqDist(a, shifted);
  const jpegDist = sqDist(base, jpeg);
  assert.ok(shiftDist > 0, 'a shift changes the descriptor somewhat');
  assert.ok(shiftDist < 0.2 * otherDist, `shift ${shiftDist} vs nearest other photo ${otherDist}`);
  assert.ok(jpegDist < 0.2 * otherDist, `jpeg ${jpegDist} vs nearest other photo ${otherDist}`);
});

async function toJpeg(image: Image, quality: number): Promise<Buffer> {
  const { width, height } = image;
  const n = width * height;
  const bytes = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) bytes[i * 3 + c] = Math.max(0, Math.min(255, Math.round(image.data[c * n + i] * 255)));
  return sharp(bytes, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}
