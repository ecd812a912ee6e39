import { Redis } from 'ioredis';
import { DejaError } from '../core/errors.ts';

/** How to start a Redis that keeps its jobs across a restart (append-only file). */
export const START_REDIS_HINT = 'start one with `redis-server --appendonly yes` (or pass the --queue URL of a running one)';

/** What a Redis URL says, as options both ioredis and BullMQ take. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
  retryStrategy: (times: number) => number;
}

/**
 * Connection options for a `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) URL.
 * `maxRetriesPerRequest: null` lets commands wait through a Redis restart instead of failing after a
 * few tries (BullMQ requires it of workers; the writer's queue uses it too, so a restart loses no add).
 * @throws DejaError BAD_ARGUMENT for a URL that is not redis:// or rediss://
 * @example redisOptions('redis://localhost:6379/0') // { host: 'localhost', port: 6379, db: 0, ... }
 */
export function redisOptions(url: string): RedisConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw badUrl(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw badUrl(url);
  return {
    host: u.hostname || 'localhost',
    port: u.port ? Number(u.port) : 6379,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Reconnect every 0.2–2 s for as long as it takes (a worker waits for its Redis to come back).
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

function badUrl(url: string): DejaError {
  return new DejaError('BAD_ARGUMENT', `Expected a redis://host:port URL for --queue but received ${JSON.stringify(url)}`);
}

/** The URL without its password, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** The one-line error for a Redis that cannot be reached. */
export function redisUnreachable(url: string, cause?: unknown): DejaError {
  const why = cause instanceof Error && cause.message ? ` (${cause.message.split('\n')[0]})` : '';
  return new DejaError('UNREACHABLE', `cannot reach Redis at ${displayUrl(url)}${why}`, { hint: START_REDIS_HINT, cause });
}

/**
 * Checks that the Redis at `url` answers, once, without retrying: the writer refuses to start on a
 * Redis that is down instead of waiting for it.
 * @param timeoutMs how long to wait for the connection and the PING, milliseconds
 * @throws DejaError UNREACHABLE naming the URL and how to start Redis
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => {}); // reported by the rejected connect below
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw redisUnreachable(url, e);
  } finally {
    client.disconnect();
  }
}
