/**
 * `POST /api/reconstruct` end to end on a real listening server: five fountain-P11 views
 * (../shared/data/strecha-mvs) shrunk to 384 px run as a job in the job worker; the job's files
 * (COLMAP model, PLY, topview.png, scene.json) are fetched by name; bad input (one photo, a non-image,
 * too many photos, pinhole without K) is refused before queueing with a one-line error.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { createServer } from '../src/server/app.ts';
import * as Responses from '../src/server/responses.ts';
import { Collection } from '../src/store/collection.ts';
import { sharedData, tmpDir } from './helpers.ts';

const scene = path.join(sharedData, 'strecha-mvs/fountain-P11/images');
const skip = fs.existsSync(scene) ? false : 'needs ../shared/data/strecha-mvs';
let dir: string;
let base: string;
let app: Awaited<ReturnType<typeof createServer>> | undefined;

before(async () => {
  if (skip) return;
  dir = tmpDir('deja-serve-reconstruct-');
  // Reconstruction does not use the collection; the server still answers over one, so an empty one.
  Collection.open(path.join(dir, 'collection'), { create: true }).close();
  app = await createServer({ collection: path.join(dir, 'collection'), webRoot: path.join(dir, 'no-web'), maxReconstructPhotos: 6 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
});

after(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const view = (name: string) => ({ bytes: fs.readFileSync(path.join(scene, name)), name });

function form(fields: Record<string, string | number>, photos: { bytes: Buffer; name: string }[]): FormData {
  const f = new FormData();
  for (const p of photos) f.append('photos', new Blob([p.bytes]), p.name);
  for (const [k, v] of Object.entries(fields)) f.append(k, String(v));
  return f;
}

async function post(fields: Record<string, string | number>, photos: { bytes: Buffer; name: string }[], query = ''): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}/api/reconstruct${query}`, { method: 'POST', body: form(fields, photos) });
  return { status: r.status, json: await r.json() };
}

async function waitJob(url: string): Promise<any> {
  for (;;) {
    const j = await (await fetch(`${base}${url}`)).json();
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('POST /api/reconstruct reconstructs five uploaded fountain views as a job and serves its model, top view and viewer scene by name', { skip }, async () => {
  const photos = ['0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg', '0007.jpg'].map(view);
  const accepted = await post({ maxSize: 384, cameraModel: 'simple-radial', matcher: 'exhaustive' }, photos);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  assert.equal(accepted.json.kind, 'reconstruct');
  const job = await waitJob(accepted.json.url);
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  Responses.jobOf(Responses.ReconstructResult.strict()).parse(job);
  const r = job.result;
  assert.ok(r.summary.registered >= 4, `${r.summary.registered}/5 registered`);
  assert.ok(r.summary.points > 150 && r.summary.meanReprojectionError < 2, `${r.summary.points} points, ${r.summary.meanReprojectionError} px`);
  assert.deepEqual(r.images.map((i: { name: string }) => i.name), photos.map((p) => p.name));
  const sceneRes = await fetch(`${base}${r.files.scene}`);
  assert.match(sceneRes.headers.get('content-type')!, /^application\/json/);
  const s = Responses.ViewerScene.parse(await sceneRes.json());
  assert.equal(s.points.count, r.summary.points);
  assert.equal(s.cameras.length, r.summary.registered);
  assert.ok(s.points.rgb.some((c, i) => i % 3 === 0 && c !== s.points.rgb[i + 2]), 'coloured, not gray');
  const top = await fetch(`${base}${r.files.topView}`);
  assert.equal(top.headers.get('content-type'), 'image/png');
  const meta = await sharp(Buffer.from(await top.arrayBuffer())).metadata();
  assert.equal(Math.max(meta.width!, meta.height!), 800);
  const points3D = await (await fetch(`${base}${r.files.points3D}`)).text();
  assert.match(points3D, /^# 3D point list/);
  const ply = Buffer.from(await (await fetch(`${base}${r.files.ply}`)).arrayBuffer());
  assert.match(ply.subarray(0, 80).toString('latin1'), new RegExp(`^ply\\nformat binary_little_endian 1.0\\nelement vertex ${r.summary.points}\\n`));
  assert.equal((await fetch(`${base}${accepted.json.url}/files/other.json`)).status, 404, 'only the names the job saved exist');
});

test('POST /api/reconstruct refuses one photo, too many, a non-image and pinhole without K before queueing, each with one line', { skip }, async () => {
  const one = await post({}, [view('0000.jpg')]);
  assert.equal(one.status, 400);
  assert.match(one.json.error.message, /^need at least two photos to reconstruct, got 1$/);
  const many = await post({}, Array.from({ length: 7 }, () => view('0000.jpg')));
  assert.equal(many.status, 400);
  assert.match(many.json.error.message, /at most 6 photos/);
  assert.match(many.json.error.hint, /--max-reconstruct-photos/);
  const text = await post({}, [view('0000.jpg'), { bytes: Buffer.from('just some notes\n'), name: 'notes.txt' }]);
  assert.equal(text.status, 415, JSON.stringify(text.json));
  assert.equal(text.json.error.file, 'notes.txt');
  const pinhole = await post({ cameraModel: 'pinhole' }, [view('0000.jpg'), view('0001.jpg')]);
  assert.equal(pinhole.status, 400);
  assert.match(pinhole.json.error.message, /pinhole camera model needs K/);
  const big = await post({ maxSize: 4000 }, [view('0000.jpg'), view('0001.jpg')]);
  assert.equal(big.status, 400);
  assert.match(big.json.error.message, /maxSize/);
  for (const e of [one, many, text, pinhole, big]) assert.ok(!e.json.error.message.includes('\n') && !('stack' in e.json.error), JSON.stringify(e.json));
});

test('/openapi.json documents POST /api/reconstruct: its photos and fields, and its result schema', { skip }, async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const op = doc.paths['/api/reconstruct'].post;
  const body = op.requestBody.content['multipart/form-data'].schema;
  assert.equal(body.properties.photos.type, 'array');
  assert.deepEqual(body.properties.cameraModel.enum, ['simple-radial', 'pinhole']);
  assert.equal(body.properties.maxSize.maximum, 2048);
  assert.equal(body.properties.threads, undefined, 'threads are the operator’s');
  const result = op.responses['200'].content['application/json'].schema.properties.result;
  assert.ok(JSON.stringify(result).includes('topView'));
  assert.ok(doc.paths['/api/jobs/{id}/files/{name}'].get.responses['200'].content['application/json']);
});
