import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../src/server/app.ts';
import { Collection } from '../src/store/collection.ts';
import { listSources } from '../src/io/sources.ts';
import { hasSharedData, sharedData, tmpDir } from './helpers.ts';
import { cifarColour, sceneColour, writeFixtureFiles, writeFixtureManifest } from './classifierFixture.ts';

// POST /api/attack: adversarial examples over HTTP, as a job, on a real CIFAR-10 photo. The models are the
// mean-colour fixtures: cifar-colour with its input-gradient graph (written without Python), scene-colour
// without one. A client names a registered classifier, never a path, and cannot ask for unbounded work.
const skip = !hasSharedData && 'needs ../shared/data';
let dir: string;
let app: FastifyInstance;
let base: string;
let photo: Buffer;

async function serve(options: { jobTimeoutMs?: number } = {}): Promise<{ app: FastifyInstance; base: string }> {
  const manifest = path.join(dir, 'models', 'manifest.json');
  const server = await createServer({ collection: path.join(dir, 'collection'), webRoot: path.join(dir, 'no-web'), manifest, ...options });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { app: server, base: `http://127.0.0.1:${(server.server.address() as net.AddressInfo).port}` };
}

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-serve-attack-');
  const models = path.join(dir, 'models');
  const cards = [...writeFixtureFiles(models, cifarColour, { gradient: true }).cards, ...writeFixtureFiles(models, sceneColour).cards];
  writeFixtureManifest(models, cards);
  Collection.open(path.join(dir, 'collection'), { create: true }).close();
  for await (const item of listSources([path.join(sharedData, 'cifar10/test.tar.gz')])) {
    if (item.folder !== 'ship') continue;
    photo = item.read();
    break;
  }
  ({ app, base } = await serve());
});

