import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noiseTexture } from './featureTestKit.ts';
import { siftFeaturesBatch } from './siftBatch.ts';
import { siftFeatures } from './siftFeatures.ts';

test('a batch over worker threads gives each image the features it gets alone, in input order', async () => {
  const images = [noiseTexture(72, 60, 1), noiseTexture(48, 80, 2), noiseTexture(64, 64, 3)];
  const options = { maxFeatures: 30 };
  const alone = images.map((im) => siftFeatures(im, options));
  for (const threads of [1, 2]) {
    const batch = await siftFeaturesBatch(images, options, threads);
    assert.equal(batch.length, 3);
    batch.forEach((f, i) => {
      assert.equal(f.count, alone[i].count);
      assert.deepEqual(f.keypoints, alone[i].keypoints);
      assert.deepEqual(f.descriptors, alone[i].descriptors);
    });
  }
  assert.equal(images[0].data.length, 72 * 60, 'the inputs are not detached');
});

test('a bad option in a batch is reported with the same message as alone', async () => {
  const images = [noiseTexture(40, 40, 1), noiseTexture(40, 40, 2)];
  await assert.rejects(siftFeaturesBatch(images, { firstOctave: -3 }, 2), /Expected an integer >= -1 for firstOctave but received -3/);
});
