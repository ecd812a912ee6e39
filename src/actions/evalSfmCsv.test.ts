/**
 * `evalSfm` against a reference-camera CSV (statue-of-liberty's `reference_cameras.csv` format): a
 * tiny synthetic model and a CSV holding the same cameras in another world frame (rotated, scaled by
 * 3.7, shifted), one camera moved; the errors come out after the similarity, and as a fraction of the
 * reference's extent.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDejaError } from '../core/errors.ts';
import { rotationFromAngleAxis } from '../math/angleAxis.ts';
import { mul3, mulVec3, transpose3 } from '../math/mat3.ts';
import { quaternionFromRotation } from '../math/quaternion.ts';
import { writeColmapModel } from '../io/colmapModel.ts';
import { evalSfm } from './evalSfm.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-evalsfm-csv-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = 'file,cx,cy,cz,r11,r12,r13,r21,r22,r23,r31,r32,r33,height,width,focal_px,near,far';

/** Six cameras on a circle looking at the origin (camFromWorld), their names. */
function cameras() {
  return Array.from({ length: 6 }, (_, k) => {
    const a = (k * Math.PI) / 8, C = [6 * Math.sin(a), 0.3 * k, -6 * Math.cos(a)];
    const R = rotationFromAngleAxis([0, -a, 0]); // camera z towards the origin
    return { name: `img${k}.jpg`, R: Float64Array.from(R), C };
  });
}

async function writeModel(folder: string) {
  const cams = cameras();
  await writeColmapModel(folder, {
    cameras: [{ id: 1, model: 'SIMPLE_RADIAL', width: 800, height: 1200, params: [1000, 400, 600, 0] }],
    images: cams.map((c, k) => ({ id: k + 1, qvec: quaternionFromRotation(c.R), tvec: mulVec3(c.R, c.C).map((v) => -v), cameraId: 1, name: c.name, xy: new Float64Array(0), point3DIds: new Int32Array(0) })),
    points: [],
  });
}

test('eval sfm with a reference CSV aligns by a similarity and reports the one moved camera as a fraction of the extent', async () => {
  const model = path.join(dir, 'model');
  await writeModel(model);
  // Reference world = 3.7 · A · model + b; camera 3's centre is moved by (0.5, 0.5, 0.5), 0.87 reference units.
  const A = rotationFromAngleAxis([0.3, -1.1, 0.4]), b = [10, -2, 5];
  const rows = cameras().map((c, k) => {
    const C = mulVec3(A, c.C).map((v, i) => 3.7 * v + b[i] + (k === 3 ? 0.5 : 0));
    const camToWorld = mul3(A, transpose3(c.R));
    return [c.name, ...C, ...camToWorld, 1200, 800, 1000, 1, 2].join(',');
  });
  rows.push(['not-in-model.jpg', 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1200, 800, 1000, 1, 2].join(','));
  const csv = path.join(dir, 'reference_cameras.csv');
  fs.writeFileSync(csv, `${HEADER}\n${rows.join('\n')}\n`);
  const r = evalSfm({ model, gt: csv });
  assert.equal(r.reference, 'csv');
  assert.equal(r.cameras, 6);
  assert.deepEqual(r.missing, ['not-in-model.jpg']);
  assert.ok(Math.abs(r.scale - 3.7) < 0.2, `scale ${r.scale}`);
  // The moved camera takes most of the 0.87 error; the others share the rest through the fit.
  assert.ok(r.position.max > 0.5 && r.position.max < 0.87, `max position error ${r.position.max}`);
  assert.ok(r.extent > 20, `extent ${r.extent}`);
  assert.ok(Math.abs(r.relativePosition.max - r.position.max / r.extent) < 1e-12);
  assert.ok(r.relativePosition.max > 0.005 && r.relativePosition.max < 0.03, `relative ${r.relativePosition.max}`);
  assert.ok(r.relativeRotation.max < 1e-4, `relative rotation ${r.relativeRotation.max}°`);
  // Rotations after alignment inherit the similarity's small tilt from the moved centre.
  assert.ok(r.rotation.max < 1.5, `rotation ${r.rotation.max}°`);
});

test('eval sfm refuses a reference CSV without the rotation columns, naming them', async () => {
  const model = path.join(dir, 'model2');
  await writeModel(model);
  const csv = path.join(dir, 'bad.csv');
  fs.writeFileSync(csv, 'file,cx,cy,cz\nimg0.jpg,0,0,0\n');
  assert.throws(() => evalSfm({ model, gt: csv }), (e: unknown) => isDejaError(e) && /lacks the columns r11, r12/.test(e.message));
});
