import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { checkRedis, displayUrl, redisOptions } from './redisConnection.ts';
import { DejaError } from '../core/errors.ts';

test('a Redis URL gives host, port, database, credentials and TLS', () => {
  const o = redisOptions('rediss://me:s%40cret@cache.example:6380/2');
  assert.deepEqual([o.host, o.port, o.db, o.username, o.password, o.tls], ['cache.example', 6380, 2, 'me', 's@cret', {}]);
  assert.equal(o.maxRetriesPerRequest, null); // BullMQ workers require it
  const d = redisOptions('redis://localhost');
  assert.deepEqual([d.host, d.port, d.db, d.tls], ['localhost', 6379, 0, undefined]);
});

test('a URL that is not redis:// is refused naming the option and the value', () => {
  for (const bad of ['localhost:6379', 'http://x', 'redis://h/x'])
    assert.throws(() => redisOptions(bad), (e: unknown) => e instanceof DejaError && e.code === 'BAD_ARGUMENT' && e.message.includes('--queue') && e.message.includes(JSON.stringify(bad)));
});

test('passwords are masked in messages', () => {
  assert.equal(displayUrl('redis://u:pw@h:1'), 'redis://u:***@h:1');
});

test('a port where nothing listens is UNREACHABLE at once, naming the URL and how to start Redis', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const started = Date.now();
  await assert.rejects(checkRedis(`redis://127.0.0.1:${port}`), (e: unknown) => {
    assert.ok(e instanceof DejaError && e.code === 'UNREACHABLE');
    assert.match(e.oneLine(), new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port} .*redis-server --appendonly yes`));
    return true;
  });
  assert.ok(Date.now() - started < 3000);
});
