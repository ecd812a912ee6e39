import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describeDecodeFailure, sniffFormat, specificLines } from './decodeFailure.ts';
import { decodeImage } from './decode.ts';

const penn = path.resolve(import.meta.dirname, '../../../shared/data/geotagged-penn-campus/images');

test('a truncated JPEG is named truncated even when sharp says only "Unknown error"', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 7)]);
  assert.equal(describeDecodeFailure(jpeg, 'jpeg', 'Unknown error'), 'truncated JPEG: the file ends before its end-of-image marker');
  const whole = Buffer.concat([jpeg, Buffer.from([0xff, 0xd9])]);
  assert.equal(describeDecodeFailure(whole, 'jpeg', 'Unknown error'), 'corrupt JPEG data (the decoder gave no reason)');
  assert.equal(describeDecodeFailure(whole, 'jpeg', 'VipsJpeg: Corrupt JPEG data: bad Huffman code\nVipsJpeg: premature end of JPEG image'), 'corrupt JPEG data: VipsJpeg: Corrupt JPEG data: bad Huffman code; VipsJpeg: premature end of JPEG image');
});

test("lines of another format's loader (another photo's error, from libvips' shared buffer) are dropped", () => {
  assert.deepEqual(specificLines('vipspng: libpng read error\nVipsJpeg: premature end of JPEG image\nsource: bad seek to 12', 'jpeg'), ['VipsJpeg: premature end of JPEG image']);
  assert.deepEqual(specificLines('Input buffer has corrupt header: gifload_buffer: Invalid frame data', 'gif'), ['gifload_buffer: Invalid frame data']);
  assert.equal(sniffFormat(Buffer.from('\x89PNG\r\n\x1a\n0000', 'latin1')), 'png');
  assert.equal(sniffFormat(Buffer.from('hello')), undefined);
});

test('truncated photos decoded all at once each get their own reason, never "Unknown error"', { skip: !fs.existsSync(penn) }, async () => {
  const files = fs.readdirSync(penn).filter((f) => f.endsWith('.jpg')).slice(0, 30);
  const cut = files.flatMap((f) => {
    const b = fs.readFileSync(path.join(penn, f));
    return [3, 7, 11].map((k) => b.subarray(0, Math.floor((b.length * k) / 13)));
  });
  // Concurrent decodes race on libvips' process-wide error buffer (sharp's "Unknown error").
  const reasons = await Promise.all(cut.map((b, i) => decodeImage(b, { minSide: 256, name: `cut${i}.jpg` }).then(() => 'decoded', (e: Error) => e.message)));
  const unknown = reasons.filter((r) => /unknown error/i.test(r));
  assert.deepEqual(unknown, []);
  for (const r of reasons) assert.match(r, /^truncated JPEG: the file ends before its end-of-image marker/);
});
