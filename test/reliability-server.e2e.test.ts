import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer } from '../src/server/app.ts';
import type { ServeOptions } from '../src/server/serveOptions.ts';
import { Collection, type NewPhoto } from '../src/store/collection.ts';
import { createEncoder } from '../src/encoders/factory.ts';
import { upToDateIndex } from '../src/store/vectorIndexCache.ts';
import { hasSharedData, repoRoot, tmpDir } from './helpers.ts';
import { buildServeCollection } from './serveFixture.ts';

// What a hostile client can make the server do: name files, pick indexes, send other Hosts and
// Origins, malformed bodies; and what a killed server leaves behind.
const skip = !hasSharedData && 'needs ../shared/data';
let dir: string;
let coll: string;
let photos: string[];
let base: string;
const servers: { close(): Promise<unknown> }[] = [];
const HELD = '[gist, lab-hist, tiny, tiny-gray]';

async function serve(options: Partial<ServeOptions> = {}, collection = coll): Promise<string> {
  const app = await createServer({ collection, webRoot: path.join(dir, 'no-web'), ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  servers.push(app);
  return `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
}

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-reliability-server-');
  photos = await buildServeCollection(dir, 64);
  coll = path.join(dir, 'collection');
  base = await serve();
});

after(async () => {
  for (const s of servers) await s.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, body: FormData | object, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const json = !(body instanceof FormData);
  const r = await fetch(url, { method: 'POST', body: json ? JSON.stringify(body) : body, headers: json ? { 'content-type': 'application/json', ...headers } : headers, signal: AbortSignal.timeout(20_000) });
  return { status: r.status, json: await r.json() };
}

function withPhoto(fields: Record<string, string>, field = 'photo'): FormData {
  const f = new FormData();
  f.append(field, new Blob([fs.readFileSync(photos[0])]), path.basename(photos[0]));
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

/** The one-line error body every refusal has. */
function assertOneLineError(r: { status: number; json: any }, status: number, code: string): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json.error?.code, code, JSON.stringify(r.json));
  assert.ok(r.json.error.message.length > 0 && !r.json.error.message.includes('\n'));
  assert.ok(!JSON.stringify(r.json).includes('    at '), 'no stack trace');
}

/** A request with headers fetch will not let us set (Host) or a body sent exactly as written. */
function rawRequest(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; json: any }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: options.method ?? 'GET', path: options.path ?? '/api/health', headers: options.headers, timeout: 20_000 }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('encoders the collection does not hold are refused alike, and the files they name are never opened', { skip }, async () => {
  const existing = path.join(dir, 'exists.onnx');
  fs.writeFileSync(existing, 'not a model');
  const fifo = path.join(dir, 'model.fifo');
  execFileSync('mkfifo', [fifo]);
  // If the server opened the FIFO it would block until a writer came: this one lets it go on, and exits.
  const writer = spawn('sh', ['-c', `printf x > '${fifo}'`], { stdio: 'ignore' });
  try {
    const answers = [];
    for (const model of [existing, path.join(dir, 'missing.onnx'), fifo, '/etc/shadow']) {
      const r = await post(`${base}/api/search`, { photoId: 1, encoder: `cnn(model=${model},size=64)` });
      assertOneLineError(r, 400, 'UNKNOWN_NAME');
      assert.ok(r.json.error.message.endsWith(`must be one of ${HELD}`), r.json.error.message);
      answers.push(JSON.stringify(r.json).replaceAll(model, '<model>'));
    }
    assert.equal(new Set(answers).size, 1, 'an existing file, a missing one, a FIFO and /etc/shadow get the same answer');
    assert.equal(writer.exitCode, null, 'nobody opened the FIFO');
  } finally {
    writer.kill();
  }
  const combined = await post(`${base}/api/search`, { photoId: 1, encoder: `gist+cnn(model=${existing}):w=2,1` });
  assertOneLineError(combined, 400, 'UNKNOWN_NAME');
  const held = await post(`${base}/api/search`, { photoId: 1, encoder: 'gist+tiny:w=2,1', k: 3 });
  assert.equal(held.status, 200, JSON.stringify(held.json));
  assert.equal(held.json.encoder, 'gist+tiny:w=2,1');
});

test('every route that takes an encoder refuses one the collection lacks before any work', { skip }, async () => {
  const lacking = 'tiny(size=8)';
  const attempts = [
    post(`${base}/api/classify`, withPhoto({ encoder: lacking })),
    post(`${base}/api/locate`, withPhoto({ encoder: `gist+${lacking}` })),
    post(`${base}/api/locate/sequence`, withPhoto({ encoder: lacking }, 'photos')),
    post(`${base}/api/colorize`, withPhoto({ encoder: lacking })),
    post(`${base}/api/duplicates`, { encoder: lacking }),
  ];
  for (const r of await Promise.all(attempts)) {
    assertOneLineError(r, 400, 'UNKNOWN_NAME');
    assert.match(r.json.error.message, /has no descriptors in this collection/);
  }
});

test('a client may pick Flat or an index the server offers; any other index spec is 400 and writes nothing', { skip }, async () => {
  const indexes = path.join(coll, 'indexes');
  const filesBefore = fs.existsSync(indexes) ? fs.readdirSync(indexes).sort() : [];
  for (const index of ['HNSW8', 'PCA64,HNSW8', 'HNSW64_efc4000', '../../etc/passwd']) {
    const r = await post(`${base}/api/search`, { photoId: 1, encoder: 'tiny', index });
    assertOneLineError(r, 400, 'UNKNOWN_NAME');
    assert.match(r.json.error.message, /must be one of \[Flat, HNSW32\]/);
  }
  for (const index of ['Flat', 'HNSW32', undefined]) {
    const r = await post(`${base}/api/search`, { photoId: 1, encoder: 'tiny', k: 2, index });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.index, 'exact', 'a small collection is searched exactly');
  }
  assert.deepEqual(fs.existsSync(indexes) ? fs.readdirSync(indexes).sort() : [], filesBefore, 'no index files were written');

  const operator = await serve({ indexes: ['HNSW16'] });
  assert.equal((await post(`${operator}/api/search`, { photoId: 1, encoder: 'tiny', index: 'HNSW16' })).status, 200);
  assertOneLineError(await post(`${operator}/api/search`, { photoId: 1, encoder: 'tiny', index: 'HNSW32' }), 400, 'UNKNOWN_NAME');
  // An index already built in the collection is offered too.
  const c = Collection.open(coll);
  try {
    upToDateIndex(c, c.descriptorMatrix('tiny'), 'HNSW8', 'l2');
  } finally {
    c.close();
  }
  assert.equal((await post(`${operator}/api/search`, { photoId: 1, encoder: 'tiny', index: 'HNSW8' })).status, 200);
});

test('a search whose index is not built is answered exactly and builds nothing; once built, the index is used', { skip }, async () => {
  const encoder = createEncoder('tiny(size=4)');
  const big = path.join(dir, 'big');
  const c = Collection.open(big, { create: true });
  try {
    c.ensureEncoder(encoder);
    const rows = Array.from({ length: 5000 }, (_, i) => ({ photo: fakePhoto(i), descriptors: new Map([[encoder.spec, Float32Array.from({ length: encoder.dim }, (_, j) => Math.sin(i * 7 + j))]]) }));
    c.commitBatch({ photos: rows });
  } finally {
    c.close();
  }
  const url = await serve({}, big);
  const r = await post(`${url}/api/search`, withPhoto({ encoder: encoder.spec, k: '3' }));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.index, 'exact');
  assert.match(r.json.note, /HNSW32 index .* is not built .* deja search/);
  assert.equal(r.json.results.length, 3);
  const indexes = path.join(big, 'indexes');
  assert.deepEqual(fs.existsSync(indexes) ? fs.readdirSync(indexes) : [], [], 'the request built no index');

  const built = Collection.open(big);
  try {
    upToDateIndex(built, built.descriptorMatrix(encoder.spec), 'HNSW32', encoder.metric);
  } finally {
    built.close();
  }
  const again = await post(`${url}/api/search`, withPhoto({ encoder: encoder.spec, k: '3' }));
  assert.equal(again.status, 200, JSON.stringify(again.json));
  assert.equal(again.json.index, 'HNSW32');
  assert.equal(again.json.note, null);
});

function fakePhoto(i: number): NewPhoto {
  return { path: `/nowhere/${i}.jpg`, hash: `fake${i}`, bytes: 1, dataOffset: null, width: 8, height: 8, format: 'jpeg', latitude: null, longitude: null, takenAt: null, camera: null, label: null, exif: null, blob: null };
}

test('a Host the server does not answer to gets 403 (DNS rebinding); loopback names and --allowed-host work', { skip }, async () => {
  const port = new URL(base).port;
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
    const r = await rawRequest(base, { headers: { host } });
    assertOneLineError(r, 403, 'FORBIDDEN');
    assert.match(r.json.error.hint, /--allowed-host/, host);
  }
  assertOneLineError(await rawRequest(base, { path: '/', headers: { host: 'evil.example' } }), 403, 'FORBIDDEN');
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) assert.equal((await rawRequest(base, { headers: { host } })).status, 200, host);
  const lan = await serve({ allowedHosts: ['photos.lan'] });
  assert.equal((await rawRequest(lan, { headers: { host: 'photos.lan:8080' } })).status, 200);
  assertOneLineError(await rawRequest(lan, { headers: { host: 'other.lan' } }), 403, 'FORBIDDEN');
});

test('a state-changing request from another origin gets 403; the same origin and plain clients work', { skip }, async () => {
  const search = (origin?: string) => post(`${base}/api/search`, { photoId: 1, encoder: 'tiny', k: 1 }, origin === undefined ? {} : { origin });
  for (const origin of ['http://evil.example', `http://evil.example:${new URL(base).port}`, 'null', 'not a url'])
    assertOneLineError(await search(origin), 403, 'FORBIDDEN');
  assert.equal((await search(base)).status, 200, 'the served page itself');
  assert.equal((await search()).status, 200, 'curl sends no Origin');
  const read = await fetch(`${base}/api/health`, { headers: { origin: 'http://evil.example' } });
  assert.equal(read.status, 200, 'a cross-origin GET is answered (the browser keeps the answer from that page)');
  assert.equal(read.headers.get('access-control-allow-origin'), null);
});

test('a malformed multipart body is a one-line 400, not a 500', { skip }, async () => {
  const part = 'Content-Disposition: form-data; name="photo"; filename="a.jpg"\r\n\r\n';
  const bodies: [string, string][] = [
    ['multipart/form-data; boundary=XX', `--XX\r\n${part}truncated`],
    ['multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="k"\r\n\r\n3'],
    ['multipart/form-data', `--XX\r\n${part}x\r\n--XX--\r\n`],
    ['multipart/form-data; boundary=YY', `--XX\r\n${part}x\r\n--XX--\r\n`],
  ];
  for (const [type, body] of bodies) {
    const r = await rawRequest(base, { method: 'POST', path: '/api/search', headers: { 'content-type': type }, body });
    assertOneLineError(r, 400, 'BAD_ARGUMENT');
    assert.match(r.json.error.message, /malformed multipart/);
  }
  assert.equal((await fetch(`${base}/api/health`)).status, 200);
});

test('job files live under the system temp folder, and the folders of killed servers are removed at start', { skip }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), 'serve', '-c', coll, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const leftBy = (pid: number) => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`deja-serve-jobs-${pid}-`));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`deja serve exited with ${code}`)));
    });
    assert.equal(leftBy(child.pid!).length, 1, 'the running server has its folder');
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  assert.equal(leftBy(child.pid!).length, 1, 'a killed server cannot remove it');
  // A folder of a server that still runs (here: this test's parent process) is kept.
  const alive = fs.mkdtempSync(path.join(os.tmpdir(), `deja-serve-jobs-${process.ppid}-`));
  try {
    await serve();
    assert.deepEqual(leftBy(child.pid!), [], 'the next server removed the stale folder');
    assert.ok(fs.existsSync(alive));
  } finally {
    fs.rmSync(alive, { recursive: true, force: true });
  }
});

