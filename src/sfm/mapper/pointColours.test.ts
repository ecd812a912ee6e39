import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MapperPoints } from './mapperResult.ts';
import { pointColours, type RgbBytes } from './pointColours.ts';

/** A 4 × 2 colour photo whose left half is pure red and right half pure blue. */
function halves(): RgbBytes {
  const data = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) data[3 * (y * 4 + x) + (x < 2 ? 0 : 2)] = 255;
  return { width: 4, height: 2, data };
}

const points = (tracks: [number, number][][]): MapperPoints => {
  const offsets = [0], image: number[] = [], feature: number[] = [];
  for (const t of tracks) {
    for (const [i, f] of t) image.push(i), feature.push(f);
    offsets.push(image.length);
  }
  return { count: tracks.length, xyz: new Float64Array(3 * tracks.length), error: new Float64Array(tracks.length), offsets: Int32Array.from(offsets), image: Int32Array.from(image), feature: Int32Array.from(feature) };
};

test('pointColours averages the photo colours at a track’s keypoints, bilinearly between pixels', () => {
  // Keypoints (x, y, scale, angle): image 0 at red (0, 0), blue (3, 1) and the red–blue border (1.5, 0); image 1 gray.
  const kp0 = Float32Array.of(0, 0, 1, 0, 3, 1, 1, 0, 1.5, 0, 1, 0);
  const gray: RgbBytes = { width: 4, height: 2, data: new Uint8Array(24).fill(102) };
  const rgb = pointColours(points([[[0, 0]], [[0, 1]], [[0, 2]], [[0, 0], [0, 1]], [[0, 0], [1, 0]]]), [kp0, Float32Array.of(2, 1, 1, 0)], [halves(), gray]);
  assert.deepEqual(Array.from(rgb), [
    255, 0, 0, // red
    0, 0, 255, // blue
    128, 0, 128, // half way across the border: the blend
    128, 0, 128, // red and blue observed: their mean
    179, 51, 51, // red and a 0.4 gray: (1 + 0.4) / 2, 0.2, 0.2
  ]);
});

test('pointColours clamps keypoints on and past the border and returns no bytes for no points', () => {
  const rgb = pointColours(points([[[0, 0]]]), [Float32Array.of(-0.4, 5, 1, 0)], [halves()]);
  assert.deepEqual(Array.from(rgb), [255, 0, 0]);
  assert.equal(pointColours(points([]), [], []).length, 0);
});
