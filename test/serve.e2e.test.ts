import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { createServer } from '../src/server/app.ts';
import type { ServeOptions } from '../src/server/serveOptions.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';
import { buildServeCollection } from './serveFixture.ts';
import { ingest } from '../src/actions/ingest.ts';
import { Collection } from '../src/store/collection.ts';
import * as Responses from '../src/server/responses.ts';

// The HTTP API end to end on a real listening server over a small real collection (world street view).
const skip = !hasSharedData && 'needs ../shared/data';
let dir: string;
let coll: string;
let photos: string[];
let base: string;
const servers: { close(): Promise<unknown> }[] = [];

async function serve(options: Partial<ServeOptions> = {}): Promise<string> {
  const app = await createServer({ collection: coll, webRoot: path.join(dir, 'no-web'), ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  servers.push(app);
  const address = app.server.address() as net.AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-serve-');
  photos = await buildServeCollection(dir);
  coll = path.join(dir, 'collection');
  base = await serve();
});

after(async () => {
  for (const s of servers) await s.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function form(fields: Record<string, string | number | boolean> = {}, files: Record<string, { bytes: Buffer; name: string }[]> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(files)) for (const file of v) f.append(k, new Blob([file.bytes]), file.name);
  for (const [k, v] of Object.entries(fields)) f.append(k, String(v));
  return f;
}

function photoFile(i = 0): { bytes: Buffer; name: string } {
  return { bytes: fs.readFileSync(photos[i]), name: path.basename(photos[i]) };
}

async function post(url: string, body: FormData | string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', body, headers });
  return { status: r.status, json: await r.json() };
}

/** A one-line error body: code, message without newlines, and (mostly) a hint. */
function assertOneLineError(json: any, code: string): void {
  assert.equal(json.error?.code, code, JSON.stringify(json));
  assert.ok(json.error.message.length > 0 && !json.error.message.includes('\n'), json.error.message);
  assert.ok(!JSON.stringify(json).includes('    at '), 'no stack trace');
}

/** GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: u.hostname, port: u.port, path: rawPath }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test('collection routes: health, info, pages of photos, geotags, thumbnails', { skip }, async () => {
  const health = await (await fetch(`${base}/api/health`)).json();
  assert.deepEqual(health, { ok: true, photos: photos.length });
  const info = Responses.Info.parse(await (await fetch(`${base}/api/info`)).json());
  assert.equal(info.photos, photos.length);
  assert.equal(info.geotagged, photos.length);
  assert.deepEqual(info.encoders.map((e: { spec: string }) => e.spec).sort(), ['gist', 'lab-hist', 'tiny', 'tiny-gray']);
  const page1 = Responses.PhotoPage.parse(await (await fetch(`${base}/api/photos?offset=0&limit=10&order=id`)).json());
  const page2 = Responses.PhotoPage.parse(await (await fetch(`${base}/api/photos?offset=10&limit=10&order=id`)).json());
  assert.equal(page1.total, photos.length);
  assert.equal(page1.photos.length, 10);
  assert.ok(page2.photos[0].id > page1.photos[9].id, 'pages follow each other');
  // The default order is the one a person sorts names in: digit runs as numbers (2 before 10).
  const byName = Responses.PhotoPage.parse(await (await fetch(`${base}/api/photos?limit=500`)).json());
  assert.equal(byName.order, 'name');
  const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  const paths = byName.photos.map((p) => p.path);
  assert.deepEqual(paths, [...paths].sort(natural.compare), 'photos in natural name order');
  assert.equal(new Set(byName.photos.map((p) => p.id)).size, photos.length, 'every photo once');
  assert.equal(typeof page1.photos[0].latitude, 'number');
  assert.ok(page1.photos[0].label, 'labelled with the country');
  const geo = Responses.GeoPhotos.parse(await (await fetch(`${base}/api/photos/geo`)).json());
  assert.equal(geo.photos.length, photos.length);
  const thumb = await fetch(`${base}${page1.photos[0].thumbnail}?size=64`);
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
  assert.equal(Math.min(meta.width!, meta.height!), 64);
  const bad = await fetch(`${base}/api/photos?limit=100000`);
  assert.equal(bad.status, 400);
  assertOneLineError(await bad.json(), 'BAD_ARGUMENT');
});

test("a photo's original: its own file byte for byte, with its media type; a gone file is 404 and a changed one 409, never other bytes", { skip }, async () => {
  const page = Responses.PhotoPage.parse(await (await fetch(`${base}/api/photos?limit=3&order=id`)).json());
  for (const p of page.photos) {
    const r = await fetch(`${base}/api/photos/${p.id}/original`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', 'never sniffed into a page');
    assert.match(r.headers.get('etag') ?? '', /^"[0-9a-f]{16}"$/);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), fs.readFileSync(p.path), `${p.path} as indexed`);
    assert.equal((await sharp(fs.readFileSync(p.path)).metadata()).width, p.width, 'full size, not a thumbnail');
  }
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const ok = doc.paths['/api/photos/{id}/original'].get.responses['200'].content;
  assert.deepEqual(Object.keys(ok).slice(0, 2), ['image/jpeg', 'image/png']);
  assert.equal(ok['image/jpeg'].schema.format, 'binary');
  assert.match(ok['image/jpeg'].schema.description, /as indexed/);
  // A collection of two copied photos: one is then edited, the other removed.
  const own = path.join(dir, 'original-check');
  fs.mkdirSync(path.join(own, 'photos'), { recursive: true });
  const copies = [0, 1].map((i) => path.join(own, 'photos', path.basename(photos[i])));
  copies.forEach((c, i) => fs.copyFileSync(photos[i], c));
  const c = Collection.open(path.join(own, 'collection'), { create: true });
  try {
    await ingest(c, [path.join(own, 'photos')], { encoders: ['tiny'], threads: 1 });
  } finally {
    c.close();
  }
  const at = await serve({ collection: path.join(own, 'collection') });
  const ids = Responses.PhotoPage.parse(await (await fetch(`${at}/api/photos?order=id`)).json()).photos;
  const idOf = (file: string) => ids.find((p) => p.path === file)!.id;
  fs.appendFileSync(copies[0], Buffer.from('edited'));
  fs.rmSync(copies[1]);
  const changed = await fetch(`${at}/api/photos/${idOf(copies[0])}/original`);
  assert.equal(changed.status, 409);
  assertOneLineError(await changed.json(), 'CHANGED');
  const gone = await fetch(`${at}/api/photos/${idOf(copies[1])}/original`);
  assert.equal(gone.status, 404);
  assertOneLineError(await gone.json(), 'NOT_FOUND');
});

test('search: an uploaded collection photo finds itself first; search by photoId as JSON', { skip }, async () => {
  const r = await post(`${base}/api/search`, form({ encoder: 'tiny', k: 5 }, { photo: [photoFile(3)] }));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  Responses.SearchResult.strict().parse(r.json);
  assert.equal(r.json.results.length, 5);
  assert.equal(r.json.results[0].path, photos[3]);
  assert.ok(r.json.results[0].distance < 1e-3);
  assert.ok(r.json.results.every((h: { distance: number }, i: number, a: { distance: number }[]) => i === 0 || h.distance >= a[i - 1].distance));
  const byId = await post(`${base}/api/search`, JSON.stringify({ photoId: r.json.results[0].id, encoder: 'gist', k: 3 }), { 'content-type': 'application/json' });
  assert.equal(byId.status, 200, JSON.stringify(byId.json));
  assert.equal(byId.json.results[0].id, r.json.results[0].id);
});

test('bad input: malformed JSON, unknown encoder, unknown field, bad value, non-image bytes, raw body, missing photo', { skip }, async () => {
  const json = await post(`${base}/api/search`, '{"photoId": 1,', { 'content-type': 'application/json' });
  assert.equal(json.status, 400);
  assertOneLineError(json.json, 'BAD_JSON');
  const enc = await post(`${base}/api/search`, form({ encoder: 'nosuch' }, { photo: [photoFile()] }));
  assert.equal(enc.status, 400);
  assertOneLineError(enc.json, 'UNKNOWN_NAME');
  assert.match(enc.json.error.message, /gist/, 'lists the valid encoders');
  const encJob = await post(`${base}/api/locate`, form({ encoder: 'gist+nosuch' }, { photo: [photoFile()] }));
  assert.equal(encJob.status, 400, 'a job with an unknown encoder is refused before it is queued');
  const field = await post(`${base}/api/search`, form({ kk: 3 }, { photo: [photoFile()] }));
  assert.equal(field.status, 400);
  assert.match(field.json.error.message, /unknown field "kk"/);
  assert.match(field.json.error.hint, /\bk\b/);
  const value = await post(`${base}/api/search`, form({ k: 0 }, { photo: [photoFile()] }));
  assert.equal(value.status, 400);
  assert.match(value.json.error.message, /^invalid option k: .*\(received 0\)$/);
  const notImage = await post(`${base}/api/search`, form({}, { photo: [{ bytes: Buffer.from('this is not a photo at all'), name: 'notes.jpg' }] }));
  assert.equal(notImage.status, 415);
  assertOneLineError(notImage.json, 'NOT_AN_IMAGE');
  assert.equal(notImage.json.error.file, 'notes.jpg');
  const raw = await fetch(`${base}/api/search`, { method: 'POST', body: fs.readFileSync(photos[0]), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(raw.status, 415);
  assertOneLineError(await raw.json(), 'UNSUPPORTED_MEDIA_TYPE');
  const missing = await post(`${base}/api/classify`, form({ k: 3 }));
  assert.equal(missing.status, 400);
  assert.match(missing.json.error.message, /missing file field "photo"/);
  const extraFile = await post(`${base}/api/search`, form({}, { photo: [photoFile()], other: [photoFile(1)] }));
  assert.equal(extraFile.status, 400);
});

test('upload limits: bytes and pixels are refused with 413, and the server stays up', { skip }, async () => {
  const small = await serve({ maxUploadBytes: 16 * 1024, maxPixels: 50_000 });
  const big = photoFile(0);
  assert.ok(big.bytes.length > 16 * 1024);
  const tooBig = await post(`${small}/api/search`, form({ encoder: 'tiny' }, { photo: [big] }));
  assert.equal(tooBig.status, 413);
  assertOneLineError(tooBig.json, 'TOO_LARGE');
  const wide = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080' } }).png().toBuffer();
  assert.ok(wide.length < 16 * 1024);
  const tooMany = await post(`${small}/api/search`, form({ encoder: 'tiny' }, { photo: [{ bytes: wide, name: 'wide.png' }] }));
  assert.equal(tooMany.status, 413);
  assertOneLineError(tooMany.json, 'TOO_MANY_PIXELS');
  assert.match(tooMany.json.error.hint, /--max-pixels/);
  const capped = await serve({ maxRequestBytes: 48 * 1024 });
  const trip = [photoFile(0), photoFile(1), photoFile(2), photoFile(3)];
  assert.ok(trip.reduce((n, f) => n + f.bytes.length, 0) > 48 * 1024 && trip.every((f) => f.bytes.length < 48 * 1024));
  const tooMuch = await post(`${capped}/api/locate/sequence`, form({}, { photos: trip }));
  assert.equal(tooMuch.status, 413);
  assertOneLineError(tooMuch.json, 'TOO_LARGE');
  assert.match(tooMuch.json.error.message, /in all/);
  assert.equal((await fetch(`${small}/api/health`)).status, 200);
});

test('no file outside the collection is reachable: traversal and absolute paths get 404', { skip }, async () => {
  const secret = fs.readFileSync('/etc/passwd', 'utf8').slice(0, 10);
  const attempts = [
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '//etc/passwd',
    '/api/photos/..%2f..%2fetc%2fpasswd/thumbnail',
    '/api/photos/%2Fetc%2Fpasswd/thumbnail',
    '/api/photos/0/thumbnail',
    '/api/photos/99999/thumbnail',
    '/api/photos/..%2f..%2fetc%2fpasswd/original',
    '/api/photos/%2Fetc%2Fpasswd/original',
    '/api/photos/0/original',
    '/api/photos/99999/original',
    '/api/photos/1/original/../../../../package.json',
    `/api/jobs/${'0'.repeat(32)}/files/..%2f..%2f..%2fetc%2fpasswd`,
    `/api/jobs/${'0'.repeat(32)}/files/%2Fetc%2Fpasswd`,
    '/api/jobs/..%2f..%2fetc/files/passwd.png',
    `/api/photos/1/thumbnail/../../../../package.json`,
  ];
  for (const p of attempts) {
    const r = await rawGet(base, p);
    assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
    assert.ok(!r.body.includes(secret), `${p} leaked a file`);
    assert.ok(!r.body.includes('"name": "deja"'), `${p} leaked package.json`);
  }
});

test('complete: a wrong-size mask is refused at once with maskFit=refuse, stretched with a note by default; a diffusion job returns its images', { skip }, async () => {
  const photo = photoFile(5);
  const { width, height } = await sharp(photo.bytes).metadata();
  const wrong = await sharp({ create: { width: width! + 3, height: height!, channels: 3, background: '#000' } }).png().toBuffer();
  const r = await post(`${base}/api/complete`, form({ method: 'diffusion', maskFit: 'refuse' }, { photo: [photo], mask: [{ bytes: wrong, name: 'mask.png' }] }));
  assert.equal(r.status, 400);
  assertOneLineError(r.json, 'BAD_ARGUMENT');
  assert.match(r.json.error.message, /mask is .* but the photo is/);
  const wide = await sharp({ create: { width: width! * 2, height: height!, channels: 3, background: '#000' } }).composite([{ input: { create: { width: 20, height: 20, channels: 3, background: '#fff' } }, left: width!, top: Math.floor(height! / 2) }]).png().toBuffer();
  const stretched = await post(`${base}/api/complete?wait=true`, form({ method: 'diffusion' }, { photo: [photo], mask: [{ bytes: wide, name: 'wide.png' }] }));
  assert.equal(stretched.status, 200, JSON.stringify(stretched.json));
  assert.equal(stretched.json.state, 'done', JSON.stringify(stretched.json.error));
  assert.match(stretched.json.result.note, /^mask wide\.png is \d+x\d+: stretched to the photo's/);
  const hole = Buffer.alloc(width! * height!);
  for (let y = Math.floor(height! * 0.4); y < height! * 0.6; y++) hole.fill(255, y * width! + Math.floor(width! * 0.4), y * width! + Math.floor(width! * 0.6));
  const mask = await sharp(hole, { raw: { width: width!, height: height!, channels: 1 } }).png().toBuffer();
  const job = await post(`${base}/api/complete?wait=true`, form({ method: 'diffusion' }, { photo: [photo], mask: [{ bytes: mask, name: 'mask.png' }] }));
  assert.equal(job.status, 200, JSON.stringify(job.json));
  assert.equal(job.json.state, 'done', JSON.stringify(job.json.error));
  const result = job.json.result;
  assert.equal(result.results.length, 1);
  assert.ok(Math.abs(result.holeFraction - 0.04) < 0.01);
  for (const url of [result.original, result.query, result.grid, result.results[0].image]) {
    const f = await fetch(`${base}${url}`);
    assert.equal(f.status, 200, url);
    const m = await sharp(Buffer.from(await f.arrayBuffer())).metadata();
    assert.ok(m.width! > 0);
  }
});

test('locate: a job followed by server-sent events ends with the estimate and a map', { skip }, async () => {
  const accepted = await post(`${base}/api/locate`, form({ k: 8 }, { photo: [photoFile(7)] }));
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  assert.match(accepted.json.id, /^[0-9a-f]{32}$/);
  const events = await (await fetch(`${base}${accepted.json.events}`)).text();
  const names = [...events.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
  assert.equal(names.at(-1), 'done', events.slice(-500));
  const last = JSON.parse(events.trim().split('\n').at(-1)!.replace(/^data: /, ''));
  const r = last.result;
  assert.equal(r.excludedSelf, true, 'the photo itself is in the collection and left out');
  assert.ok(Math.abs(r.estimate.latitude) <= 90 && Math.abs(r.estimate.longitude) <= 180);
  assert.ok(r.estimate.confidence > 0 && r.estimate.confidence <= 1);
  assert.equal(r.neighbours.length, 8);
  // The collection prior by default, as deja locate: the answer is the candidate that won.
  assert.ok(['calibration', 'default'].includes(r.prior.chosenBy), r.prior.chosenBy);
  const won = r.prior.chose === 'medoid' ? r.prior.medoid : r.prior.mode;
  assert.deepEqual([r.estimate.latitude, r.estimate.longitude], [won.latitude, won.longitude]);
  const off = await post(`${base}/api/locate?wait=true`, form({ k: 8, priorWeight: '0' }, { photo: [photoFile(7)] }));
  assert.equal(off.status, 200, JSON.stringify(off.json));
  assert.deepEqual([off.json.result.prior.gamma, off.json.result.prior.chose, off.json.result.estimate.latitude], [0, 'mode', r.prior.mode.latitude]);
  const map = await fetch(`${base}${r.map}`);
  assert.equal(map.headers.get('content-type'), 'image/png');
  const status = await (await fetch(`${base}${accepted.json.url}`)).json();
  assert.equal(status.state, 'done');
  const again = await (await fetch(`${base}${accepted.json.events}`)).text();
  assert.match(again, /^event: done$/m, 'a finished job streams its final state at once');
});

test('colorize, classify and locate a sequence through the API', { skip }, async () => {
  const gray = await sharp(photos[9]).grayscale().jpeg().toBuffer();
  const c = await post(`${base}/api/colorize?wait=true`, form({ k: 6 }, { photo: [{ bytes: gray, name: 'gray.jpg' }] }));
  assert.equal(c.json.state, 'done', JSON.stringify(c.json.error));
  assert.equal(c.json.result.note, null, 'a gray input needs no note');
  assert.equal(c.json.result.matches.length, 6);
  const colour = await sharp(Buffer.from(await (await fetch(`${base}${c.json.result.panels.result}`)).arrayBuffer())).stats();
  assert.ok(colour.channels.length >= 3 && colour.channels[0].mean !== colour.channels[2].mean, 'the result has colour');

  const k = await post(`${base}/api/classify`, form({ k: 5 }, { photo: [photoFile(11)] }));
  assert.equal(k.status, 200, JSON.stringify(k.json));
  const own = (await (await fetch(`${base}/api/search`, { method: 'POST', body: form({ encoder: 'tiny', k: 1 }, { photo: [photoFile(11)] }) })).json()).results[0];
  const info = await (await fetch(`${base}/api/photos?offset=0&limit=500`)).json();
  const label = info.photos.find((p: { id: number }) => p.id === own.id).label;
  assert.equal(k.json.neighbours[0].label, label, 'the nearest labelled photo is the photo itself');
  assert.ok(k.json.scores.every((s: { score: number }, i: number, a: { score: number }[]) => i === 0 || s.score <= a[i - 1].score));

  const trip = path.join(sharedData, 'geotagged-europe-trips', 'images');
  const files = fs.readdirSync(trip).sort().slice(0, 4).map((f) => ({ bytes: fs.readFileSync(path.join(trip, f)), name: f }));
  const broken = { bytes: files[0].bytes.subarray(0, 100), name: 'cut-short.jpg' };
  const s = await post(`${base}/api/locate/sequence?wait=true`, form({ k: 5 }, { photos: [...files, broken] }));
  assert.equal(s.json.state, 'done', JSON.stringify(s.json.error));
  assert.equal(s.json.result.photos.length + s.json.result.skipped.length, 5);
  assert.ok(s.json.result.skipped.some((x: { path: string }) => x.path === 'cut-short.jpg'), 'an unreadable photo of the batch is skipped and reported');
  assert.ok(s.json.result.photos.every((p: { single: { place: string | null } }) => 'place' in p.single));
});

test('jobs: a full queue answers 503, an over-long job fails with TIME_LIMIT', { skip }, async () => {
  const oneAtATime = await serve({ maxQueuedJobs: 0 });
  const strict = await serve({ jobTimeoutMs: 300 });
  const photo = photoFile(2);
  const { width, height } = await sharp(photo.bytes).metadata();
  const hole = Buffer.alloc(width! * height!);
  hole.fill(255, Math.floor(hole.length * 0.45), Math.floor(hole.length * 0.55));
  const mask = { bytes: await sharp(hole, { raw: { width: width!, height: height!, channels: 1 } }).png().toBuffer(), name: 'mask.png' };
  const texture = () => post(`${oneAtATime}/api/complete`, form({ method: 'texture', k: 3 }, { photo: [photo], mask: [mask] }));
  const [first, second] = await Promise.all([texture(), new Promise((r) => setTimeout(r, 50)).then(texture)]);
  assert.equal(first.status, 202);
  assert.equal(second.status, 503);
  assertOneLineError(second.json, 'BUSY');
  await fetch(`${oneAtATime}${first.json.url}`);

  const overLong = await post(`${strict}/api/complete`, form({ method: 'scene', k: 2 }, { photo: [photo], mask: [mask] }));
  assert.equal(overLong.status, 202);
  let job = overLong.json;
  while (job.state === 'queued' || job.state === 'running') {
    await new Promise((r) => setTimeout(r, 100));
    job = await (await fetch(`${strict}${overLong.json.url}`)).json();
  }
  assert.equal(job.state, 'failed');
  assert.equal(job.error.code, 'TIME_LIMIT');
  assert.match(job.error.hint, /--job-timeout/);
});

test('scene completion runs in the job worker: the server answers meanwhile, and the job ends with ranked completions', { skip }, async () => {
  const photo = photoFile(4);
  const { width, height } = await sharp(photo.bytes).metadata();
  const hole = Buffer.alloc(width! * height!);
  for (let y = Math.floor(height! * 0.55); y < height! * 0.75; y++) hole.fill(255, y * width! + Math.floor(width! * 0.3), y * width! + Math.floor(width! * 0.6));
  const mask = { bytes: await sharp(hole, { raw: { width: width!, height: height!, channels: 1 } }).png().toBuffer(), name: 'mask.png' };
  const accepted = await post(`${base}/api/complete`, form({ method: 'scene', k: 3, scenes: 8 }, { photo: [photo], mask: [mask] }));
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  const page = await (await fetch(`${base}/api/photos?limit=3`)).json();
  const during = await (await fetch(`${base}${accepted.json.url}`)).json();
  assert.equal(page.photos.length, 3);
  assert.notEqual(during.state, 'done', 'the page of photos was answered while the completion was still computing');
  const finished = await waitJob(accepted.json.url);
  assert.equal(finished.state, 'done', JSON.stringify(finished.error));
  Responses.jobOf(Responses.CompleteResult.strict()).parse(finished);
  const r = finished.result;
  assert.equal(r.results.length, 3);
  assert.ok(r.results.every((x: { source: { id: number } | null; score: number }, i: number, a: { score: number }[]) => x.source && (i === 0 || x.score >= a[i - 1].score)));
});

async function waitJob(url: string): Promise<any> {
  for (;;) {
    const j = await (await fetch(`${base}${url}`)).json();
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('/openapi.json documents every route with the request schemas that validate it', { skip }, async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/api/search', '/api/complete', '/api/locate', '/api/locate/sequence', '/api/colorize', '/api/classify', '/api/duplicates', '/api/info', '/api/photos', '/api/photos/{id}/thumbnail', '/api/photos/{id}/original', '/api/jobs/{id}', '/api/jobs/{id}/events'])
    assert.ok(doc.paths[p], `missing ${p}`);
  const body = doc.paths['/api/complete'].post.requestBody.content['multipart/form-data'].schema;
  assert.deepEqual(body.required.slice(0, 2), ['photo', 'mask']);
  assert.equal(body.properties.photo.format, 'binary');
  assert.deepEqual(body.properties.method.enum, ['scene', 'diffusion', 'texture']);
  assert.equal(body.properties.k.type, 'integer');
  assert.equal(body.properties.k.maximum, 200, 'the same bound the validator applies');
  assert.match(body.properties.scenes.description, /scene matching/, 'fields carry their descriptions');
});

test('/openapi.json documents what each route answers, from the same schemas the page takes its types from', { skip }, async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const answer = (p: string, method = 'post', status = '200') => doc.paths[p][method].responses[status].content['application/json'].schema;
  const search = answer('/api/search');
  assert.deepEqual(Object.keys(search.properties).sort(), ['encoder', 'index', 'k', 'note', 'results', 'seconds']);
  assert.deepEqual(search.properties.results.items.required.sort(), ['distance', 'id', 'mirrored', 'name', 'path', 'thumbnail']);
  assert.ok(search.properties.note.anyOf || search.properties.note.type, 'note is documented');
  assert.equal(answer('/api/info', 'get').properties.geotagged.type, 'integer');
  assert.ok(answer('/api/photos', 'get').properties.photos.items.properties.takenAt);
  const locate = answer('/api/locate');
  assert.ok(locate.properties.result.anyOf.some((s: { properties?: Record<string, unknown> }) => s.properties?.estimate), 'a finished locate job shows its result schema');
  assert.equal(answer('/api/locate', 'post', '202').$ref, '#/components/schemas/Job');
  assert.deepEqual(doc.components.schemas.Error.required, ['error']);
  for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { type?: string } }> }> }>>))
    for (const op of Object.values(ops)) {
      const ok = op.responses['200'].content['application/json'];
      if (ok) assert.notDeepEqual(ok.schema, { type: 'object' }, `${p} documents its answer`);
    }
});

test('deja serve: a folder that is not a collection and a busy port are one-line errors', { skip }, async () => {
  const r = deja(['serve', '-c', path.join(dir, 'nothing-here'), '--port', '0']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  const blocker = net.createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  const port = (blocker.address() as net.AddressInfo).port;
  const busy = deja(['serve', '-c', coll, '--port', String(port)]);
  blocker.close();
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, /already in use/);
  assert.equal(busy.stderr.trim().split('\n').length, 1, busy.stderr);
});

test('deja serve --json prints its URL, answers, and stops cleanly on SIGINT', { skip }, async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/cli/entry.ts'), 'serve', '-c', coll, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`deja serve exited with ${code}`)));
  });
  const { url } = JSON.parse(line);
  const health = await (await fetch(`${url}api/health`)).json();
  assert.equal(health.ok, true);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});
