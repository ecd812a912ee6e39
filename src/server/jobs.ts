import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DejaError, isDejaError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { errorResponse, type ErrorBody } from './httpErrors.ts';

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

export type JobWork = (ctx: JobContext) => Promise<unknown>;
export type JobEvent = 'progress' | 'done' | 'failed';
type Listener = (event: JobEvent, job: JobView) => void;

interface Job {
  view: JobView;
  work: JobWork;
  files: Map<string, string>;
  listeners: Set<Listener>;
  lastEmit: number;
}

const FILE_NAME = /^[a-z0-9][a-z0-9-]{0,63}\.(png|jpg)$/;
const JOB_ID = /^[0-9a-f]{32}$/;
/** Progress events are sent at most this often (ms); the final one always. */
const EMIT_EVERY_MS = 100;

/**
 * Long work (scene completion, geolocation, colorization) as jobs: one runs at a time (the work is
 * CPU-bound and already uses every core where it can), the rest wait in a bounded queue; a full queue
 * is refused (BUSY) rather than letting memory grow. Each job's time limit is checked at every
 * progress step, so an over-long job stops at its next step instead of running on unseen. Finished
 * jobs keep their result and files until `keep` newer ones have finished.
 */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly finished: string[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly o: { maxQueued: number; keep: number; timeoutMs: number; filesDir: string }) {}

  /** @throws DejaError BUSY when `maxQueued` jobs are already waiting */
  submit(kind: string, work: JobWork): JobView {
    if (this.closed) throw new DejaError('BUSY', 'the server is shutting down', { hint: 'retry against the restarted server' });
    if (this.running && this.waiting.length >= this.o.maxQueued)
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
    const job: Job = { view, work, files: new Map(), listeners: new Set(), lastEmit: 0 };
    this.jobs.set(id, job);
    this.waiting.push(job);
    this.pump();
    return { ...view };
  }

  get(id: string): JobView | undefined {
    const job = JOB_ID.test(id) ? this.jobs.get(id) : undefined;
    return job ? { ...job.view } : undefined;
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

  /** Path of a file a job made; only names the job itself saved resolve (nothing else is reachable). */
  file(id: string, name: string): string | undefined {
    if (!JOB_ID.test(id) || !FILE_NAME.test(name)) return undefined;
    return this.jobs.get(id)?.files.get(name);
  }

  /** Stops taking jobs, lets the running one finish, removes every job file. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await this.running;
    fs.rmSync(this.o.filesDir, { recursive: true, force: true });
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.running = this.run(job).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async run(job: Job): Promise<void> {
    const v = job.view;
    v.state = 'running';
    v.startedAt = new Date().toISOString();
    v.progress = { stage: 'starting', done: 0, total: 0 };
    this.emit(job, 'progress', true);
    const deadline = Date.now() + this.o.timeoutMs;
    const overdue = () => new DejaError('TIME_LIMIT', `the ${v.kind} job ran past its ${Math.round(this.o.timeoutMs / 1000)} s limit`, { hint: 'use a smaller photo or fewer results, or raise deja serve --job-timeout' });
    const progress: Progress = {
      start: (total, label) => {
        v.progress = { stage: label, done: 0, total };
        this.emit(job, 'progress', true);
      },
      tick: (count = 1) => {
        v.progress.done += count;
        if (Date.now() > deadline) throw overdue();
        this.emit(job, 'progress', false);
      },
      setTotal: (total) => {
        v.progress.total = total;
        this.emit(job, 'progress', false);
      },
      stop: () => this.emit(job, 'progress', true),
    };
    const saveFile = (name: string, bytes: Buffer): string => {
      if (!FILE_NAME.test(name)) throw new Error(`assertion failed: job file name ${name}`);
      const dir = path.join(this.o.filesDir, v.id);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      job.files.set(name, file);
      return `/api/jobs/${v.id}/files/${name}`;
    };
    try {
      const result = await job.work({ id: v.id, progress, saveFile });
      if (Date.now() > deadline) throw overdue();
      v.result = result;
      v.state = 'done';
    } catch (e) {
      v.error = errorResponse(e).body.error;
      v.state = 'failed';
      if (!isDejaError(e)) console.error(`deja serve: job ${v.id} (${v.kind}) failed:`, e);
    }
    v.finishedAt = new Date().toISOString();
    this.emit(job, v.state === 'done' ? 'done' : 'failed', true);
    job.listeners.clear();
    this.retire(v.id);
  }

  private emit(job: Job, event: JobEvent, always: boolean): void {
    const now = Date.now();
    if (!always && now - job.lastEmit < EMIT_EVERY_MS) return;
    job.lastEmit = now;
    const view = { ...job.view, progress: { ...job.view.progress } };
    for (const l of job.listeners) l(event, view);
  }

  /** Keeps the newest `keep` finished jobs; older ones lose their record and files. */
  private retire(id: string): void {
    this.finished.push(id);
    while (this.finished.length > this.o.keep) {
      const old = this.finished.shift()!;
      this.jobs.delete(old);
      fs.rmSync(path.join(this.o.filesDir, old), { recursive: true, force: true });
    }
  }
}
