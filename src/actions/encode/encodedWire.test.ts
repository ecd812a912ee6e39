import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeJobId, encodedFromWire, encodedToWire } from './encodedWire.ts';
import { jobFailureMessage, parseJobFailure } from './jobFailure.ts';
import { DejaError } from '../../core/errors.ts';

test('descriptors survive the job result format bit for bit, as compact base64 rather than number arrays', () => {
  const values = Float32Array.from([0, -0, 1.5, 3.4028234663852886e38, 1.401298464324817e-45, -7.25, Math.PI]);
  const view = new Float32Array(new ArrayBuffer(4 * 9), 4, values.length); // a view at an offset, as a pool's buffers are
  view.set(values);
  const exif = { latitude: 1, longitude: 2, takenAt: null, camera: 'X', fields: { Make: 'X' } };
  const wire = encodedToWire({ width: 3, height: 4, format: 'jpeg', exif, descriptors: { tiny: view } });
  assert.equal(typeof wire.descriptors.tiny, 'string');
  assert.equal(wire.descriptors.tiny.length, Math.ceil((4 * values.length) / 3) * 4);
  const back = encodedFromWire(JSON.parse(JSON.stringify(wire)));
  assert.deepEqual(new Uint8Array(back.descriptors.tiny.buffer), new Uint8Array(values.buffer));
  assert.ok(Object.is(back.descriptors.tiny[1], -0));
  assert.deepEqual({ ...back, descriptors: {} }, { width: 3, height: 4, format: 'jpeg', exif, descriptors: {} });
});

test('a job id is the photo hash and a digest of what is computed: equal work, equal id', () => {
  const h = 'ab'.repeat(32);
  assert.equal(encodeJobId(h, ['gist', 'tiny'], 100), encodeJobId(h, ['gist', 'tiny'], 100));
  assert.notEqual(encodeJobId(h, ['gist', 'tiny']), encodeJobId(h, ['tiny', 'gist']));
  assert.notEqual(encodeJobId(h, ['tiny'], 100), encodeJobId(h, ['tiny'], 200));
  assert.match(encodeJobId(h, ['tiny']), /^[0-9a-f]{64}-[0-9a-f]{16}$/); // BullMQ refuses ':' and integer ids
});

test("a photo's DejaError crosses the queue with its code, file and hint; other failures do not parse as one", () => {
  const e = parseJobFailure(jobFailureMessage(new DejaError('NOT_AN_IMAGE', 'not an image Deja can read', { file: 'a.jpg', hint: 'h' })));
  assert.ok(e instanceof DejaError);
  assert.deepEqual(e.toJSON(), { code: 'NOT_AN_IMAGE', message: 'not an image Deja can read', file: 'a.jpg', hint: 'h' });
  assert.equal(parseJobFailure('job stalled more than allowable limit'), undefined);
  assert.equal(parseJobFailure('DejaError {not json'), undefined);
});
