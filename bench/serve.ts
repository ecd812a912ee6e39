/**
 * `npm run bench:serve`: the HTTP API under load. `deja serve` runs as its own process over a
 * collection of the 14,034 intel-scenes photos (built once into bench/out/serve/, resumable);
 * autocannon (in this process) sends search requests — a multipart upload of one of 32 out-of-collection
 * street-view photos, k=10 — at 1, 8 and 64 concurrent connections. Per run: requests/s, p50/p99
 * latency, errors and non-2xx answers, and the server's resident memory (peak, sampled from
 * /proc every 200 ms). Baselines measured in the same run: `GET /api/health` (the HTTP floor of
 * fastify on this machine) and the same searches called in-process without HTTP (`searchPhotos`),
 * so the table reports ratios, not absolutes alone.
 *
 *   npm run bench:serve -- [--duration 10] [--connections 1,8,64] [--encoder tiny] [--out bench/serve.md]
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { searchPhotos } from '../src/actions/shared/searchPhotos.ts';
import { decodeImage } from '../src/io/decode.ts';
import { consoleProgress } from '../src/core/progress.ts';
import { machineLine, today } from './machine.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.resolve(repo, '..', 'shared', 'data');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,8,64' },
    encoder: { type: 'string', default: 'tiny' },
    collection: { type: 'string', default: path.join(repo, 'bench/out/serve/intel-collection') },
    out: { type: 'string', default: path.join(repo, 'bench/serve.md') },
  },
});
const duration = Number(values.duration);
const connections = values.connections!.split(',').map(Number);
const encoder = values.encoder!;
const log = (s: string) => process.stderr.write(s + '\n');

/** The ≥10k-photo collection: intel-scenes, with the search encoder (resumes if interrupted). */
async function ensureCollection(): Promise<number> {
  const c = Collection.open(values.collection!, { create: true });
  try {
    if (c.count() < 14_000 || !c.encoders().some((e) => e.spec === encoder && e.rows === c.count())) {
      log(`building ${values.collection} (intel-scenes, ${encoder}) …`);
      await ingest(c, [path.join(data, 'intel-scenes/train.tar.gz')], { encoders: [encoder], labelFromFolder: true }, consoleProgress());
    }
    return c.count();
  } finally {
    c.close();
  }
}

/** 32 street-view photos (not in the collection), re-encoded at 256 px as a phone app would send them. */
async function queryPhotos(): Promise<{ name: string; bytes: Buffer }[]> {
  const dir = path.join(data, 'world-streetview/images');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, 32);
  return Promise.all(files.map(async (f) => ({ name: f, bytes: await sharp(path.join(dir, f)).resize(256, 256, { fit: 'outside' }).jpeg({ quality: 85 }).toBuffer() })));
}

function multipart(photo: { name: string; bytes: Buffer }, fields: Record<string, string>): { body: Buffer; contentType: string } {
  const boundary = `----deja${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${photo.name}"\r\nContent-Type: image/jpeg\r\n\r\n`), photo.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Starts `deja serve --json` and resolves with its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli/entry.ts'), 'serve', '-c', values.collection!, '--port', '0', '--json', '--max-queued', '64'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, url: (JSON.parse(line) as { url: string }).url.replace(/\/$/, '') });
    });
    child.on('exit', (code) => reject(new Error(`deja serve exited with ${code}`)));
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Row {
  what: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  peakRss: number;
}

async function load(what: string, url: string, pid: number, conns: number, requests: autocannon.Request[]): Promise<Row> {
  let peak = rssMiB(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 200);
  const r = await autocannon({ url, connections: conns, duration, requests, timeout: 30 });
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(pid));
  const row: Row = {
    what,
    connections: conns,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    peakRss: peak,
  };
  log(`${what} c=${conns}: ${row.rps.toFixed(1)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.errors} errors, ${row.non2xx} non-2xx, peak RSS ${peak.toFixed(0)} MiB`);
  return row;
}

