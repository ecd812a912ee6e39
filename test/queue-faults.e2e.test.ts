import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ingest } from '../src/actions/ingest.ts';
import { silentProgress, type Progress } from '../src/core/progress.ts';
import { Collection } from '../src/store/collection.ts';
import { DejaError } from '../src/core/errors.ts';
import { deja, tmpDir } from './helpers.ts';
import { TestRedis, WorkerProcess, freePort, photoFolder, queueSkip, sleep, until } from './queueFixture.ts';

// A distributed ingest survives its workers and its Redis: a worker killed mid-job loses no photo, a
// Redis restarted mid-run (append-only file) loses none, and none is stored twice. A Redis that is not
// there is one line for the writer and a wait for a worker.

const skip = queueSkip;
const N = 30;
const ENCODERS = ['tiny', 'lab-hist'];
let redis: TestRedis;
let photos: string;
let dir: string;

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  photos = photoFolder(N);
  dir = tmpDir('deja-queue-faults-');
});

after(async () => {
  if (!skip) await redis.stop();
});

/** Progress that runs `act` once, when the `at`-th photo is done. */
function onTick(at: number, act: () => void): Progress {
  let done = 0;
  return { ...silentProgress, tick: (n = 1) => void ((done += n) >= at && done - n < at && act()) };
}

/** Every photo once, each with a descriptor of every encoder, none twice. */
function assertComplete(collection: Collection): void {
  assert.equal(collection.count(), N);
  assert.equal(collection.aliasCount(), 0);
  assert.equal(new Set(collection.photos().map((p) => p.path)).size, N);
  for (const spec of ENCODERS) assert.equal(collection.photosMissing(spec).length, 0, spec);
  assert.equal(collection.skippedItems().length, 0);
}

test('a worker killed with SIGKILL mid-run loses no photo: the other takes its jobs over', { skip, timeout: 90_000 }, async () => {
  const workers = [new WorkerProcess(redis.url, ['--concurrency', '2']), new WorkerProcess(redis.url, ['--concurrency', '2'])];
  try {
    const c = Collection.open(path.join(dir, 'worker-killed'), { create: true });
    let killed = false;
    const report = await ingest(c, [photos], { encoders: ENCODERS, queue: redis.url, queueInFlight: 8, queuePollMs: 1000 }, onTick(5, () => {
      killed = true;
      void workers[0].stop('SIGKILL');
    }));
    assert.ok(killed);
    assert.equal(workers[0].child.signalCode, 'SIGKILL');
    assert.equal(report.added, N);
    assert.deepEqual(report.skipped, []);
    assertComplete(c);
    c.close();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
});

test('Redis killed and restarted mid-run (same port, append-only file): the ingest completes, nothing lost or doubled', { skip, timeout: 90_000 }, async () => {
  const workers = [new WorkerProcess(redis.url, ['--concurrency', '2']), new WorkerProcess(redis.url, ['--concurrency', '2'])];
  try {
    const c = Collection.open(path.join(dir, 'redis-restarted'), { create: true });
    let restarted: Promise<void> | undefined;
    const report = await ingest(c, [photos], { encoders: ENCODERS, queue: redis.url, queueInFlight: 8, queuePollMs: 1000 }, onTick(5, () => {
      restarted = redis.kill().then(() => sleep(500)).then(() => redis.restart());
    }));
    assert.ok(restarted, 'Redis was restarted');
    await restarted;
    assert.equal(report.added, N);
    assert.deepEqual(report.skipped, []);
    assertComplete(c);
    c.close();
    for (const w of workers) assert.match(w.stderr, /unreachable/);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
});

test('deja index --queue with no Redis there exits non-zero with one line naming the URL and how to start Redis', { skip, timeout: 60_000 }, async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const r = deja(['index', '--queue', url, photos, '-c', path.join(dir, 'no-redis'), '-q']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0].startsWith(`deja: cannot reach Redis at ${url}`), lines[0]);
  assert.match(lines[0], /redis-server --appendonly yes/);
});

test('a worker started before its Redis logs one line, waits, and serves once Redis is up', { skip, timeout: 60_000 }, async () => {
  const port = await freePort();
  const worker = new WorkerProcess(`redis://127.0.0.1:${port}`);
  let late: TestRedis | undefined;
  try {
    await until(() => /unreachable/.test(worker.stderr), 'the worker to report Redis unreachable');
    await sleep(1500); // it keeps retrying meanwhile, silently
    assert.equal(worker.stderr.match(/unreachable/g)?.length, 1, worker.stderr);
    assert.equal(worker.child.exitCode, null, 'the worker is still running');
    late = await TestRedis.start(port);
    await until(() => /is back/.test(worker.stderr), 'the worker to reconnect');
  } finally {
    await worker.stop();
    await late?.stop();
  }
});

test('Redis gone for good mid-run stops the ingest with UNREACHABLE after the down limit; what was committed stays', { skip, timeout: 60_000 }, async () => {
  const gone = await TestRedis.start();
  try {
    const c = Collection.open(path.join(dir, 'redis-gone'), { create: true });
    // No worker: the jobs wait until Redis is killed under them.
    const run = ingest(c, [photos], { encoders: ENCODERS, queue: gone.url, queueInFlight: 4, queuePollMs: 500, queueDownLimitMs: 2000 });
    await sleep(1500);
    await gone.kill();
    const started = Date.now();
    await assert.rejects(run, (e: unknown) => e instanceof DejaError && e.code === 'UNREACHABLE' && e.message.includes(gone.url));
    assert.ok(Date.now() - started < 20_000, `gave up after ${Date.now() - started} ms`);
    assert.equal(c.count(), 0);
    assert.equal(c.skippedItems().length, 0, 'no photo is recorded as skipped for a lost Redis');
    c.close();
  } finally {
    await gone.stop();
  }
});
