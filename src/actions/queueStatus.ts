import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { readQueueCounts, type QueueCounts } from '../queue/queueCounts.ts';
import { displayUrl, redisOptions } from '../queue/redisConnection.ts';
import type { Collection } from '../store/collection.ts';
import { collectionQueueName } from './shared/collectionQueueName.ts';

/** Options of `deja index --queue <url> --status`. */
export const QueueStatusOptions = z.object({
  /** Redis URL, e.g. `redis://host:6379`. */
  queue: z.string().min(1),
});
export type QueueStatusOptions = z.input<typeof QueueStatusOptions>;

export interface QueueStatusReport extends QueueCounts {
  /** The collection's queue name (what `deja worker --name` takes). */
  name: string;
  url: string;
}

/**
 * Where a collection's distributed ingest stands: jobs waiting, running, finished but not yet committed,
 * failed, and the workers connected. Read-only: it neither writes the collection nor takes its lease.
 * @throws DejaError NOT_FOUND when the collection never used a queue, UNREACHABLE when Redis does not answer
 */
export async function queueStatus(collection: Collection, rawOptions: QueueStatusOptions): Promise<QueueStatusReport> {
  const options = parseOptions(QueueStatusOptions, rawOptions);
  const name = collectionQueueName(collection, false);
  if (!name) throw new DejaError('NOT_FOUND', 'this collection has not used a queue yet', { file: collection.dir, hint: 'start one with `deja index --queue <url> <photos>`' });
  return { name, url: displayUrl(options.queue), ...(await readQueueCounts(options.queue, name)) };
}

/**
 * Where a collection's distributed ingest stands, as the web page shows it:
 * - `off`: no queue was configured (`deja serve` without `--queue`);
 * - `unused`: the collection has never used a queue;
 * - `unreachable`: Redis does not answer (`message` says which URL and how to start it);
 * - `running`: jobs wait or run; `idle`: none do.
 * `photos` is the collection's count now, so a client sees it grow as the writer commits.
 */
export interface IngestProgress {
  state: 'off' | 'unused' | 'unreachable' | 'running' | 'idle';
  photos: number;
  /** The queue's name and its Redis URL without a password; null when off. */
  queue: string | null;
  url: string | null;
  waiting: number;
  active: number;
  /** Encoded but not yet committed by the writer. */
  completed: number;
  failed: number;
  delayed: number;
  workers: number;
  message: string | null;
}

/**
 * Reads the progress of the collection's distributed ingest through the Redis at `url` (read-only: it
 * neither writes the collection nor takes its lease). Never throws for Redis being down: that is a state.
 * @param url - the Redis URL the operator configured, or undefined when there is none
 */
export async function ingestProgress(collection: Collection, url: string | undefined): Promise<IngestProgress> {
  const base: IngestProgress = { state: 'off', photos: collection.count(), queue: null, url: null, waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, workers: 0, message: null };
  if (!url) return base;
  try {
    const s = await queueStatus(collection, { queue: url });
    const busy = s.waiting + s.active + s.completed + s.delayed > 0;
    return { ...base, state: busy ? 'running' : 'idle', queue: s.name, url: s.url, waiting: s.waiting, active: s.active, completed: s.completed, failed: s.failed, delayed: s.delayed, workers: s.workers };
  } catch (e) {
    if (!(e instanceof DejaError) || (e.code !== 'NOT_FOUND' && e.code !== 'UNREACHABLE')) throw e;
    return { ...base, state: e.code === 'NOT_FOUND' ? 'unused' : 'unreachable', message: e.hint ? `${e.message} (${e.hint})` : e.message };
  }
}

/** Checks a Redis URL's form (not that it answers). @throws DejaError BAD_ARGUMENT for one that is not redis:// or rediss:// */
export function checkQueueUrl(url: string): void {
  redisOptions(url);
}