after(async () => {
  if (app) await app.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function form(fields: Record<string, string>, withPhoto = true): FormData {
  const f = new FormData();
  if (withPhoto) f.append('photo', new Blob([photo]), 'ship.jpg');
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

async function attack(fields: Record<string, string>, options: { withPhoto?: boolean; at?: string } = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`${options.at ?? base}/api/attack?wait=true`, { method: 'POST', body: form(fields, options.withPhoto ?? true) });
  return { status: r.status, body: await r.json() };
}

async function classifyModel(bytes: Buffer, name: string): Promise<any> {
  const f = new FormData();
  f.append('photo', new Blob([bytes]), name);
  f.append('model', 'cifar-colour');
  f.append('top', '10');
  return (await fetch(`${base}/api/classify`, { method: 'POST', body: f })).json();
}

/** A 400 whose one-line error has this code and message. */
function refused(r: { status: number; body: any }, code: string, message: RegExp): void {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  assert.match(r.body.error.message, message);
  assert.ok(!r.body.error.message.includes('\n'), 'one line');
  assert.equal(r.body.error.file, undefined, 'no file of the server named');
}

test('an fgsm job attacks the photo within ε, and its adversarial PNG is what the model then answers', { skip }, async () => {
  const eps = 8 / 255;
  const r = await attack({ model: 'cifar-colour', method: 'fgsm', eps: String(eps) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  assert.equal(r.body.kind, 'attack');
  assert.deepEqual([r.body.progress.done, r.body.progress.total], [4, 4], 'scored before and after, one gradient run, one robustness run');
  const a = r.body.result;
  assert.deepEqual([a.photo, a.model, a.method, a.epsText, a.gradientModel, a.size, a.target], ['ship.jpg', 'cifar-colour', 'fgsm', '8/255', 'cifar-colour-grad', 32, null]);
  assert.ok(a.norms.linf <= eps + 1e-6 && a.norms.linf255 > 6, `L∞ ${a.norms.linf255}/255, at most 8`);
  assert.ok(a.norms.pixels > 900, `fgsm changes (nearly) every pixel: ${a.norms.pixels} of 1024`);
  assert.equal(a.before.scores.length, 10);
  const clean = await classifyModel(photo, 'ship.jpg');
  assert.equal(a.before.label, clean.label, 'before: what /api/classify answers for the photo');
  const own = (s: { scores: { label: string; score: number }[] }) => s.scores.find((x) => x.label === a.before.label)!.score;
  assert.ok(own(a.after) < own(a.before) - 0.01, `the step lowers the probability of ${a.before.label}: ${own(a.before)} → ${own(a.after)}`);
  assert.equal(a.success, a.after.label !== a.before.label);
  assert.ok(a.robustness.draws === 20 && a.robustness.stillAdversarial >= 0 && a.robustness.stillAdversarial <= 1);

  const adv = await fetch(new URL(a.adversarial, base));
  assert.equal(adv.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await adv.arrayBuffer());
  const meta = await sharp(bytes).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 32, 32]);
  const seen = await classifyModel(bytes, 'adversarial.png');
  assert.equal(seen.label, a.after.label, 'the model sees in the PNG what the attack reported');
  assert.ok(Math.abs(seen.scores[0].score - a.after.score) < 1e-4);
  const panel = await fetch(new URL(a.panel, base));
  assert.equal(panel.headers.get('content-type'), 'image/png');
  assert.ok(((await sharp(Buffer.from(await panel.arrayBuffer())).metadata()).width ?? 0) > 300, 'the panel shows three tiles and two bar charts');
});

test('one-pixel, a black box, runs on a model without a gradient graph; a target class of another model is refused', { skip }, async () => {
  const r = await attack({ model: 'scene-colour', method: 'one-pixel', pixels: '3', population: '20', iterations: '3', draws: '0' });
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  const a = r.body.result;
  assert.deepEqual([a.pixels, a.eps, a.gradientModel, a.robustness, a.size], [3, null, null, null, 64]);
  assert.ok(a.norms.pixels <= 3, `at most 3 pixels changed: ${a.norms.pixels}`);
  assert.ok(a.queries >= 20 && a.queries <= 80, `population 20, at most 3 generations after the first: ${a.queries}`);
  refused(await attack({ model: 'scene-colour', method: 'one-pixel', target: 'ship' }), 'UNKNOWN_NAME', /target class of model scene-colour.*must be one of \[forest, glacier\]/);
});

test('a model that is not a registered classifier, or a path, is refused with 400 listing the classifiers', { skip }, async () => {
  for (const model of ['resnet', 'cifar-colour-grad']) refused(await attack({ model, method: 'fgsm' }), 'UNKNOWN_NAME', /must be one of \[cifar-colour, scene-colour\]$/);
  for (const model of ['cifar-colour.onnx', '../models/cifar-colour.onnx', path.join(dir, 'models', 'cifar-colour.onnx')])
    refused(await attack({ model, method: 'fgsm' }), 'BAD_ARGUMENT', /invalid option model: a model name from GET \/api\/models/);
  refused(await attack({ model: 'cifar-colour', manifest: path.join(dir, 'models', 'manifest.json') }), 'BAD_ARGUMENT', /unknown field "manifest"/);
  refused(await attack({ model: 'cifar-colour', threads: '64' }), 'BAD_ARGUMENT', /unknown field "threads"/);
});

test('ε outside [0, 1] and work beyond the per-request caps are refused before any job', { skip }, async () => {
  refused(await attack({ model: 'cifar-colour', method: 'fgsm', eps: '2' }), 'BAD_ARGUMENT', /invalid option eps: .*<=1/);
  refused(await attack({ model: 'cifar-colour', method: 'pgd', steps: '101' }), 'BAD_ARGUMENT', /invalid option steps: .*<=100 \(received 101\)/);
  refused(await attack({ model: 'cifar-colour', method: 'one-pixel', population: '5000' }), 'BAD_ARGUMENT', /invalid option population: .*<=1000/);
  refused(await attack({ model: 'cifar-colour', method: 'eot', samples: '256' }), 'BAD_ARGUMENT', /invalid option samples: .*<=32/);
  refused(await attack({ model: 'cifar-colour', method: 'nope' }), 'BAD_ARGUMENT', /invalid option method/);
});

test('a gradient method on a model without an input-gradient graph is a 400 in one line', { skip }, async () => {
  for (const method of ['fgsm', 'pgd', 'eot'])
    refused(await attack({ model: 'scene-colour', method }), 'BAD_ARGUMENT', new RegExp(`^${method} needs the input-gradient graph of model scene-colour, and it has none$`));
  const r = await attack({ model: 'scene-colour', method: 'fgsm' });
  assert.match(r.body.error.hint, /one-pixel/);
});

test('the photo is an upload or a collection photo by id: neither is a 400, an unknown id a 404', { skip }, async () => {
  refused(await attack({ model: 'cifar-colour', method: 'fgsm' }, { withPhoto: false }), 'BAD_ARGUMENT', /send a photo file or a photoId/);
  const r = await attack({ model: 'cifar-colour', method: 'fgsm', photoId: '7' }, { withPhoto: false });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'NOT_FOUND');
});

test('the job time limit stops a long attack between model runs', { skip }, async () => {
  const short = await serve({ jobTimeoutMs: 100 });
  try {
    const started = Date.now();
    const r = await attack({ model: 'cifar-colour', method: 'eot', steps: '100', samples: '32', draws: '0' }, { at: short.base });
    assert.equal(r.body.state, 'failed');
    assert.equal(r.body.error.code, 'TIME_LIMIT');
    assert.ok(Date.now() - started < 20_000, 'stopped long before 100 steps of 32 transformations');
  } finally {
    await short.app.close();
  }
});

test('GET /api/models names the classifiers with a gradient graph; GET /api/methods gives the attack menu', { skip }, async () => {
  const models = await (await fetch(`${base}/api/models`)).json();
  assert.deepEqual(models.classifiers, ['cifar-colour', 'scene-colour']);
  assert.deepEqual(models.classifiersWithGradient, ['cifar-colour']);
  assert.equal(models.models.find((m: { name: string }) => m.name === 'cifar-colour').gradient, 'cifar-colour-grad');
  const menus = await (await fetch(`${base}/api/methods`)).json();
  assert.equal(menus.attack.default, 'pgd');
  assert.deepEqual(
    menus.attack.methods.map((m: { name: string; gradient: boolean; strength: string }) => [m.name, m.gradient, m.strength]),
    [['fgsm', true, 'eps'], ['pgd', true, 'eps'], ['one-pixel', false, 'pixels'], ['eot', true, 'eps']],
  );
});

test('/openapi.json documents POST /api/attack: its fields with their caps, and none of the server\'s', { skip }, async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const op = doc.paths['/api/attack'].post;
  const body = op.requestBody.content['multipart/form-data'].schema;
  assert.deepEqual(body.required, ['model']);
  assert.deepEqual(body.properties.method.enum, ['fgsm', 'pgd', 'one-pixel', 'eot']);
  assert.equal(body.properties.eps.maximum, 1);
  assert.equal(body.properties.steps.maximum, 100);
  assert.equal(body.properties.population.maximum, 1000);
  assert.match(body.properties.model.description, /GET \/api\/models/);
  for (const field of ['manifest', 'out', 'panel', 'batch', 'threads', 'provider']) assert.ok(!(field in body.properties), `no ${field} field`);
  assert.ok(op.parameters.some((p: { name: string }) => p.name === 'wait'), 'a job');
  const result = op.responses['200'].content['application/json'].schema.properties.result;
  const props = (result.anyOf?.[0] ?? result).properties;
  for (const key of ['before', 'after', 'success', 'norms', 'eps', 'adversarial', 'panel']) assert.ok(props[key], `the result has ${key}`);
});
