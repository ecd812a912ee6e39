import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { DejaError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { workerModuleUrl } from '../core/workerPool.ts';
import type { JobFiles } from '../io/jobFiles.ts';
import type { ErrorBody } from './httpErrors.ts';
import type { ServeSettings } from './serveOptions.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** What clients see of a job (`GET /api/jobs/:id`, and every server-sent event). */
export interface JobView {
  id: string;
  kind: string;
  state: JobState;
  progress: { stage: string; done: number; total: number };
  result: unknown;
  error: ErrorBody['error'] | null;
  url: string;
  events: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Given to the work: progress to report through (it enforces the time limit) and a place for files. */
export interface JobContext {
  id: string;
  progress: Progress;
  /** Keeps a file the job made and returns the URL clients fetch it from. */
  saveFile(name: string, bytes: Buffer): string;
}

export type JobEvent = 'progress' | 'done' | 'failed';
type Listener = (event: JobEvent, job: JobView) => void;

interface Job {
  view: JobView;
  input: unknown;
  transfer: ArrayBuffer[];
  /** Names of the files the job saved. */
  files: Set<string>;
  listeners: Set<Listener>;
}

/** Messages to the job worker thread, and its replies. */
export type JobMessage = { type: 'run'; id: string; kind: string; input: unknown; deadline: number } | { type: 'close' };
export type JobReply =
  | { type: 'progress'; id: string; progress: JobView['progress'] }
  | { type: 'done'; id: string; result: unknown; files: string[] }
  | { type: 'failed'; id: string; error: ErrorBody['error']; files: string[]; internal?: string };

/** Names of the files a job may save: no separators, no dots but the extension's (`points3D.txt` keeps COLMAP's name). */
export const JOB_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}\.(png|jpg|txt|ply|json)$/;

/** The media type a job file is served as, by its extension. */
export const JOB_FILE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  txt: 'text/plain; charset=utf-8',
  ply: 'application/octet-stream',
  json: 'application/json; charset=utf-8',
};
const JOB_ID = /^[0-9a-f]{32}$/;

