import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { encodePhoto } from './encodePhoto.ts';
import { createEncoderResolved } from '../../encoders/factory.ts';
import type { Encoder } from '../../encoders/encoder.ts';

const data = path.resolve(import.meta.dirname, '../../../../shared/data');
const photos = [
  path.join(data, 'geotagged-penn-campus/images/img_00000.jpg'), // 480×640 phone photo, EXIF-rotated
  path.join(data, 'sceaux-castle/images/100_7100.JPG'), // 2832×2128: shrink-on-load
];

/** An encoder that needs a bigger decode than the canonical one (like gist with imageSize=512). */
const bigInput: Encoder = { name: 'big', spec: 'big', version: 1, dim: 1, inputSize: 600, metric: 'l2', encode: (img) => Float32Array.of(img.width) };

test("an encoder's descriptor is bit-identical whichever encoders run with it", { skip: !fs.existsSync(photos[1]) }, async () => {
  const [tiny, gist, lab] = await Promise.all(['tiny', 'gist', 'lab-hist'].map(createEncoderResolved));
  for (const file of photos) {
    const bytes = fs.readFileSync(file);
    const alone = await encodePhoto(bytes, [tiny], { name: file });
    for (const group of [[tiny, gist], [tiny, lab], [gist, lab, tiny], [tiny, bigInput]]) {
      const together = await encodePhoto(bytes, group, { name: file });
      assert.deepEqual(together.descriptors.tiny, alone.descriptors.tiny, `tiny with ${group.map((e) => e.spec)} on ${path.basename(file)}`);
      assert.equal(together.width, alone.width);
    }
    const labAlone = await encodePhoto(bytes, [lab], { name: file });
    const labWithGist = await encodePhoto(bytes, [gist, lab], { name: file });
    assert.deepEqual(labWithGist.descriptors['lab-hist'], labAlone.descriptors['lab-hist']);
  }
});

test('an encoder with a larger input than the canonical decode gets its own, larger decode', { skip: !fs.existsSync(photos[1]) }, async () => {
  const bytes = fs.readFileSync(photos[1]);
  const r = await encodePhoto(bytes, [bigInput], { name: photos[1] });
  assert.equal(r.descriptors.big[0], Math.round((600 * 2832) / 2128)); // shorter side 600, aspect kept
  assert.deepEqual([r.width, r.height], [2832, 2128]);
});
