/**
 * `npm run bench:scale`: Deja at 10k, 100k and 1M photos on one machine. Builds the stress corpus
 * (bench/scaleCorpus.ts: every real photo of ../shared/data plus seeded crops, flips and rescalings),
 * grows one collection through the real `deja index` CLI to each size, and at each size measures, in a
 * fresh process (bench/scaleQuery.ts): the store on disk, memory, index builds, single-query search
 * latency and recall@10 (exact vs HNSW vs compressed indexes), one scene completion and one locate
 * query. Writes bench/scale.md and a log-log plot of cost against size.
 *
 *   npm run bench:scale -- [--sizes 10000,100000,1000000] [--work /tmp/deja-scale] [--out bench/scale.md]
 *     [--encoders "gist-gray(size=64),lab-hist"] [--indexes "HNSW32;HNSW32_SQfp16;PCA128,HNSW32_SQfp16"] [--queries 200]
 *
 * It is a stress test of the engine, not of retrieval quality: most photos are variants of others.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { buildScaleCorpus } from './scaleCorpus.ts';
import { listSources } from '../src/io/sources.ts';
import { Collection } from '../src/store/collection.ts';
import { linePlotSvg, writePlot } from '../src/io/plot.ts';
import { machineLine, today } from './machine.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.resolve(repo, '../shared/data');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    work: { type: 'string', default: '/tmp/deja-scale' },
    out: { type: 'string', default: path.join(repo, 'bench/scale.md') },
    encoders: { type: 'string', default: 'gist-gray(size=64),lab-hist' },
    indexes: { type: 'string', default: 'HNSW32;HNSW32_SQfp16;PCA128,HNSW32_SQfp16' },
    queries: { type: 'string', default: '200' },
  },
});
const sizes = values.sizes!.split(',').map(Number).sort((a, b) => a - b);
const encoders = values.encoders!.split(',');
const searchEncoder = encoders[0];
const log = (line: string) => process.stderr.write(`${line}\n`);

const shards = await buildScaleCorpus(data, path.join(values.work!, 'corpus'), sizes[sizes.length - 1], log);
const collectionDir = path.join(values.work!, 'collection');
const queryFiles = await queryPhotos(values.work!);

interface Stage {
  size: number;
  photos: number;
  ingest: { added: number; seconds: number; photosPerSecond: number; peakRssMiB: number };
  diskMiB: number;
  query: Record<string, any>;
}
const stages: Stage[] = [];
const reportFile = path.join(values.work!, 'stages.json');
const previous: Stage[] = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : [];
for (const size of sizes) {
  const done = previous.find((s) => s.size === size);
  if (done) {
    stages.push(done); // a rerun after a kill resumes at the first unfinished size
    continue;
  }
  log(`bench:scale: growing the collection to ${size.toLocaleString('en')} photos`);
  const have = countPhotos(collectionDir);
  const run = have < size ? await runJson(['src/cli/entry.ts', 'index', '-c', collectionDir, '--encoders', encoders.join(','), '--float16', '--limit', String(size - have), '--json', '-q', ...shards.map((s) => s.file)]) : { out: { added: 0, seconds: 0, photosPerSecond: 0 }, peakRssMiB: 0 };
  const ingestOut = run.out as { added: number; seconds: number; photosPerSecond: number };
  log(`  ingest: ${ingestOut.added} photos in ${ingestOut.seconds.toFixed(0)} s (${ingestOut.photosPerSecond.toFixed(0)}/s), peak RSS ${run.peakRssMiB.toFixed(0)} MiB`);
  const query = await runJson([
    'bench/scaleQuery.ts', '--collection', collectionDir, '--encoder', searchEncoder, '--indexes', values.indexes!, '--queries', values.queries!,
    '--complete', queryFiles.photo, '--mask', queryFiles.mask, '--locate', queryFiles.locate, '--locate-encoder', encoders.join('+'),
  ]);
  log(`  query: ${JSON.stringify(query.out)}`);
  stages.push({ size, photos: (query.out as { photos: number }).photos, ingest: { ...ingestOut, peakRssMiB: run.peakRssMiB }, diskMiB: folderBytes(collectionDir) / 2 ** 20, query: query.out as Record<string, any> });
  fs.writeFileSync(reportFile, JSON.stringify(stages, null, 1));
}
fs.writeFileSync(values.out!, markdown(stages));
await plot(stages, values.out!.replace(/\.md$/, '.png'));
log(`bench:scale: wrote ${path.relative(process.cwd(), values.out!)}`);

/** Runs a node script of the repository, returns its JSON stdout and its peak resident memory. */
function runJson(args: string[]): Promise<{ out: unknown; peakRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peak = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // the process has ended
      }
    }, 500);
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => {
      clearInterval(sample);
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}`));
      resolve({ out: JSON.parse(stdout), peakRssMiB: peak });
    });
  });
}

/** Photos already in the collection (a killed run may have added some past the last recorded stage). */
function countPhotos(dir: string): number {
  if (!fs.existsSync(path.join(dir, 'deja.sqlite'))) return 0;
  const c = Collection.open(dir, { readOnly: true });
  try {
    return c.count();
  } finally {
    c.close();
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** A completion query (a BSDS500 photo not in any shard's crop set, an irregular mask) and a locate query. */
async function queryPhotos(work: string): Promise<{ photo: string; mask: string; locate: string }> {
  const photo = path.join(work, 'query.jpg');
  const mask = path.join(work, 'mask.png');
  if (!fs.existsSync(photo) || !fs.existsSync(mask)) {
    for await (const item of listSources([path.join(data, 'bsds500/train.tar')])) {
      fs.writeFileSync(photo, await sharp(item.read()).flop().jpeg({ quality: 95 }).toBuffer());
      break;
    }
    for await (const item of listSources([path.join(data, 'irregular-masks/masks.tar')])) {
      fs.writeFileSync(mask, item.read());
      break;
    }
  }
  return { photo, mask, locate: path.join(data, 'world-streetview/images/0.jpg') };
}

function markdown(stages: Stage[]): string {
  const f = (v: number | undefined | null, d = 1) => (v === undefined || v === null || !Number.isFinite(v) ? '–' : v.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const lines = [
    `# Scale benchmark: one collection grown to ${stages[stages.length - 1].photos.toLocaleString('en')} photos`,
    '',
    `Run ${today()} on ${machineLine()}. Command: \`npm run bench:scale -- --sizes ${sizes.join(',')}\`.`,
    '',
    `A **stress test of the engine, not of retrieval quality**: the corpus is every real photo of \`../shared/data\` (${shards[0].photos.toLocaleString('en')}`,
    'that decode: CIFAR-10, intel-scenes, OT8, world-streetview, BSDS500 and the geotagged trips, stored at a shorter',
    'side of at most 160 px) plus seeded variants of them (a crop of 55–100 % of each side, a mirror flip half the',
    'time, a rescale to 48–128 px), shard by shard, until the size is reached (`bench/scaleCorpus.ts`). Photos are',
    `added through the real \`deja index\` CLI, in one collection grown stage by stage, with the encoders \`${encoders.join('`, `')}\``,
    'stored as float16 (gist at 64 px: full-size gist at a million photos is hours on 2 cores; see bench/gist.md).',
    'Each stage is measured in a fresh process (`bench/scaleQuery.ts`). Queries: 200 photos of the collection, their',
    'own row left out of every answer; recall@10 against exact search on the same float32 vectors.',
    '',
    '## Ingest and storage',
    '',
    '| photos | added | ingest s | photos/s | ingest peak RSS MiB | store on disk MiB | bytes/photo | open ms | open RSS MiB | descriptors load s | RSS after load MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...stages.map((s) =>
      `| ${s.photos.toLocaleString('en')} | ${s.ingest.added.toLocaleString('en')} | ${f(s.ingest.seconds, 0)} | ${f(s.ingest.photosPerSecond, 0)} | ${f(s.ingest.peakRssMiB, 0)} | ${f(s.diskMiB, 0)} | ${f((s.diskMiB * 2 ** 20) / s.photos, 0)} | ${f(s.query.openMs, 0)} | ${f(s.query.openRssMiB, 0)} | ${f(s.query.loadMs / 1000, 2)} | ${f(s.query.loadedRssMiB, 0)} |`,
    ),
    '',
    `## Search (${searchEncoder}, k = 10, single queries on one thread)`,
    '',
    'RSS growth is the resident memory added by building or loading the index (negative where the collector freed more).',
    '',
    '| photos | index | build s | index MiB | RSS growth MiB | recall@10 | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...stages.flatMap((s) => [
      `| ${s.photos.toLocaleString('en')} | exact (Flat) | – | – | – | 1.000 | ${f(s.query.exactSingle.p50, 2)} | ${f(s.query.exactSingle.p99, 2)} |`,
      ...(s.query.indexes as any[]).map((x) => `| ${s.photos.toLocaleString('en')} | ${x.spec} | ${f(x.buildS, 1)} | ${f(x.fileMiB, 0)} | ${f(x.rssGrowthMiB, 0)} | ${x.recall10.toFixed(3)} | ${f(x.p50, 3)} | ${f(x.p99, 3)} |`),
    ]),
    '',
    'Exact search batched over both cores (`exactKnnParallel`, 200 queries): ' + stages.map((s) => `${s.photos.toLocaleString('en')}: ${f(s.query.exactBatchedMsPerQuery, 2)} ms/query`).join('; ') + '.',
    '',
    '## One scene completion and one locate query',
    '',
    'Completion: a mirrored BSDS500 photo with an irregular mask, `deja complete` defaults with this encoder and k = 3;',
    'most of its time is context matching, seams and Poisson blending over the 200 scenes, the same at any size; above 50,000 scenes',
    'its candidates come from the HNSW32 graph of the search table, searched at ef = 5,000.',
    'Locate: world-streetview photo 0 against every geotagged photo (the world-streetview and trip photos and their variants).',
    '',
    '| photos | complete s | locate, first s | locate, again s | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...stages.map((s) => `| ${s.photos.toLocaleString('en')} | ${f(s.query.complete_s, 1)} | ${f(s.query.locate_first_s, 2)} | ${f(s.query.locate_second_s, 2)} | ${f(s.query.peakRssMiB, 0)} |`),
    '',
    '![cost against size](scale.png)',
    '',
  ];
  return lines.join('\n');
}

async function plot(stages: Stage[], file: string): Promise<void> {
  if (stages.length < 2) return;
  const line = (name: string, y: (s: Stage) => number | undefined) => ({
    name,
    points: stages.flatMap((s) => {
      const v = y(s);
      return v !== undefined && Number.isFinite(v) && v > 0 ? [[s.photos, Math.log10(v)] as const] : [];
    }),
  });
  const series = [
    line('ingest s', (s) => s.ingest.seconds),
    line('store MiB', (s) => s.diskMiB),
    line('exact search ms', (s) => s.query.exactSingle.p50),
    line(`${(s0(stages).query.indexes as any[])[0]?.spec ?? 'HNSW'} search ms`, (s) => (s.query.indexes as any[])[0]?.p50),
    line('complete s', (s) => s.query.complete_s),
    line('locate s (again)', (s) => s.query.locate_second_s),
  ];
  await writePlot(linePlotSvg(series, { title: 'Deja cost against collection size', xLabel: 'photos (log scale)', yLabel: 'log10 of the cost', xLog: true }), file);
}

function s0(stages: Stage[]): Stage {
  return stages[0];
}
