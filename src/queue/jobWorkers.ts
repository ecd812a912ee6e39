import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { displayUrl, redisOptions } from './redisConnection.ts';
import { registeredQueues } from './queueRegistry.ts';

/** How a worker takes jobs and how soon a dead worker's job is handed to another. */
export interface JobWorkerSettings {
  /** Jobs run at once per queue. */
  concurrency: number;
  /** A job's lock lasts this long unless renewed (renewed every half of it while the job runs), ms. */
  lockMs: number;
  /** How often workers look for jobs whose lock expired (their worker died), ms. */
  stalledIntervalMs: number;
  /** Times a job may stall (its worker killed) before it fails; more than one, so one crash is not a failure. */
  maxStalledCount: number;
}

export const DEFAULT_JOB_WORKER_SETTINGS: JobWorkerSettings = { concurrency: 1, lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 3 };

/** How often a worker without a fixed queue name looks for queues new writers registered, ms. */
const DISCOVER_MS = 1000;

/** A failure that no retry can fix (a photo that cannot be decoded): the job fails at once with `message`. */
export function permanentFailure(message: string): Error {
  return new UnrecoverableError(message);
}

/**
 * BullMQ workers on one Redis: on the queues named, or on every queue writers registered (checked
 * every second, so a worker may start before its writer). While Redis is down they log one line and
 * wait for it; a killed worker's jobs go to the others after `lockMs` + `stalledIntervalMs` at most.
 */
export class JobWorkers<D, R> {
  private readonly workers = new Map<string, Worker>();
  private readonly client: Redis;
  private timer: NodeJS.Timeout | undefined;
  private down = false;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly handler: (data: D, queue: string) => Promise<R>,
    private readonly settings: JobWorkerSettings,
    private readonly log: (line: string) => void,
  ) {
    this.client = new Redis(redisOptions(url));
    this.client.on('error', (e) => this.lost(e));
    this.client.on('ready', () => {
      if (this.down) this.log(`worker: Redis at ${displayUrl(this.url)} is back`);
      this.down = false;
    });
  }

  /**
   * Starts serving.
   * @param names queue names, or undefined for every registered queue
   * @param handler runs one job's data; its result is the job's return value (JSON)
   */
  static start<D, R>(url: string, names: string[] | undefined, handler: (data: D, queue: string) => Promise<R>, settings: JobWorkerSettings, log: (line: string) => void): JobWorkers<D, R> {
    const w = new JobWorkers<D, R>(url, handler, settings, log);
    if (names) for (const n of names) w.serve(n);
    else {
      const discover = () => void registeredQueues(w.client).then((found) => found.forEach((n) => w.serve(n)), () => {});
      discover();
      w.timer = setInterval(discover, DISCOVER_MS);
    }
    return w;
  }

  /** Names of the queues served so far. */
  queues(): string[] {
    return [...this.workers.keys()];
  }

  private serve(name: string): void {
    if (this.workers.has(name) || this.closed) return;
    const { concurrency, lockMs, stalledIntervalMs, maxStalledCount } = this.settings;
    const worker = new Worker(name, async (job) => this.handler(job.data as D, name), {
      connection: redisOptions(this.url),
      concurrency,
      lockDuration: lockMs,
      stalledInterval: stalledIntervalMs,
      maxStalledCount,
    });
    worker.on('error', (e) => this.lost(e));
    this.workers.set(name, worker);
    this.log(`worker: serving queue ${name} at ${displayUrl(this.url)} (${concurrency} at a time)`);
  }

  private lost(e: Error): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.log(`worker: Redis at ${displayUrl(this.url)} unreachable (${e.message.split('\n')[0]}); waiting for it to come back`);
  }

  /** Finishes the jobs running now, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.workers.values()].map((w) => w.close()));
    this.client.disconnect();
  }
}
