/**
 * `deja reconstruct` and `deja eval sfm` end to end on Strecha's fountain-P11 (11 views with true
 * cameras, ../shared/data/strecha-mvs), shrunk to 512 × 341 so a run takes seconds; and the bad inputs
 * (one photo, a non-photo among photos, photos that do not overlap) as one-line errors.
 * Measured (2 threads, pinhole K): 11/11 registered, ~1200 points, 0.19 px, 4.2 mm and 0.10° after alignment.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { evalSfm } from '../src/actions/evalSfm.ts';
import { reconstruct } from '../src/actions/reconstruct.ts';
import { isDejaError } from '../src/core/errors.ts';
import { deja, sharedData, tmpDir } from './helpers.ts';

const scene = path.join(sharedData, 'strecha-mvs/fountain-P11');
const skip = fs.existsSync(scene) ? false : 'needs ../shared/data/strecha-mvs';
const dir = tmpDir('deja-reconstruct-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder holding the named fountain views (symlinks) and any extra files. */
function folderOf(name: string, views: string[], extra: Record<string, string> = {}): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  for (const v of views) fs.symlinkSync(path.join(scene, 'images', v), path.join(d, v));
  for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(d, f), text);
  return d;
}

test('reconstruct registers all of fountain-P11 with known K, sub-pixel reprojection error and cameras within 2° and 3 cm of the truth', { skip }, async () => {
  const out = path.join(dir, 'pinhole');
  const r = await reconstruct({ folder: path.join(scene, 'images'), out, cameraModel: 'pinhole', K: path.join(scene, 'K.txt'), maxSize: 512, threads: 2 });
  assert.ok(r.summary.registered >= 10, `${r.summary.registered}/11 registered: ${r.images.filter((i) => !i.registered).map((i) => `${i.name}: ${i.reason}`).join('; ')}`);
  assert.ok(r.summary.points > 500, `${r.summary.points} points`);
  assert.ok(r.summary.meanReprojectionError > 0.02 && r.summary.meanReprojectionError < 2, `${r.summary.meanReprojectionError} px`);
  assert.ok(r.summary.meanTrackLength > 2.2, `track length ${r.summary.meanTrackLength}`);
  assert.deepEqual(r.files.map((f) => path.basename(f)).sort(), ['cameras.txt', 'images.txt', 'points.ply', 'points3D.txt', 'scene.json', 'topview.png']);
  assert.match(fs.readFileSync(path.join(out, 'cameras.txt'), 'utf8'), /\n1 PINHOLE 512 341 /);
  const e = evalSfm({ model: out, gt: path.join(scene, 'gt_cameras') });
  assert.equal(e.cameras, r.summary.registered);
  assert.ok(e.rotation.mean < 2 && e.rotation.mean > 1e-4, `rotation ${e.rotation.mean}°`);
  assert.ok(e.relativeRotation.max < 2, `relative rotation ${e.relativeRotation.max}°`);
  assert.ok(e.position.mean < 0.03 && e.position.mean > 1e-5, `position ${e.position.mean} m`);
});

test('reconstruct with simple-radial guesses f, refines it to within 3 % of the true focal length and registers 6 views', { skip }, async () => {
  const views = ['0002.jpg', '0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg', '0007.jpg'];
  const r = await reconstruct({ folder: folderOf('radial', views), out: path.join(dir, 'radial-out'), maxSize: 512, threads: 2 });
  assert.equal(r.summary.registered, 6);
  assert.equal(r.cameraSetup.cameras, 'shared');
  assert.equal(r.stages.features.contrast, 0.04); // one camera: OpenCV's threshold
  assert.equal(r.stages.mapping.minRegistrationInliers, 30); // one camera: COLMAP's abs_pose_min_num_inliers
  assert.equal(r.camera.model, 'SIMPLE_RADIAL');
  const trueF = (1379.74 * 512) / 1536;
  assert.ok(Math.abs(r.camera.params[0] / trueF - 1) < 0.03, `f ${r.camera.params[0]} vs ${trueF}`);
  assert.ok(r.summary.meanReprojectionError < 2, `${r.summary.meanReprojectionError} px`);
});

