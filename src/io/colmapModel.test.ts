import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { colmapTextFiles, plyBytes, readColmapModel, writeColmapModel, type ColmapTextModel } from './colmapModel.ts';

const model: ColmapTextModel = {
  cameras: [{ id: 1, model: 'SIMPLE_RADIAL', width: 512, height: 341, params: [460.25, 256, 170.5, -0.01] }],
  images: [
    { id: 1, qvec: [1, 0, 0, 0], tvec: [0, 0, 0], cameraId: 1, name: '0000.jpg', xy: Float64Array.of(10.5, 20.5, 30, 40), point3DIds: Int32Array.of(1, -1) },
    { id: 2, qvec: [0.5, 0.5, 0.5, 0.5], tvec: [1, -2, 0.25], cameraId: 1, name: 'my photo.jpg', xy: Float64Array.of(11, 21), point3DIds: Int32Array.of(1) },
  ],
  points: [{ id: 1, xyz: [0.1, 0.2, 3], rgb: [128, 128, 128], error: 0.5, track: Int32Array.of(1, 0, 2, 0) }],
};

test('colmapTextFiles writes COLMAP text lines: camera params, qvec/tvec with the name, 2D points with point ids, tracks', () => {
  const files = colmapTextFiles(model);
  assert.ok(files['cameras.txt'].endsWith('1 SIMPLE_RADIAL 512 341 460.25 256 170.5 -0.01\n'));
  const images = files['images.txt'].split('\n');
  assert.equal(images[4], '1 1 0 0 0 0 0 0 1 0000.jpg');
  assert.equal(images[5], '10.5 20.5 1 30 40 -1');
  assert.match(files['images.txt'], /# Number of images: 2, mean observations per image: 1\n/);
  assert.ok(files['points3D.txt'].endsWith('1 0.1 0.2 3 128 128 128 0.5 1 0 2 0\n'));
  assert.match(files['points3D.txt'], /mean track length: 2\n/);
});

test('writeColmapModel writes the three files and a PLY that readColmapModel and a PLY reader read back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colmap-'));
  await writeColmapModel(path.join(dir, 'm'), model);
  const back = readColmapModel(path.join(dir, 'm'));
  assert.deepEqual(back.cameras, model.cameras);
  assert.equal(back.images[1].name, 'my photo.jpg');
  assert.deepEqual(back.images[1].qvec, [0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(back.images[0].point3DIds), [1, -1]);
  assert.deepEqual(Array.from(back.images[0].xy), [10.5, 20.5, 30, 40]);
  const ply = fs.readFileSync(path.join(dir, 'm', 'points.ply'));
  const end = ply.indexOf('end_header\n') + 'end_header\n'.length;
  assert.match(ply.subarray(0, end).toString(), /element vertex 1\n/);
  assert.equal(ply.length - end, 15);
  assert.ok(Math.abs(ply.readFloatLE(end + 8) - 3) < 1e-6);
  assert.equal(plyBytes([0, 0, 0]).at(-1), 128);
  fs.rmSync(dir, { recursive: true });
});
