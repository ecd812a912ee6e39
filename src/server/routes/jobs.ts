import { DejaError } from '../../core/errors.ts';
import { defineRoute } from '../route.ts';
import { Job } from '../responses.ts';
import { JOB_FILE_NAME, JOB_FILE_TYPES } from '../jobs.ts';

const jobId = { id: { pattern: /^[0-9a-f]{32}$/, description: 'job id' } };

function notFound(id: string): DejaError {
  return new DejaError('NOT_FOUND', `no job ${id}`, { hint: 'finished jobs are kept for a while only; submit it again' });
}

export const jobStatus = defineRoute({
  method: 'GET',
  url: '/api/jobs/:id',
  summary: "A job's state, progress and (when done) result or error",
  tag: 'jobs',
  params: jobId,
  response: Job,
  returns: 'the job: state, progress, and its result or error once finished',
  handle: ({ ctx, params }) => ctx.jobs.get(params.id) ?? Promise.reject(notFound(params.id)),
});

export const jobEvents = defineRoute({
  method: 'GET',
  url: '/api/jobs/:id/events',
  summary: "A job's progress as server-sent events: the current state first, then `progress` events, and a final `done` or `failed`",
  tag: 'jobs',
  params: jobId,
  produces: 'text/event-stream',
  returns: 'text/event-stream of job JSON',
  handle: ({ ctx, params, reply, request }) => {
    const now = ctx.jobs.get(params.id);
    if (!now) throw notFound(params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const finished = now.state === 'done' || now.state === 'failed';
    send(finished ? (now.state === 'done' ? 'done' : 'failed') : 'progress', now);
    if (finished) return void res.end();
    const stop = ctx.jobs.subscribe(params.id, (event, job) => {
      send(event, job);
      if (event !== 'progress') (stop(), res.end());
    });
    request.raw.on('close', stop);
  },
});

export const jobFile = defineRoute({
  method: 'GET',
  url: '/api/jobs/:id/files/:name',
  summary: 'A file a job made (completions, maps, panels, reconstruction models); only the names in its result exist',
  tag: 'jobs',
  params: { ...jobId, name: { pattern: JOB_FILE_NAME, description: 'file name from the job result' } },
  produces: [...new Set(Object.values(JOB_FILE_TYPES).map((t) => t.split(';')[0]))],
  returns: 'the file: image/png, image/jpeg, text/plain (COLMAP model), application/octet-stream (PLY) or application/json (viewer scene)',
  handle: ({ ctx, params, reply }) => {
    const file = ctx.jobs.file(params.id, params.name);
    if (!file) throw new DejaError('NOT_FOUND', `job ${params.id} has no file ${params.name}`);
    // nosniff: a text or JSON job file is never run as a page or script, whatever it holds.
    return reply.type(JOB_FILE_TYPES[params.name.slice(params.name.lastIndexOf('.') + 1)]).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=3600').send(file);
  },
});
