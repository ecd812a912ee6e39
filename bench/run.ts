/**
 * `npm run bench`: ingest throughput and per-encoder cost, against a baseline measured in the same run:
 * sharp decode-and-resize alone (the floor any ingest pays). Writes bench/ingest.md.
 *
 *   npm run bench -- [--photos 300] [--source ../shared/data/bsds500/train.tar]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { listSources } from '../src/io/sources.ts';
import { decodeImage } from '../src/io/decode.ts';
import { createEncoderResolved } from '../src/encoders/factory.ts';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { machineLine, today, median } from './machine.ts';
import sharp from 'sharp';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../src/core/workerPool.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '200' },
    source: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/bsds500/train.tar') },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'ingest.md') },
  },
});
const limit = Number(values.photos);
const specs = ['tiny', 'tiny-gray', 'lab-hist', 'gist', 'gist-gray', 'gist-lear', `cnn(model=${path.resolve(import.meta.dirname, '../models/tiny-cnn.onnx')},size=64)`];

const bytes: Buffer[] = [];
for await (const item of listSources([values.source])) {
  bytes.push(item.read());
  if (bytes.length >= limit) break;
}
console.error(`bench: ${bytes.length} photos from ${values.source}`);

// Baseline: sharp decode + shrink-on-load to 256 px, one thread, no descriptors.
const decodeMs: number[] = [];
const images = [];
for (const b of bytes) {
  const t = performance.now();
  images.push((await decodeImage(b, { minSide: 256 })).image);
  decodeMs.push(performance.now() - t);
}
const decodeMedian = median(decodeMs);

// Per-encoder cost on the decoded pixels, one thread.
const rows: string[] = [];
for (const spec of specs) {
  const e = await createEncoderResolved(spec);
  const n = Math.min(images.length, spec.startsWith('gist') ? 60 : images.length);
  await e.encode(images[0]); // warm-up (plans, caches, model load)
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await e.encode(images[i]);
    ms.push(performance.now() - t);
  }
  const m = median(ms);
  rows.push(`| ${e.spec.replace(/\(model=[^,]*,/, '(model=tiny-cnn.onnx,')} | ${e.dim} | ${m.toFixed(2)} | ${(m / decodeMedian).toFixed(2)} |`);
  console.error(`  ${e.spec}: ${m.toFixed(2)} ms/photo`);
}

// End-to-end ingest (decode once + encoders in worker threads, SQLite commits), each row beside the
// rate of decoding alone on the same photos with the same threads, measured in the same run.
const ingestRows: string[] = [];
const streetview = path.resolve(import.meta.dirname, '../../shared/data/world-streetview/images');
const phone = await phonePhotos(path.resolve(import.meta.dirname, '../../shared/data/sceaux-castle/images'), 24);
const DEFAULTS = ['gist', 'tiny', 'lab-hist', 'tiny-gray'];
const runs: { encoders: string[]; source: string; name: string; limit?: number }[] = [
  { encoders: DEFAULTS, source: values.source, name: sourceName(values.source), limit },
  { encoders: ['gist', 'tiny', 'lab-hist'], source: values.source, name: sourceName(values.source), limit },
  { encoders: ['tiny', 'lab-hist'], source: values.source, name: sourceName(values.source), limit },
];
if (fs.existsSync(streetview)) runs.push({ encoders: ['tiny', 'lab-hist'], source: streetview, name: 'world-streetview/images' }, { encoders: DEFAULTS, source: streetview, name: 'world-streetview/images' });
if (phone) runs.push({ encoders: ['tiny', 'lab-hist'], source: phone, name: '12 MP JPEGs (sceaux-castle ×1.41)' }, { encoders: DEFAULTS, source: phone, name: '12 MP JPEGs (sceaux-castle ×1.41)' });
const decodeRates = new Map<string, number>();
for (const { encoders, source, name, limit: runLimit } of runs) {
  if (!decodeRates.has(source)) decodeRates.set(source, await decodeOnlyRate(source, runLimit));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-bench-'));
  const c = Collection.open(dir, { create: true });
  const t = performance.now();
  const report = await ingest(c, [source], { encoders, limit: runLimit });
  const secs = (performance.now() - t) / 1000;
  c.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const rate = report.added / secs;
  const decodeRate = decodeRates.get(source)!;
  ingestRows.push(`| ${encoders.join(' + ')} | ${name} | ${report.added} | ${secs.toFixed(1)} | ${rate.toFixed(1)} | ${decodeRate.toFixed(1)} | ${(rate / decodeRate).toFixed(2)} |`);
  console.error(`  ingest ${encoders.join('+')} on ${name}: ${rate.toFixed(1)} photos/s (decode alone ${decodeRate.toFixed(1)})`);
}
if (phone) fs.rmSync(path.dirname(phone), { recursive: true, force: true });

/** Photos/s of reading and decoding alone (shrink-on-load to 256 px) in worker threads on every core, thread start-up included. */
async function decodeOnlyRate(source: string, max?: number): Promise<number> {
  const items: Buffer[] = [];
  for await (const item of listSources([source])) {
    items.push(item.read());
    if (max !== undefined && items.length >= max) break;
  }
  const t = performance.now();
  const pool = new WorkerPool<{ bytes: Uint8Array }, number>(workerModuleUrl(import.meta.url, './decodeOnlyWorker'), defaultThreads());
  try {
    const jobs = new Set<Promise<number>>();
    for (const b of items) {
      const job = pool.run({ bytes: new Uint8Array(b) });
      jobs.add(job);
      job.finally(() => jobs.delete(job));
      if (jobs.size >= defaultThreads() * 3) await Promise.race(jobs);
    }
    await Promise.all(jobs);
  } finally {
    await pool.close();
  }
  return items.length / ((performance.now() - t) / 1000);
}

