/** The API client without a server: error lines, form fields, and following a job by polling. */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api, errorLine, followJob, toFormData } from './api.ts';
import type { Job } from './apiTypes.ts';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Answers each request with the next of `bodies` (JSON, with its status). */
function fakeFetch(bodies: [number, unknown][]): string[] {
  const urls: string[] = [];
  globalThis.fetch = (async (url: string) => {
    urls.push(url);
    const [status, body] = bodies.shift() ?? [500, { error: { code: 'TEST', message: 'no more answers' } }];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return urls;
}

function job(state: Job['state'], done: number, result: unknown = null, error: Job['error'] = null): Job<{ answer: number }> {
  return { id: 'ab12', kind: 'locate', state, progress: { stage: 'matching', done, total: 3 }, result: result as { answer: number } | null, error, url: '/api/jobs/ab12', events: '/api/jobs/ab12/events', queuedAt: '2024-01-01T00:00:00.000Z', startedAt: null, finishedAt: null };
}

test('a server error becomes an ApiError whose line is the message, then the hint', async () => {
  fakeFetch([[409, { error: { code: 'NO_DATA', message: 'the collection has no gist-gray descriptors', hint: 'add them with: deja index --encoders "gist-gray"' } }]]);
  const err = await api.info().catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 'NO_DATA');
  assert.equal(err.status, 409);
  assert.equal(errorLine(err), 'the collection has no gist-gray descriptors — add them with: deja index --encoders "gist-gray"');
  assert.equal(errorLine(new ApiError({ code: 'X', message: 'only a message' }, 400)), 'only a message');
});

test('a non-JSON error answer is reported by its status', async () => {
  globalThis.fetch = (async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch;
  const err = (await api.health().catch((e: unknown) => e)) as ApiError;
  assert.equal(err.code, 'HTTP_502');
  assert.match(err.message, /HTTP 502/);
});

test('toFormData sends files with names, numbers and booleans as text, and leaves undefined out', () => {
  const form = toFormData({ photo: new File([new Uint8Array([1, 2])], 'a.jpg', { type: 'image/jpeg' }), mask: { blob: new Blob([new Uint8Array([3])], { type: 'image/png' }), name: 'mask.png' }, k: 6, mirror: false, scenes: undefined });
  assert.equal((form.get('photo') as File).name, 'a.jpg');
  assert.equal((form.get('mask') as File).name, 'mask.png');
  assert.equal(form.get('k'), '6');
  assert.equal(form.get('mirror'), 'false');
  assert.equal(form.has('scenes'), false);
});

test('followJob without EventSource polls the job until done, reporting each state', async () => {
  const g = globalThis as { EventSource?: unknown };
  const saved = g.EventSource;
  delete g.EventSource; // Node may grow one; this test covers the polling fallback
  after(() => void (saved && (g.EventSource = saved)));
  const urls = fakeFetch([[200, job('running', 1)], [200, job('running', 2)], [200, job('done', 3, { answer: 42 })]]);
  const seen: string[] = [];
  const result = await followJob(job('queued', 0), (j) => seen.push(`${j.state}:${j.progress.done}`), 1);
  assert.deepEqual(result, { answer: 42 });
  assert.deepEqual(seen, ['queued:0', 'running:1', 'running:2', 'done:3']);
  assert.deepEqual(urls, ['/api/jobs/ab12', '/api/jobs/ab12', '/api/jobs/ab12']);
});

test("followJob rejects with a failed job's own error", async () => {
  fakeFetch([[200, job('failed', 1, null, { code: 'BAD_ARGUMENT', message: 'the mask is empty', hint: 'paint the hole' })]]);
  const err = (await followJob(job('running', 0), () => undefined, 1).catch((e: unknown) => e)) as ApiError;
  assert.ok(err instanceof ApiError);
  assert.equal(errorLine(err), 'the mask is empty — paint the hole');
});

test('locateSequence sends every photo in the one field "photos", by name, beside its options', async () => {
  let sent: FormData | undefined;
  globalThis.fetch = (async (_url: string, init?: RequestInit) => {
    sent = init?.body as FormData;
    return new Response(JSON.stringify(job('queued', 0)), { status: 202, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const files = ['a.jpg', 'b.jpg', 'c.jpg'].map((n) => new File([new Uint8Array([1])], n, { type: 'image/jpeg' }));
  await api.locateSequence(files, { maxGapHours: 6, k: undefined });
  assert.deepEqual(sent!.getAll('photos').map((f) => (f as File).name), ['a.jpg', 'b.jpg', 'c.jpg']);
  assert.equal(sent!.get('maxGapHours'), '6');
  assert.equal(sent!.has('k'), false);
});

test('reconstruct posts the photos in "photos" to /api/reconstruct with the camera model, and leaves out an unset K', async () => {
  let sent: FormData | undefined, to = '';
  globalThis.fetch = (async (url: string, init?: RequestInit) => {
    [to, sent] = [url, init?.body as FormData];
    return new Response(JSON.stringify(job('queued', 0)), { status: 202, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const files = ['0003.jpg', '0004.jpg'].map((n) => new File([new Uint8Array([1])], n, { type: 'image/jpeg' }));
  await api.reconstruct(files, { cameraModel: 'simple-radial', K: undefined, maxSize: 512 });
  assert.equal(to, '/api/reconstruct');
  assert.deepEqual(sent!.getAll('photos').map((f) => (f as File).name), ['0003.jpg', '0004.jpg']);
  assert.equal(sent!.get('cameraModel'), 'simple-radial');
  assert.equal(sent!.get('maxSize'), '512');
  assert.equal(sent!.has('K'), false);
});
