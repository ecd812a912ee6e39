import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { checkRedis, displayUrl, redisOptions, redisUnreachable } from './redisConnection.ts';
import { registerQueue } from './queueRegistry.ts';

/** A job that failed for good: `reason` is what the worker threw (for a photo's fault, a serialised DejaError). */
export class JobFailedError extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'JobFailedError';
  }
}

/** How the writer's side of a queue behaves. */
export interface JobQueueSettings {
  /** How often a job waited on is looked up in Redis, ms: finds results whose event was lost (a Redis restart) and re-adds jobs Redis lost. */
  pollMs: number;
  /** Tries per job for ordinary failures (a thrown error; a worker killed mid-job counts as a stall instead). */
  attempts: number;
  /** How long a finished job the writer never collected stays in Redis, seconds (a writer that died meanwhile picks it up on restart). */
  keepSeconds: number;
  /** How long a Redis command may stay unanswered (Redis unreachable) before the jobs waited on fail with UNREACHABLE, ms (a restart takes seconds). */
  downLimitMs: number;
}

export const DEFAULT_JOB_QUEUE_SETTINGS: JobQueueSettings = { pollMs: 5000, attempts: 3, keepSeconds: 7 * 24 * 3600, downLimitMs: 60_000 };

/**
 * The writer's side of a BullMQ queue: adds jobs under caller-chosen ids and awaits their results.
 * Adding an id that is already there is a no-op, so a writer that restarts after a crash re-adds its
 * jobs and collects the results of those that finished meanwhile instead of computing them again.
 * A collected job is removed from Redis.
 */
export class JobQueue<D, R> {
  private constructor(
    readonly url: string,
    readonly name: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly settings: JobQueueSettings,
  ) {}

  /**
   * Connects to the queue `name` at `url` and registers it for workers.
   * @throws DejaError UNREACHABLE when Redis does not answer
   */
  static async open<D, R>(url: string, name: string, settings: Partial<JobQueueSettings> = {}): Promise<JobQueue<D, R>> {
    await checkRedis(url);
    const connection = redisOptions(url);
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    // Connection errors while Redis restarts are retried by ioredis; without a listener they would throw.
    queue.on('error', () => {});
    events.on('error', () => {});
    events.setMaxListeners(0); // one listener pair per job waited on
    queue.setMaxListeners(0); // and one 'closing' listener per job
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const client = new Redis(connection);
    try {
      await registerQueue(client, name);
    } finally {
      client.disconnect();
    }
    return new JobQueue<D, R>(url, name, queue, events, { ...DEFAULT_JOB_QUEUE_SETTINGS, ...settings });
  }

  /**
   * Runs one job and returns its result.
   * @param jobId the job's id: equal ids are one job (content-addressed work is done once)
   * @throws JobFailedError when the job failed on every try, or for good (a worker's UnrecoverableError)
   * @throws DejaError UNREACHABLE when Redis stayed unreachable longer than `downLimitMs`
   */
  async run(jobId: string, data: D): Promise<R> {
    let job = await this.whileUp(this.add(jobId, data));
    for (;;) {
      // Settles within pollMs while Redis answers (its own timer), so a longer wait means Redis is gone.
      const finished = job.waitUntilFinished(this.events, this.settings.pollMs).then((result: R) => ({ result }), () => undefined);
      const outcome = await this.whileUp(finished, this.settings.pollMs);
      if (outcome) {
        await this.whileUp(this.forget(jobId));
        return outcome.result;
      }
      // Timed out, failed, or its event lost: Redis says which.
      const state = await this.whileUp(this.queue.getJobState(jobId));
      if (state === 'completed') {
        const done = await this.whileUp(this.queue.getJob(jobId));
        if (done) {
          await this.whileUp(this.forget(jobId));
          return done.returnvalue as R;
        }
      } else if (state === 'failed') {
        const failed = await this.whileUp(this.queue.getJob(jobId));
        await this.whileUp(this.forget(jobId));
        throw new JobFailedError(jobId, failed?.failedReason ?? 'failed');
      } else if (state === 'unknown') job = await this.whileUp(this.add(jobId, data)); // lost with a Redis that restarted without it
    }
  }

  /**
   * Awaits a Redis command. Commands wait through a Redis restart (ioredis reconnects and replays them);
   * one unanswered for `downLimitMs` (plus `expectedMs`, the time it may take with Redis up) means Redis is gone.
   * @throws DejaError UNREACHABLE
   */
  private async whileUp<T>(command: Promise<T>, expectedMs = 0): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = this.settings.downLimitMs + expectedMs;
    const gone = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(redisUnreachable(this.url, new Error(`no answer for ${Math.round(limit / 1000)} s mid-run`))), limit);
    });
    command.catch(() => {}); // an answer after giving up is dropped
    try {
      return await Promise.race([command, gone]);
    } finally {
      clearTimeout(timer);
    }
  }

  private add(jobId: string, data: D): Promise<Job> {
    const keep = { age: this.settings.keepSeconds };
    return this.queue.add('job', data, { jobId, attempts: this.settings.attempts, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: keep, removeOnFail: keep });
  }

  private async forget(jobId: string): Promise<void> {
    await this.queue.remove(jobId).catch(() => {}); // a job another writer removed first is fine
  }

  toString(): string {
    return `queue ${this.name} at ${displayUrl(this.url)}`;
  }

  /** Disconnects; gives a Redis that is gone a few seconds, then drops the connections. */
  async close(): Promise<void> {
    const closed = Promise.allSettled([this.events.close(), this.queue.close()]);
    const late = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 3000).unref())]);
    if (late) {
      void this.events.disconnect();
      void this.queue.disconnect();
    }
  }
}
