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

// End-to-end ingest (decode once + gist + tiny + lab-hist, worker threads, SQLite commits).
const ingestRows: string[] = [];
const streetview = path.resolve(import.meta.dirname, '../../shared/data/world-streetview/images');
const runs: { encoders: string[]; source: string; limit?: number }[] = [
  { encoders: ['tiny'], source: values.source, limit },
  { encoders: ['gist', 'tiny', 'lab-hist'], source: values.source, limit },
];
if (fs.existsSync(streetview)) runs.push({ encoders: ['tiny', 'lab-hist'], source: streetview });
for (const { encoders, source, limit: runLimit } of runs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-bench-'));
  const c = Collection.open(dir, { create: true });
  const t = performance.now();
  const report = await ingest(c, [source], { encoders, limit: runLimit });
  const secs = (performance.now() - t) / 1000;
  c.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const rate = report.added / secs;
  const decodeRate = (1000 / decodeMedian) * os.availableParallelism();
  ingestRows.push(`| ${encoders.join(' + ')} | ${path.basename(path.dirname(source))}/${path.basename(source)} | ${report.added} | ${secs.toFixed(1)} | ${rate.toFixed(1)} | ${decodeRate.toFixed(1)} | ${(rate / decodeRate).toFixed(2)} |`);
  console.error(`  ingest ${encoders.join('+')}: ${rate.toFixed(1)} photos/s`);
}

const md = `# Ingest benchmark

Date: ${today()}. Machine: ${machineLine()}.
Photos: the first ${bytes.length} of \`${path.relative(path.resolve(import.meta.dirname, '..'), values.source)}\`. Reproduce: \`npm run bench -- --photos ${limit}\`.

## Per-encoder cost (one thread, pixels already decoded)

Baseline in the same run: sharp decode with shrink-on-load to a 256 px shorter side, **${decodeMedian.toFixed(2)} ms/photo** (median).

| encoder | dim | ms/photo (median) | × sharp decode |
|---|---|---|---|
${rows.join('\n')}

## End-to-end ingest (worker threads on all cores, SQLite + descriptor files)

"decode-only rate" = the baseline's single-thread rate × cores: what sharp decoding alone would sustain on
these photos (the street-view row's photos are smaller, 320 px, so its ratio flatters less than it seems).
Seconds include starting the worker threads (about 1 s).

| encoders | source | photos | seconds | photos/s | decode-only rate | ratio |
|---|---|---|---|---|---|---|
${ingestRows.join('\n')}
`;
fs.writeFileSync(values.out, md);
console.log(md);
