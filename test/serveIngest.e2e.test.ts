import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ingest } from '../src/actions/ingest.ts';
import { createServer } from '../src/server/app.ts';
import { Collection } from '../src/store/collection.ts';
import { tmpDir } from './helpers.ts';
import { TestRedis, WorkerProcess, photoFolder, queueSkip, sleep } from './queueFixture.ts';

// `deja serve --queue`: GET /api/ingest (what the page header shows) follows a distributed ingest from
// a collection that never used a queue, through jobs waiting for a worker, to idle with every photo
// committed, and reports a Redis that went away as a state, not a failure.

const skip = queueSkip;
const N = 6;
let redis: TestRedis;
let coll: string;
let photos: string;
let app: FastifyInstance;
let plain: FastifyInstance;

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  photos = photoFolder(N);
  coll = path.join(tmpDir('deja-serve-ingest-'), 'collection');
  Collection.open(coll, { create: true }).close();
  const web = path.join(coll, '..', 'no-web');
  app = await createServer({ collection: coll, webRoot: web, queue: redis.url });
  plain = await createServer({ collection: coll, webRoot: web });
});

after(async () => {
  if (skip) return;
  await app.close();
  await plain.close();
  await redis.stop();
});

async function progress(server: FastifyInstance): Promise<Record<string, unknown>> {
  const r = await server.inject({ method: 'GET', url: '/api/ingest' });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

/** Polls until `ok` holds (each answer may be up to 2 s old). */
async function until(ok: (p: Record<string, unknown>) => boolean, what: string, ms = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const p = await progress(app);
    if (ok(p)) return p;
    if (Date.now() > deadline) assert.fail(`${what}: last answer ${JSON.stringify(p)}`);
    await sleep(500);
  }
}

test('GET /api/ingest: off without --queue, unused before the first queued ingest, then running, then idle with every photo', { skip, timeout: 120_000 }, async () => {
  assert.equal((await progress(plain)).state, 'off');
  const first = await progress(app);
  assert.equal(first.state, 'unused');
  assert.equal(first.photos, 0);

  const writer = Collection.open(coll);
  const run = ingest(writer, [photos], { queue: redis.url, queuePollMs: 300 });
  // No worker yet: the jobs wait, and the answer says so.
  const waiting = await until((p) => p.state === 'running' && (p.waiting as number) > 0, 'jobs waiting');
  assert.equal(waiting.workers, 0);
  assert.match(waiting.queue as string, /^deja-[0-9a-f]{16}$/);
  assert.equal(waiting.url, redis.url);

  const worker = new WorkerProcess(redis.url);
  try {
    const report = await run;
    assert.equal(report.added, N);
    const done = await until((p) => p.state === 'idle' && p.photos === N, 'idle with every photo');
    assert.deepEqual([done.waiting, done.active, done.completed, done.failed], [0, 0, 0, 0]);
    assert.ok((done.workers as number) >= 1);
  } finally {
    await worker.stop();
    writer.close();
  }
});

test('GET /api/ingest reports Redis gone as state unreachable, naming the URL, and recovers when it returns', { skip, timeout: 60_000 }, async () => {
  await redis.kill();
  const gone = await until((p) => p.state === 'unreachable', 'unreachable');
  assert.match(gone.message as string, new RegExp(`127\\.0\\.0\\.1:${redis.port}`));
  assert.equal(gone.photos, N);
  await redis.restart();
  await until((p) => p.state === 'idle', 'idle again');
});

test('deja serve refuses a --queue that is not a redis:// URL before opening anything', { skip }, async () => {
  await assert.rejects(createServer({ collection: coll, queue: 'http://localhost:6379' }), { code: 'BAD_ARGUMENT' });
});
