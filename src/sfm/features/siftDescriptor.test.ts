import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noiseTexture, rotate90 } from './featureTestKit.ts';
import { DEFAULT_DESCRIPTOR, DescriptorScratch, siftDescriptor } from './siftDescriptor.ts';

const W = 72;

function describe(plane: Float32Array, width: number, height: number, x: number, y: number, sigma: number, angle: number, options = DEFAULT_DESCRIPTOR): Float32Array {
  const out = new Float32Array(128);
  siftDescriptor(plane, width, height, x, y, sigma, angle, options, new DescriptorScratch(), out, 0);
  return out;
}

/** Value of spatial bin (row, column), orientation bin o. */
const at = (d: Float32Array, row: number, col: number, o: number) => d[(row * 4 + col) * 8 + o];

test('on a ramp every gradient lands in the orientation bin of its angle relative to the keypoint', () => {
  const theta = 1.1;
  const ramp = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) ramp[y * W + x] = 0.5 + 0.004 * (x * Math.cos(theta) + y * Math.sin(theta));
  for (const [angle, bin] of [[theta, 0], [theta - Math.PI / 2, 2], [theta + Math.PI / 2, 6]] as const) {
    const d = describe(ramp, W, W, 36, 35.5, 2.5, angle);
    let inBin = 0, elsewhere = 0;
    for (let i = 0; i < 128; i++) (i % 8 === bin ? (inBin += d[i] ** 2) : (elsewhere += d[i] ** 2));
    assert.ok(elsewhere < 1e-8 && Math.abs(inBin - 1) < 1e-6, `angle ${angle}: ${inBin} in bin ${bin}, ${elsewhere} elsewhere`);
    // The Gaussian window is centred: bins at mirrored positions weigh the same.
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) assert.ok(Math.abs(at(d, r, c, bin) - at(d, 3 - r, 3 - c, bin)) < 0.02);
  }
});

test("the rows of the 4 × 4 grid run along the keypoint's y axis, the columns along its x axis", () => {
  // Texture only above the keypoint (smaller y); the lower half of the window is flat.
  const img = noiseTexture(W, W, 4);
  for (let y = 34; y < W; y++) img.data.fill(0.5, y * W, (y + 1) * W);
  const mass = (d: Float32Array, pick: (r: number, c: number) => boolean) => {
    let s = 0;
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let o = 0; o < 8; o++) if (pick(r, c)) s += at(d, r, c, o) ** 2;
    return s;
  };
  const upright = describe(img.data, W, W, 36, 36, 3, 0);
  assert.ok(mass(upright, (r) => r === 3) < 1e-8 && mass(upright, (r) => r === 0) > 0.1, 'angle 0: texture in the top rows');
  // Turned by 90° clockwise, the keypoint's x axis points down the image, its y axis to the left: what lies above is in the first columns.
  const turned = describe(img.data, W, W, 36, 36, 3, Math.PI / 2);
  assert.ok(mass(turned, (_, c) => c === 3) < 1e-8 && mass(turned, (_, c) => c === 0) > 0.1, 'angle π/2: texture in the left columns');
});

test('the descriptor of an exactly rotated patch, taken at the rotated orientation, is the same', () => {
  const img = noiseTexture(W, W, 8);
  const turned = rotate90(img);
  for (const angle of [0, 0.4, 2.9]) {
    const a = describe(img.data, W, W, 30, 37, 2.2, angle);
    // (x, y) → (H − 1 − y, x), orientations + π/2.
    const b = describe(turned.image.data, W, W, W - 1 - 37, 30, 2.2, angle + Math.PI / 2);
    let d = 0;
    for (let i = 0; i < 128; i++) d += (a[i] - b[i]) ** 2;
    assert.ok(Math.sqrt(d) < 1e-4, `angle ${angle}: distance ${Math.sqrt(d)}`);
  }
});

test('values are clamped at 0.2 of the norm, then normalised again', () => {
  // A step and a fainter ramp: the step fills a few bins that exceed 0.2 unclamped.
  const img = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) img[y * W + x] = (x < 36 ? 0.2 : 0.8) + 0.002 * y;
  const raw = describe(img, W, W, 36, 36, 2, 0, { ...DEFAULT_DESCRIPTOR, clamp: 1 });
  const clamped = describe(img, W, W, 36, 36, 2, 0);
  assert.ok(Math.max(...raw) > 0.3, `unclamped max ${Math.max(...raw)}`);
  const expected = raw.map((v) => Math.min(v, 0.2));
  const n = Math.hypot(...expected);
  for (let i = 0; i < 128; i++) assert.ok(Math.abs(clamped[i] - expected[i] / n) < 1e-6, `value ${i}`);
});
