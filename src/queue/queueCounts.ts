import { Queue } from 'bullmq';
import { checkRedis, redisOptions } from './redisConnection.ts';

/** Where a queue's jobs stand, and how many workers are connected to it. */
export interface QueueCounts {
  waiting: number;
  active: number;
  /** Finished jobs the writer has not collected yet (it removes those it has). */
  completed: number;
  failed: number;
  /** Jobs waiting out a retry's back-off. */
  delayed: number;
  workers: number;
}

/**
 * Reads a queue's job counts and connected workers (read-only).
 * @throws DejaError UNREACHABLE when Redis does not answer
 */
export async function readQueueCounts(url: string, name: string): Promise<QueueCounts> {
  await checkRedis(url);
  const queue = new Queue(name, { connection: redisOptions(url) });
  queue.on('error', () => {});
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed');
    const workers = await queue.getWorkersCount();
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0, workers };
  } finally {
    await queue.close();
  }
}
