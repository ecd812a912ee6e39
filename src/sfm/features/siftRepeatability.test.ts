/**
 * SIFT on real photos against warped copies of themselves, where the true correspondence is known.
 * Reference figure: Lowe 2004, §3.2, Fig. 3: about 80 % of keypoints found again at the matching
 * location and scale, with 3 scales per octave, under a random rotation, scaling and noise. The
 * measure is Mikolajczyk et al. 2005, §4.1 (repeatability), with circular regions. On these photos,
 * at 510 × 340, this implementation measured (fountain-P11 0000): 90° 99.6 %, 30° 72.7 %, ×0.5
 * 79.7 %, ×0.7 80.1 %; (Herz-Jesus-P8 0004) 30° with ×0.7: 70.7 %. The bounds sit about 0.1 below,
 * so that a wrong scale or position bookkeeping (which drops the scalings to near 0), a wrong
 * orientation convention (descriptors of rotated copies stop matching) or a broken refinement fails them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../io/decode.ts';
import type { Image } from '../../core/image.ts';
import { descriptorDistance, repeatability, rotate90, rotateImage, scaleImage, twoNearest, type Repeatability, type Warped } from './featureTestKit.ts';
import { siftFeatures, type SiftFeatures } from './siftFeatures.ts';

const data = path.resolve(import.meta.dirname, '../../../../shared/data/strecha-mvs');
const fountain = path.join(data, 'fountain-P11/images/0000.jpg');
const herzJesus = path.join(data, 'Herz-Jesus-P8/images/0004.jpg');
const skip = !fs.existsSync(fountain) || !fs.existsSync(herzJesus) ? 'needs ../shared/data/strecha-mvs' : false;

/** A photo decoded gray at 510 × 340 (shorter side 340) and its SIFT features, computed once per file. */
const photos = new Map<string, Promise<{ image: Image; features: SiftFeatures }>>();
function photo(file: string) {
  if (!photos.has(file)) {
    photos.set(file, decodeImage(fs.readFileSync(file), { gray: true, minSide: 340 }).then(({ image }) => ({ image, features: siftFeatures(image, { maxFeatures: Infinity }) })));
  }
  return photos.get(file)!;
}

const rotate30 = (image: Image) => rotateImage(image, Math.PI / 6);
const scale05 = (image: Image) => scaleImage(image, 0.5);
const scale07 = (image: Image) => scaleImage(image, 0.7);
const rotate30scale07 = (image: Image) => rotateImage(image, Math.PI / 6, 0.7);

/** The features of a warped copy and the repeatability against the original, computed once per photo and warp. */
const pairs = new Map<string, Promise<{ features: SiftFeatures; other: SiftFeatures; rep: Repeatability }>>();
function warpedPair(file: string, warp: (image: Image) => Warped) {
  const key = `${file} ${warp.name}`;
  if (!pairs.has(key)) {
    pairs.set(key, photo(file).then(({ image, features }) => {
      const warped = warp(image);
      const other = siftFeatures(warped.image, { maxFeatures: Infinity });
      return { features, other, rep: repeatability(features, image, other, warped) };
    }));
  }
  return pairs.get(key)!;
}

test('a real photo gives hundreds of keypoints at 510 × 340, and as many on its exact 90° rotation, nearly all repeated with the same descriptor', { skip }, async () => {
  const { features, other, rep } = await warpedPair(fountain, rotate90);
  assert.ok(features.count > 300 && features.count < 3000, `${features.count} keypoints`);
  assert.ok(Math.abs(other.count - features.count) < 0.05 * features.count, `${other.count} vs ${features.count}`);
  assert.ok(rep.score > 0.9, `repeatability ${rep.score}`);
  assert.ok(rep.orientationAgreement > 0.95, `orientation agreement ${rep.orientationAgreement}`);
  const distances = rep.forward.oriented.map(([i, j]) => descriptorDistance(features, i, other, j)).sort((a, b) => a - b);
  assert.ok(distances[distances.length >> 1] < 0.05, `median distance ${distances[distances.length >> 1]}`);
});

for (const [name, file, warp, minScore] of [
  ['rotated by 30°', fountain, rotate30, 0.6],
  ['scaled by 0.5', fountain, scale05, 0.65],
  ['scaled by 0.7', fountain, scale07, 0.65],
  ['rotated by 30° and scaled by 0.7 (another scene)', herzJesus, rotate30scale07, 0.6],
] as const) {
  test(`keypoints of a real photo ${name} reappear at the warped position and scale, with the warped orientation`, { skip }, async () => {
    const { rep } = await warpedPair(file, warp);
    if (process.env.SIFT_TEST_VERBOSE) console.log(name, rep.score.toFixed(3), rep.orientationAgreement.toFixed(3));
    assert.ok(rep.score > minScore && rep.score < 0.97, `repeatability ${rep.score.toFixed(3)} (bounds ${minScore}, 0.97)`);
    assert.ok(rep.orientationAgreement > 0.85, `orientation agreement ${rep.orientationAgreement.toFixed(3)}`);
  });
}

test("true matches of a rotated and scaled photo pass Lowe's ratio test and lie far closer than random pairs", { skip }, async () => {
  for (const warp of [rotate30, scale07]) {
    const { features, other, rep } = await warpedPair(fountain, warp);
    const pairs = rep.forward.oriented;
    assert.ok(pairs.length > 150, `${pairs.length} true matches`);
    let passed = 0;
    const trueDistances = pairs.map(([i, j]) => {
      const [nearest, d1, d2] = twoNearest(features, i, other);
      if (nearest === j && d1 < 0.8 * d2) passed++;
      return descriptorDistance(features, i, other, j);
    });
    const randomDistances = Array.from({ length: 2000 }, (_, q) => descriptorDistance(features, (q * 7919) % features.count, other, (q * 104_729) % other.count));
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
    // Measured: 96 % and 97 % pass; medians 0.06 and 0.11 against 1.03 (unit descriptors: orthogonal ones lie √2 apart).
    assert.ok(passed / pairs.length > 0.85, `ratio test passed by ${passed} of ${pairs.length}`);
    assert.ok(median(trueDistances) < 0.3 * median(randomDistances), `median true ${median(trueDistances)}, random ${median(randomDistances)}`);
    assert.ok(median(randomDistances) > 0.8 && median(randomDistances) < 1.3, `random median ${median(randomDistances)}`);
  }
});
