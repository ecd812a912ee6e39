import type { Redis } from 'ioredis';

/** Redis set of the queue names writers have opened: workers started without `--name` serve them all. */
export const QUEUE_REGISTRY_KEY = 'deja:queues';

/** Records a queue name so workers find it. */
export async function registerQueue(client: Redis, name: string): Promise<void> {
  await client.sadd(QUEUE_REGISTRY_KEY, name);
}

/** The queue names writers have opened on this Redis, sorted. */
export async function registeredQueues(client: Redis): Promise<string[]> {
  return (await client.smembers(QUEUE_REGISTRY_KEY)).sort();
}
