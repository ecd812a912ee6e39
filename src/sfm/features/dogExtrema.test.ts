import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../core/image.ts';
import { blobImage } from './featureTestKit.ts';
import { dogExtrema, type DogExtremaOptions } from './dogExtrema.ts';
import { DEFAULT_SCALE_SPACE, gaussianScaleSpace, ScaleSpaceWorkspace } from './scaleSpace.ts';
import { ScaleSpaceKeypoints } from './scaleSpaceKeypoints.ts';

const DETECT: DogExtremaOptions = { scalesPerOctave: 3, sigma: 1.6, contrastThreshold: 0.04, edgeThreshold: 10, border: 5, maxRefinementSteps: 5 };

function detect(data: Float32Array, w: number, h: number, options: Partial<DogExtremaOptions> = {}): ScaleSpaceKeypoints {
  const octaves = gaussianScaleSpace(data, w, h, DEFAULT_SCALE_SPACE, new ScaleSpaceWorkspace());
  const out = new ScaleSpaceKeypoints(4);
  const seen = new Uint32Array(Math.ceil((3 * octaves[0].width * octaves[0].height) / 32));
  for (const o of octaves) dogExtrema(o.levels, o.width, o.height, o.index, { ...DETECT, ...options }, out, seen);
  return out;
}

/** An elongated Gaussian ridge: σ along x, σ / 6 along y (principal curvature ratio about 36 > 10). */
function ridge(w: number, h: number): Float32Array {
  const img = createImage(w, h, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[y * w + x] = 0.3 + 0.5 * Math.exp(-((x - w / 2) ** 2) / (2 * 15 ** 2) - ((y - h / 2) ** 2) / (2 * 2.5 ** 2));
  return img.data;
}

test('a blob is one refined extremum, stored in octave coordinates with its level and contrast', () => {
  const b = { x: 30.4, y: 25.8, sigma: 4, amplitude: 0.5 };
  const k = detect(blobImage(64, 56, 0.2, [b]).data, 64, 56);
  assert.equal(k.count, 1);
  const step = 2 ** k.octave[0];
  assert.ok(Math.hypot(k.x[0] * step - b.x, k.y[0] * step - b.y) < 0.1);
  assert.ok(k.level[0] >= 1 && k.level[0] <= 3);
  assert.ok(Math.abs((k.sigma[0] * step) / (b.sigma * 2 ** (-1 / 6)) - 1) < 0.05, `σ ${k.sigma[0] * step}`);
  assert.ok(k.response[0] > 0.04 / 3 && k.response[0] < 0.2, `|D| ${k.response[0]}`);
});

test("an elongated ridge is dropped by Lowe's edge test at r = 10 and kept when r allows its curvature ratio", () => {
  const w = 96, h = 64;
  assert.equal(detect(ridge(w, h), w, h).count, 0);
  assert.ok(detect(ridge(w, h), w, h, { edgeThreshold: 60 }).count >= 1);
});

test('a faint blob is dropped by the contrast threshold and found below it', () => {
  const faint = blobImage(64, 64, 0.5, [{ x: 32, y: 32, sigma: 3, amplitude: 0.05 }]).data;
  assert.equal(detect(faint, 64, 64).count, 0);
  assert.equal(detect(faint, 64, 64, { contrastThreshold: 0.004 }).count, 1);
});

test('extrema closer to the border than `border` octave pixels are not sought', () => {
  // Input pixel (4, 4) is pixel (8, 8) of the doubled first octave.
  const corner = blobImage(64, 64, 0.2, [{ x: 4, y: 4, sigma: 1.5, amplitude: 0.6 }]).data;
  assert.equal(detect(corner, 64, 64, { border: 5 }).count, 1);
  assert.equal(detect(corner, 64, 64, { border: 9 }).count, 0);
});
