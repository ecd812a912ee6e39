import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestProgress } from './apiTypes.ts';
import { ingestLine } from './header.ts';

const base: IngestProgress = { state: 'running', photos: 10, queue: 'deja-0123456789abcdef', url: 'redis://h:6379', waiting: 1200, active: 4, completed: 0, failed: 0, delayed: 3, workers: 0, message: null };

test('ingestLine says nothing without a queue, names the waiting, running and failed jobs, and says how to start a missing worker', () => {
  assert.equal(ingestLine({ ...base, state: 'off' }), null);
  assert.equal(ingestLine({ ...base, state: 'unused' }), null);
  assert.equal(ingestLine(base), 'ingesting · 1,203 waiting · 4 encoding · 0 workers · start one with `deja worker --queue <url>`');
  assert.equal(ingestLine({ ...base, state: 'idle', waiting: 0, active: 0, delayed: 0, failed: 2, workers: 1 }), 'ingest idle · 0 waiting · 0 encoding · 2 failed · 1 worker');
  assert.equal(ingestLine({ ...base, state: 'unreachable', message: 'Redis at redis://h:6379 does not answer' }), 'ingest queue: Redis at redis://h:6379 does not answer');
});