test('deja index may run while the server is up: searches keep answering, and the server sees every committed photo', { skip }, async () => {
  const { sharedData } = await import('./helpers.ts');
  const images = path.join(sharedData, 'world-streetview/images');
  const names = fs.readdirSync(images).sort();
  const first = path.join(dir, 'live-first');
  const more = path.join(dir, 'live-more');
  fs.mkdirSync(first);
  fs.mkdirSync(more);
  for (const n of names.slice(0, 20)) fs.copyFileSync(path.join(images, n), path.join(first, n));
  for (const n of names.slice(20, 140)) fs.copyFileSync(path.join(images, n), path.join(more, n));
  const live = path.join(dir, 'live');
  const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), ...args], { cwd: repoRoot, stdio: 'ignore' });
  const exitOf = (p: ReturnType<typeof cli>) => new Promise<number>((resolve) => p.once('exit', (code) => resolve(code ?? -1)));
  assert.equal(await exitOf(cli(['index', first, '-c', live, '--encoders', 'tiny', '--quiet'])), 0);
  const url = await serve({}, live);
  const health = async () => ((await (await fetch(`${url}/api/health`)).json()) as { photos: number }).photos;
  assert.equal(await health(), 20);
  const ingest = cli(['index', more, '-c', live, '--encoders', 'tiny', '--quiet', '--threads', '1']);
  let done = false;
  const finished = exitOf(ingest).then((code) => ((done = true), code));
  let searches = 0;
  while (!done) {
    const r = await post(`${url}/api/search`, { photoId: 1, encoder: 'tiny', k: 3 });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.results[0].id, 1);
    searches++;
  }
  assert.equal(await finished, 0);
  assert.ok(searches > 0);
  assert.equal(await health(), 140);
  // A photo committed after the server started finds itself: the server's descriptors are current.
  const r = await post(`${url}/api/search`, { photoId: 140, encoder: 'tiny', k: 1 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.results[0].id, 140);
});