/** A folder of `count` 12-megapixel JPEGs (4000 × 3000, quality 90) made from the Sceaux Castle photos, like a phone's. */
async function phonePhotos(dir: string, count: number): Promise<string | undefined> {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort();
  if (files.length === 0) return undefined;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deja-12mp-')), 'photos');
  fs.mkdirSync(out);
  for (let i = 0; i < count; i++) {
    const src = path.join(dir, files[i % files.length]);
    // A different crop per copy, so every file is distinct (ingest would alias exact copies).
    const img = sharp(src).resize(4000 + (i % 7), 3000, { fit: 'cover' }).jpeg({ quality: 90 });
    fs.writeFileSync(path.join(out, `phone-${String(i).padStart(3, '0')}.jpg`), await img.toBuffer());
  }
  return out;
}

function sourceName(source: string): string {
  return `${path.basename(path.dirname(source))}/${path.basename(source)}`;
}

const md = `# Ingest benchmark

Date: ${today()}. Machine: ${machineLine()}. Load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} when written (other jobs share the cores; compare rows within this file).
Photos: the first ${bytes.length} of \`${path.relative(path.resolve(import.meta.dirname, '..'), values.source)}\`. Reproduce: \`npm run bench -- --photos ${limit}\`.

## Per-encoder cost (one thread, pixels already decoded)

Baseline in the same run: sharp decode with shrink-on-load to a 256 px shorter side, **${decodeMedian.toFixed(2)} ms/photo** (median).

| encoder | dim | ms/photo (median) | × sharp decode |
|---|---|---|---|
${rows.join('\n')}

## End-to-end ingest (worker threads on all cores, SQLite + descriptor files)

"decode alone" = reading and decoding the same photos (sharp, shrink-on-load to a 256 px shorter side) in worker
threads on every core, measured in the same run just before the row: the floor any ingest pays. Both rates
include starting the worker threads. The 12 MP photos are Sceaux Castle photos enlarged to 4000 × 3000 and saved
as quality-90 JPEGs (what a phone writes); shrink-on-load decodes them at 1/8 scale.

| encoders | source | photos | seconds | photos/s | decode alone, photos/s | ratio |
|---|---|---|---|---|---|---|
${ingestRows.join('\n')}
`;
fs.writeFileSync(values.out, md);
console.log(md);
