/**
 * The job worker thread: runs the jobs of `JobQueue` one at a time on its own handle of the collection,
 * so scene completion or colorization computing for seconds never stalls the server's event loop
 * (thumbnails, searches and progress events keep flowing). Progress is posted back at most every
 * 100 ms; the job's time limit is checked at every progress step.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DejaError, isDejaError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { JobFiles } from '../io/jobFiles.ts';
import { Collection } from '../store/collection.ts';
import { collectionCache } from './collectionCache.ts';
import { errorResponse } from './httpErrors.ts';
import type { JobEnv } from './route.ts';
import { routes } from './routes/index.ts';
import type { ServeSettings } from './serveOptions.ts';
import type { JobMessage, JobReply } from './jobs.ts';
import { JOB_FILE_NAME } from './jobs.ts';

const EMIT_EVERY_MS = 100;
const port = parentPort!;
const { settings, filesDir } = workerData as { settings: ServeSettings; filesDir: string };
const jobFiles = JobFiles.at(filesDir);
const collection = Collection.open(path.resolve(settings.collection));
const env: JobEnv = { collection, settings, cached: collectionCache(collection) };
const post = (reply: JobReply) => port.postMessage(reply);

port.on('message', async (msg: JobMessage) => {
  if (msg.type === 'close') {
    collection.close();
    port.close();
    return;
  }
  const { id, kind, deadline } = msg;
  const spec = routes.find((r) => r.job?.kind === kind)?.job;
  const state = { stage: 'starting', done: 0, total: 0 };
  let last = 0;
  const emit = (always: boolean) => {
    const now = Date.now();
    if (!always && now - last < EMIT_EVERY_MS) return;
    last = now;
    post({ type: 'progress', id, progress: { ...state } });
  };
  const overdue = () => new DejaError('TIME_LIMIT', `the ${kind} job ran past its ${Math.round(settings.jobTimeoutMs / 1000)} s limit`, { hint: 'use a smaller photo or fewer results, or raise deja serve --job-timeout' });
  const progress: Progress = {
    start: (total, label) => {
      Object.assign(state, { stage: label, done: 0, total });
      emit(true);
    },
    tick: (count = 1) => {
      state.done += count;
      if (Date.now() > deadline) throw overdue();
      emit(false);
    },
    setTotal: (total) => {
      state.total = total;
      emit(false);
    },
    stop: () => emit(true),
  };
  const files: string[] = [];
  const saveFile = (name: string, bytes: Buffer): string => {
    if (!JOB_FILE_NAME.test(name)) throw new Error(`assertion failed: job file name ${name}`);
    jobFiles.save(id, name, bytes);
    files.push(name);
    return `/api/jobs/${id}/files/${name}`;
  };
  try {
    if (!spec) throw new Error(`assertion failed: no job kind ${kind}`);
    const result = await spec.run(env, msg.input, { id, progress, saveFile });
    if (Date.now() > deadline) throw overdue();
    post({ type: 'done', id, result, files });
  } catch (e) {
    post({ type: 'failed', id, error: errorResponse(e).body.error, files, internal: isDejaError(e) ? undefined : String((e as Error)?.stack ?? e) });
  }
});
