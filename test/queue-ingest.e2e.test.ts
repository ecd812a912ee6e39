import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { ingest, DEFAULT_ENCODERS } from '../src/actions/ingest.ts';
import { Collection } from '../src/store/collection.ts';
import { deja, tmpDir } from './helpers.ts';
import { TestRedis, WorkerProcess, collectionContents, photoFolder, queueSkip } from './queueFixture.ts';

// A distributed ingest (`deja index --queue` as the one writer, `deja worker` processes encoding) must
// give the very collection a local ingest gives: the same photos, bit-identical descriptors, and the
// same skipped files.

const skip = queueSkip;
let redis: TestRedis;
let photos: string;
let dir: string;
let workers: WorkerProcess[] = [];
const N = 24;
const BAD = 'zz-random-bytes.jpg';

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  photos = photoFolder(N, { [BAD]: crypto.randomBytes(20_000) });
  dir = tmpDir('deja-queue-ingest-');
  workers = [1, 2].map(() => new WorkerProcess(redis.url, ['--concurrency', '2']));
});

after(async () => {
  if (skip) return;
  await Promise.all(workers.map((w) => w.stop()));
  await redis.stop();
});

test('two workers give the same photos and bit-identical descriptors as a local ingest, and skip the undecodable file', { skip, timeout: 120_000 }, async () => {
  const local = Collection.open(path.join(dir, 'local'), { create: true });
    const localReport = await ingest(local, [photos], { threads: 1 });
    const queued = Collection.open(path.join(dir, 'queued'), { create: true });
    const report = await ingest(queued, [photos], { queue: redis.url, queueInFlight: 16, queuePollMs: 1000 });

    assert.equal(report.added, N);
    assert.equal(localReport.added, N);
    assert.deepEqual(
      report.skipped.map((s) => [path.basename(s.path), s.code]),
      [[BAD, 'NOT_AN_IMAGE']],
    );
    assert.deepEqual(report.skipped, localReport.skipped);
    assert.deepEqual(collectionContents(queued, photos, [...DEFAULT_ENCODERS]), collectionContents(local, photos, [...DEFAULT_ENCODERS]));
    assert.deepEqual(queued.skippedItems().map((s) => s.path), [path.join(photos, BAD)]);
  local.close();
  queued.close();
  for (const w of workers) assert.match(w.stderr, /serving queue deja-[0-9a-f]{16}/);
});

test('a second run over the same photos is resumed from the collection: only the skipped file is tried again', { skip, timeout: 60_000 }, async () => {
  const queued = Collection.open(path.join(dir, 'queued'));
  const report = await ingest(queued, [photos], { queue: redis.url, queuePollMs: 1000 });
  assert.equal(report.added, 0);
  assert.equal(report.alreadyPresent, N);
  assert.equal(report.retried, 1);
  assert.deepEqual(report.skipped.map((s) => s.code), ['NOT_AN_IMAGE']);
  assert.equal(queued.count(), N);
  queued.close();
});

test('deja index --queue --status prints the queue counts, and --json the same as an object', { skip, timeout: 60_000 }, () => {
  const coll = path.join(dir, 'queued');
  const text = deja(['index', '--queue', redis.url, '--status', '-c', coll]);
  assert.equal(text.code, 0, text.stderr);
  // The writer removes each job it collected: nothing is left, and both workers are connected.
  assert.match(text.stdout, /^queue deja-[0-9a-f]{16} at redis:\/\/127\.0\.0\.1:\d+: 0 waiting, 0 active, 0 completed \(not yet committed\), 0 failed, 0 delayed; \d+ worker connection\(s\)\n$/);
  const json = deja(['index', '--queue', redis.url, '--status', '--json', '-c', coll]);
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout);
  assert.deepEqual({ waiting: s.waiting, active: s.active, completed: s.completed, failed: s.failed }, { waiting: 0, active: 0, completed: 0, failed: 0 });
  assert.ok(s.workers >= 2, `${s.workers} worker connections`);
  assert.match(s.name, /^deja-[0-9a-f]{16}$/);
});

test('deja worker --help and deja index --help describe the queue options', () => {
  const w = deja(['worker', '--help']);
  assert.equal(w.code, 0);
  for (const flag of ['--queue <url>', '--concurrency <n>', '--threads', '--lock-seconds <s>', '--name <queue>']) assert.ok(w.stdout.includes(flag), flag);
  const i = deja(['index', '--help']);
  for (const flag of ['--queue <url>', '--status', '--queue-in-flight <n>']) assert.ok(i.stdout.includes(flag), flag);
});