/** The R G B columns of points3D.txt, one triple per point. */
function pointColoursOf(model: string): number[][] {
  return fs.readFileSync(path.join(model, 'points3D.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' ').slice(4, 7).map(Number));
}

test('reconstruct colours fountain-P11’s points from the photos: warm stone, not the old mid-gray, the same in the PLY', { skip }, async () => {
  const out = path.join(dir, 'colours');
  const r = await reconstruct({ folder: folderOf('colours', ['0004.jpg', '0005.jpg', '0006.jpg']), out, maxSize: 384, threads: 2 });
  assert.equal(r.summary.registered, 3);
  const rgb = pointColoursOf(out);
  assert.equal(rgb.length, r.summary.points);
  const mean = [0, 1, 2].map((c) => rgb.reduce((a, p) => a + p[c], 0) / rgb.length);
  // The fountain is sandstone lit by daylight: reddish more than bluish, neither black nor blown out.
  assert.ok(mean[0] > mean[2] + 5 && mean[0] > 60 && mean[0] < 230, `mean colour ${mean.map((m) => m.toFixed(0))}`);
  const spread = Math.sqrt(rgb.reduce((a, p) => a + (p[1] - mean[1]) ** 2, 0) / rgb.length);
  assert.ok(spread > 8, `green spread ${spread}: the colours should vary with the surface`);
  assert.ok(rgb.filter((p) => p[0] === 128 && p[1] === 128 && p[2] === 128).length < rgb.length / 10, 'mostly mid-gray points');
  const ply = fs.readFileSync(path.join(out, 'points.ply')), end = ply.indexOf('end_header\n') + 'end_header\n'.length;
  assert.deepEqual([ply[end + 12], ply[end + 13], ply[end + 14]], rgb[0]);
});

test('reconstruct writes topview.png: the coloured points from above with a marker per camera, named in the CLI summary', { skip }, async () => {
  const out = path.join(dir, 'topview');
  const cli = deja(['reconstruct', folderOf('topview', ['0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg']), '--out', out, '--max-size', '384', '--threads', '2', '--quiet']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`^top view: ${path.join(out, 'topview.png').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const { data, info } = await sharp(path.join(out, 'topview.png')).raw().toBuffer({ resolveWithObject: true });
  assert.ok(Math.max(info.width, info.height) === 800 || Math.max(info.width, info.height) === 800 + 1, `${info.width}×${info.height}`);
  let markers = 0, points = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    const [r, g, b] = [data[info.channels * i], data[info.channels * i + 1], data[info.channels * i + 2]];
    if (r > 230 && g > 190 && b < 100) markers++;
    else if (Math.abs(r - 24) + Math.abs(g - 26) + Math.abs(b - 30) > 30 && !(r > 240 && g > 240 && b > 240)) points++;
  }
  assert.ok(markers > 4 * 40, `${markers} marker pixels for 4 cameras`);
  assert.ok(points > 200, `${points} point pixels`);
});

const dejaErrorMatching = (pattern: RegExp) => (e: unknown) => isDejaError(e) && pattern.test(e.message);

test('reconstruct refuses a folder with one photo, naming what it found', { skip }, async () => {
  const folder = folderOf('one', ['0000.jpg']);
  await assert.rejects(reconstruct({ folder, out: path.join(dir, 'one-out'), maxSize: 256 }), dejaErrorMatching(/need at least two photos to reconstruct, found 1/));
  const cli = deja(['reconstruct', folder, '--out', path.join(dir, 'one-cli'), '--max-size', '256', '--quiet']);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr.trim(), /^deja: .*need at least two photos/);
  assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
});

test('reconstruct skips and reports non-photos among photos and reconstructs the rest', { skip }, async () => {
  const folder = folderOf('mixed', ['0004.jpg', '0005.jpg'], { 'notes.txt': 'not a photo', 'broken.jpg': 'not a jpeg either' });
  const r = await reconstruct({ folder, out: path.join(dir, 'mixed-out'), maxSize: 384, threads: 1 });
  assert.deepEqual(r.skipped.map((s) => path.basename(s.path)).sort(), ['broken.jpg', 'notes.txt']);
  assert.equal(r.images.length, 2);
  assert.equal(r.summary.registered, 2);
  await assert.rejects(
    reconstruct({ folder: folderOf('mixed-one', ['0004.jpg'], { 'notes.txt': 'x' }), out: path.join(dir, 'mixed-one-out'), maxSize: 256 }),
    dejaErrorMatching(/found 1 \(1 file skipped; first: .*notes\.txt/),
  );
});

test('reconstruct refuses photos that share no verified matches', { skip }, async () => {
  const folder = folderOf('apart', ['0000.jpg']);
  fs.symlinkSync(path.join(sharedData, 'strecha-mvs/Herz-Jesus-P8/images/0000.jpg'), path.join(folder, 'herz.jpg'));
  await assert.rejects(reconstruct({ folder, out: path.join(dir, 'apart-out'), maxSize: 384, threads: 1 }), dejaErrorMatching(/no pair of images shares enough verified matches/));
});
