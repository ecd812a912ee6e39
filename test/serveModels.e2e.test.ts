import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../src/server/app.ts';
import { Collection } from '../src/store/collection.ts';
import { listSources } from '../src/io/sources.ts';
import { hasSharedData, sharedData, tmpDir } from './helpers.ts';
import { cifarColour, fixtureLogits, writeFixtureClassifier } from './classifierFixture.ts';

// The HTTP side of classification networks: clients choose a registered model by name (never a path),
// and GET /api/models shows the cards without file paths. The collection is empty: a network needs none.
const skip = !hasSharedData && 'needs ../shared/data';
let dir: string;
let app: FastifyInstance;
let base: string;
let photo: Buffer;

before(async () => {
  if (!hasSharedData) return;
  dir = tmpDir('deja-serve-models-');
  const { manifest } = writeFixtureClassifier(path.join(dir, 'models'), cifarColour, []);
  Collection.open(path.join(dir, 'collection'), { create: true }).close();
  for await (const item of listSources([path.join(sharedData, 'cifar10/test.tar.gz')])) {
    if (item.folder !== 'ship') continue;
    photo = item.read();
    break;
  }
  app = await createServer({ collection: path.join(dir, 'collection'), webRoot: path.join(dir, 'no-web'), manifest });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
});

after(async () => {
  if (app) await app.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function classify(fields: Record<string, string>): Promise<Response> {
  const f = new FormData();
  f.append('photo', new Blob([photo]), 'ship.jpg');
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return fetch(`${base}/api/classify`, { method: 'POST', body: f });
}

test('GET /api/models lists the cards without file paths, and the classifiers a request may name', { skip }, async () => {
  const r = await fetch(`${base}/api/models`);
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.deepEqual(body.classifiers, ['cifar-colour']);
  const card = body.models[0];
  assert.equal(card.name, 'cifar-colour');
  assert.equal(card.status, 'ok');
  assert.deepEqual(card.classes, cifarColour.classes);
  assert.deepEqual(card.outputs.map((o: { name: string }) => o.name), ['logits', 'features']);
  assert.ok(!('file' in card) && !('path' in card), 'no file names or paths');
  assert.ok(!JSON.stringify(body).includes(dir), 'nothing of the server folder');
});

test('POST /api/classify with a registered model answers the top classes and probabilities of the network', { skip }, async () => {
  const r = await classify({ model: 'cifar-colour', top: '3' });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.model, 'cifar-colour');
  assert.equal(body.query, 'ship.jpg');
  assert.equal(body.scores.length, 3);
  // The same classifier computed here from the photo's mean colour (32×32: no resampling).
  const sharp = (await import('sharp')).default;
  const rgb = (await sharp(photo).stats()).channels.slice(0, 3).map((c) => c.mean / 255);
  const z = fixtureLogits(cifarColour, rgb);
  const best = z.indexOf(Math.max(...z));
  assert.equal(body.label, cifarColour.classes[best]);
  const p = Math.exp(0) / z.reduce((s, v) => s + Math.exp(v - z[best]), 0);
  assert.ok(Math.abs(body.scores[0].score - p) < 1e-3, `${body.scores[0].score} vs ${p}`);
});

test('a model that is not registered, or a path, is refused with 400 listing the registered classifiers', { skip }, async () => {
  for (const model of ['tiny-cnn', 'resnet']) {
    const r = await classify({ model });
    assert.equal(r.status, 400);
    const { error } = await r.json();
    assert.equal(error.code, 'UNKNOWN_NAME');
    assert.match(error.message, /must be one of \[cifar-colour\]$/);
  }
  for (const model of ['../models/cifar-colour.onnx', path.join(dir, 'models', 'cifar-colour.onnx')]) {
    const r = await classify({ model });
    assert.equal(r.status, 400);
    const { error } = await r.json();
    assert.equal(error.code, 'BAD_ARGUMENT');
    assert.match(error.message, /invalid option model: a model name from GET \/api\/models/);
    assert.ok(!error.message.includes('\n'));
  }
});

test('/openapi.json documents the model field of classify, its two answers, and GET /api/models', { skip }, async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const body = doc.paths['/api/classify'].post.requestBody.content['multipart/form-data'].schema;
  assert.equal(body.properties.model.type, 'string');
  assert.match(body.properties.model.description, /GET \/api\/models/);
  const answer = doc.paths['/api/classify'].post.responses['200'].content['application/json'].schema;
  assert.equal(answer.anyOf.length, 2);
  assert.ok(answer.anyOf.some((s: { properties: Record<string, unknown> }) => s.properties.neighbours), 'the k-NN answer');
  assert.ok(answer.anyOf.some((s: { properties: Record<string, unknown> }) => s.properties.sha256), 'the network answer');
  const models = doc.paths['/api/models'].get.responses['200'].content['application/json'].schema;
  assert.ok(models.properties.classifiers);
});
