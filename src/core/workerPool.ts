import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { assert } from './errors.ts';

interface Pending<R> {
  resolve: (value: R) => void;
  reject: (reason: unknown) => void;
}

/**
 * A fixed pool of worker threads running one module. The module posts `{ id, result }` or
 * `{ id, error }` for each `{ id, task }` it receives (see `serveTasks`). Tasks queue when all workers are busy.
 */
export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; task: T; transfer?: ArrayBuffer[] }[] = [];
  private readonly pending = new Map<number, Pending<R>>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private closed = false;

  constructor(moduleUrl: URL, size = defaultThreads(), workerData?: unknown) {
    assert(size >= 1, 'worker pool size >= 1');
    for (let i = 0; i < size; i++) {
      const worker = new Worker(moduleUrl, { workerData });
      worker.on('message', (msg: { id: number; result?: R; error?: unknown }) => this.onMessage(worker, msg));
      worker.on('error', (err) => this.onError(worker, err));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: T, transfer?: ArrayBuffer[]): Promise<R> {
    assert(!this.closed, 'worker pool is closed');
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task, transfer });
      this.pump();
    });
  }

  /**
   * Asks every worker to finish and waits for it to exit. Workers are not terminated: a thread killed
   * while a native addon (sharp, onnxruntime) is loading or completing work can abort the whole process
   * (see sharp's notes on worker threads). A worker that has not exited after `graceMs` is terminated.
   */
  async close(graceMs = 30_000): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate(), graceMs);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.ref();
            w.postMessage({ close: true });
          }),
      ),
    );
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job.id);
      worker.ref();
      worker.postMessage({ id: job.id, task: job.task }, job.transfer ?? []);
    }
  }

  private onMessage(worker: Worker, msg: { id: number; result?: R; error?: unknown }): void {
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
    if (p) {
      if (msg.error !== undefined) p.reject(msg.error);
      else p.resolve(msg.result as R);
    }
    this.pump();
  }

  private onError(worker: Worker, err: unknown): void {
    const id = this.busy.get(worker);
    if (id !== undefined) {
      this.pending.get(id)?.reject(err);
      this.pending.delete(id);
    }
    // A crashed worker is not reused; the remaining ones carry on.
    this.busy.delete(worker);
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
    if (this.workers.length === 0) {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    }
  }
}

/** Threads to use: all cores but never fewer than one; DEJA_THREADS overrides. */
export function defaultThreads(): number {
  const env = Number(process.env.DEJA_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism());
}

/**
 * The URL of a worker module that sits beside the caller: `name.js` once built; from TypeScript sources
 * (tsx), a `data:` bootstrap that registers tsx inside the worker first, since Node 20 does not pass
 * loader hooks on to worker threads.
 * @param callerUrl the caller's `import.meta.url`
 * @param relative the worker module's path relative to the caller, without extension, e.g. `./flatWorker`
 */
export function workerModuleUrl(callerUrl: string, relative: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`${relative}.js`, callerUrl);
  const worker = new URL(`${relative}.ts`, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}