/**
 * Long work (scene completion, geolocation, colorization) as jobs, run in a worker thread
 * (`jobWorker.ts`) so the server keeps answering while they compute. One runs at a time (the work is
 * CPU-bound and already uses every core where it can); the rest wait in a bounded queue, and a full
 * queue is refused (BUSY) rather than letting memory grow. Each job's time limit is checked at every
 * progress step, so an over-long job stops at its next step. Finished jobs keep their result and
 * files until `keep` newer ones have finished.
 */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly finished: string[] = [];
  private running: Job | null = null;
  private worker: Worker | null = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  /** Where the jobs' files are kept (removed with the queue on `close`). */
  readonly files: JobFiles;

  constructor(private readonly settings: ServeSettings, files: JobFiles) {
    this.files = files;
  }

  /**
   * Queues a job; `transfer` lists buffers of `input` to move (not copy) to the worker.
   * @throws DejaError BUSY when `maxQueuedJobs` jobs are already waiting
   */
  submit(kind: string, input: unknown, transfer: ArrayBuffer[] = []): JobView {
    if (this.closed) throw new DejaError('BUSY', 'the server is shutting down', { hint: 'retry against the restarted server' });
    if (this.running && this.waiting.length >= this.settings.maxQueuedJobs)
      throw new DejaError('BUSY', `${this.waiting.length} jobs are already waiting`, { hint: 'retry in a little while' });
    const id = crypto.randomBytes(16).toString('hex');
    const view: JobView = {
      id,
      kind,
      state: 'queued',
      progress: { stage: 'queued', done: 0, total: 0 },
      result: null,
      error: null,
      url: `/api/jobs/${id}`,
      events: `/api/jobs/${id}/events`,
      queuedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    const job: Job = { view, input, transfer, files: new Set(), listeners: new Set() };
    this.jobs.set(id, job);
    this.waiting.push(job);
    this.pump();
    return snapshot(view);
  }

  get(id: string): JobView | undefined {
    const job = JOB_ID.test(id) ? this.jobs.get(id) : undefined;
    return job ? snapshot(job.view) : undefined;
  }

  /** Calls `listener` on every event of the job until it ends; returns the unsubscribe function. */
  subscribe(id: string, listener: Listener): () => void {
    const job = this.jobs.get(id);
    if (!job) return () => {};
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Resolves when the job has finished (done or failed). */
  async wait(id: string): Promise<JobView | undefined> {
    const now = this.get(id);
    if (!now || now.state === 'done' || now.state === 'failed') return now;
    return new Promise((resolve) => {
      const stop = this.subscribe(id, (event, view) => {
        if (event !== 'progress') (stop(), resolve(view));
      });
    });
  }

  /** A file a job made, as a stream; only names the job itself saved resolve (nothing else is reachable). */
  file(id: string, name: string): Readable | undefined {
    if (!JOB_ID.test(id) || !JOB_FILE_NAME.test(name) || !this.jobs.get(id)?.files.has(name)) return undefined;
    return this.files.open(id, name);
  }

  /** Stops taking jobs, lets the running one finish, stops the worker, removes every job file. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await this.idle;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies JobMessage);
      await exited;
    }
    this.files.removeAll();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.running = job;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    const v = job.view;
    v.state = 'running';
    v.startedAt = new Date().toISOString();
    v.progress = { stage: 'starting', done: 0, total: 0 };
    this.emit(job, 'progress');
    const message: JobMessage = { type: 'run', id: v.id, kind: v.kind, input: job.input, deadline: Date.now() + this.settings.jobTimeoutMs };
    job.input = null;
    this.ensureWorker().postMessage(message, job.transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerModuleUrl(import.meta.url, './jobWorker'), { workerData: { settings: this.settings, filesDir: this.files.dir } });
    worker.on('message', (reply: JobReply) => this.onReply(reply));
    // A worker that dies (a bug, or out of memory) fails its job; the next job starts a new one.
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      if (this.running) this.finish(this.running, { type: 'failed', id: this.running.view.id, error: { code: 'INTERNAL', message: `the job worker stopped: ${why}` }, files: [] });
    };
    worker.on('error', (e) => {
      console.error('deja serve: job worker error:', e);
      lost(e instanceof Error ? e.message.split('\n')[0] : String(e));
    });
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: JobReply): void {
    const job = this.running;
    if (!job || job.view.id !== reply.id) return;
    if (reply.type === 'progress') {
      job.view.progress = reply.progress;
      this.emit(job, 'progress');
    } else this.finish(job, reply);
  }

  private finish(job: Job, reply: Extract<JobReply, { type: 'done' | 'failed' }>): void {
    const v = job.view;
    for (const name of reply.files) job.files.add(name);
    if (reply.type === 'done') {
      v.state = 'done';
      v.result = reply.result;
    } else {
      v.state = 'failed';
      v.error = reply.error;
      if (reply.internal) console.error(`deja serve: job ${v.id} (${v.kind}) failed: ${reply.internal}`);
    }
    v.finishedAt = new Date().toISOString();
    this.emit(job, reply.type);
    job.listeners.clear();
    this.retire(v.id);
    this.running = null;
    this.markIdle();
    this.pump();
  }

  private emit(job: Job, event: JobEvent): void {
    const view = snapshot(job.view);
    for (const l of job.listeners) l(event, view);
  }

  /** Keeps the newest `keep` finished jobs; older ones lose their record and files. */
  private retire(id: string): void {
    this.finished.push(id);
    while (this.finished.length > this.settings.keepJobs) {
      const old = this.finished.shift()!;
      this.jobs.delete(old);
      this.files.removeJob(old);
    }
  }
}

function snapshot(v: JobView): JobView {
  return { ...v, progress: { ...v.progress } };
}
