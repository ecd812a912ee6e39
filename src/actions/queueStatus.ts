import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { readQueueCounts, type QueueCounts } from '../queue/queueCounts.ts';
import { displayUrl } from '../queue/redisConnection.ts';
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