/** The same searches without HTTP: decode + encode + search in this process, one at a time. */
async function inProcess(queries: { name: string; bytes: Buffer }[], index: boolean): Promise<number> {
  const c = Collection.open(values.collection!);
  try {
    const run = async (q: { name: string; bytes: Buffer }) => {
      const { image } = await decodeImage(q.bytes, { minSide: 256, name: q.name });
      await searchPhotos(c, image, { encoder, k: 10, exact: !index });
    };
    for (const q of queries.slice(0, 4)) await run(q); // warm: matrix and index loaded
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < Math.min(duration, 5) * 1000) await run(queries[n++ % queries.length]);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    c.close();
  }
}

const photos = await ensureCollection();
const queries = await queryPhotos();
const direct = { exact: await inProcess(queries, false), index: await inProcess(queries, true) };
log(`in-process search: exact ${direct.exact.toFixed(1)}/s, HNSW ${direct.index.toFixed(1)}/s`);
const { child, url } = await startServer();
const pid = child.pid!;
const rows: Row[] = [];
try {
  const idle = rssMiB(pid);
  const search = (exact: boolean) =>
    queries.map((q) => {
      const { body, contentType } = multipart(q, { encoder, k: '10', exact: String(exact) });
      return { method: 'POST' as const, path: '/api/search', headers: { 'content-type': contentType }, body };
    });
  // Warm up: loads the descriptor matrix and builds (or loads) the persisted HNSW index.
  for (const exact of [true, false]) for (const r of search(exact).slice(0, 3)) await fetch(`${url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
  for (const conns of connections) rows.push(await load('GET /api/health (baseline)', url, pid, conns, [{ method: 'GET', path: '/api/health' }]));
  for (const conns of connections) rows.push(await load('POST /api/search, exact', url, pid, conns, search(true)));
  for (const conns of connections) rows.push(await load('POST /api/search, HNSW', url, pid, conns, search(false)));
  const health = await fetch(`${url}/api/health`);
  const alive = health.status === 200;
  const after = rssMiB(pid);
  const direct1 = (what: string) => (what.includes('exact') ? direct.exact : what.includes('HNSW') ? direct.index : NaN);
  const lines = [
    '# HTTP API under load',
    '',
    `Measured ${today()} on ${machineLine()}. \`npm run bench:serve -- --duration ${duration}\`.`,
    '',
    `Server: \`deja serve\` (one process) over ${photos.toLocaleString('en')} intel-scenes photos, encoder \`${encoder}\`, k = 10; each search request uploads one of 32`,
    'out-of-collection street-view photos (256 px JPEG, multipart), so every request decodes, encodes and searches.',
    `Load: autocannon on loopback, ${duration} s per row, on the same 2-core machine as the server (they compete for CPU).`,
    '',
    '| request | clients | req/s | p50 ms | p99 ms | requests | errors | non-2xx | server peak RSS MiB | × in-process |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.connections} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.errors} | ${r.non2xx} | ${r.peakRss.toFixed(0)} | ${Number.isFinite(direct1(r.what)) ? (r.rps / direct1(r.what)).toFixed(2) : '—'} |`,
    ),
    '',
    `Baselines in the same run: the same searches called in-process without HTTP (decode + encode + search, one at a time): exact ${direct.exact.toFixed(1)}/s, HNSW ${direct.index.toFixed(1)}/s; the "× in-process" column is HTTP req/s divided by that. \`GET /api/health\` is the HTTP floor of fastify here.`,
    '',
    `Server memory: ${idle.toFixed(0)} MiB resident before the load, ${Math.max(...rows.map((r) => r.peakRss)).toFixed(0)} MiB at the peak, ${after.toFixed(0)} MiB after it. After every run the server ${alive ? 'still answered `GET /api/health` with 200' : 'did NOT answer /api/health'}.`,
    '',
  ];
  fs.writeFileSync(values.out!, lines.join('\n'));
  log(`wrote ${values.out}`);
} finally {
  child.kill('SIGTERM');
}
