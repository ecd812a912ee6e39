import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { checkRedis } from '../src/queue/redisConnection.ts';
import { Collection } from '../src/store/collection.ts';
import { repoRoot, sharedData, tmpDir } from './helpers.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';
/** Why the queue tests skip, or false when they run. */
export const queueSkip = !fs.existsSync(REDIS_SERVER) ? `needs ${REDIS_SERVER} (apt-get install redis-server)` : !fs.existsSync(sharedData) && 'needs ../shared/data';

/** A free TCP port on loopback (bound and released: good enough for a test's own server). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A test's own redis-server: no RDB snapshots, an append-only file in its own folder, so a restart keeps the jobs. */
export class TestRedis {
  private child: ChildProcess | undefined;
  readonly dir = tmpDir('deja-redis-');

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<TestRedis> {
    const r = new TestRedis(port ?? (await freePort()));
    await r.restart();
    return r;
  }

  /** Starts the server (again, on the same port and folder) and waits until it answers. */
  async restart(): Promise<void> {
    this.child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await checkRedis(this.url, 500);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  }

  /** Kills the server without warning (SIGKILL) and waits for it to exit. */
  async kill(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A `deja worker` process from source, as a user starts it; its stderr is kept for messages. */
export class WorkerProcess {
  readonly child: ChildProcess;
  stderr = '';

  constructor(url: string, extra: string[] = []) {
    // Short locks: a killed worker's job is retried within about 4 s.
    const args = ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), 'worker', '--queue', url, '--lock-seconds', '3', '--stalled-seconds', '1', '--max-stalled', '5', ...extra];
    this.child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Stops it (SIGTERM lets it finish its jobs; SIGKILL does not) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const gone = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    this.child.kill(signal);
    return gone;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, polling every 100 ms. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The first `n` world-streetview photos, copied to a fresh folder (plus `extra` files: name → bytes). */
export function photoFolder(n: number, extra: Record<string, Buffer> = {}): string {
  const from = path.join(sharedData, 'world-streetview/images');
  const dir = tmpDir('deja-queue-photos-');
  for (const f of fs.readdirSync(from).sort().slice(0, n)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  for (const [name, bytes] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), bytes);
  return dir;
}

/** Each photo's path (relative to its source folder) → hash, size and the descriptors of `specs`, to compare two collections. */
export function collectionContents(collection: Collection, sourceDir: string, specs: string[]): Map<string, { hash: string; width: number; height: number; descriptors: number[][] }> {
  const rows = new Map<string, { hash: string; width: number; height: number; descriptors: number[][] }>();
  const matrices = specs.map((s) => {
    const m = collection.descriptorMatrix(s);
    const rowOf = new Map<number, number>();
    m.photoIds.forEach((id, i) => rowOf.set(id, i));
    return { m, rowOf };
  });
  for (const p of collection.photos()) {
    const descriptors = matrices.map(({ m, rowOf }) => {
      const r = rowOf.get(p.id);
      return r === undefined ? [] : Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim));
    });
    rows.set(path.relative(sourceDir, p.path), { hash: p.hash, width: p.width, height: p.height, descriptors });
  }
  return rows;
}
