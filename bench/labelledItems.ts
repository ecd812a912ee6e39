/**
 * Labelled photos for the recognition benchmarks (bench/classify.ts, bench/linear.ts): read straight from
 * the shared archives, encoded in worker threads with the ingest worker (the same decode and descriptors
 * as a collection), class indices, and the seeded samples both benchmarks split by — so their rows use
 * the same photos.
 */
import { Rng } from '../src/core/rng.ts';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../src/core/workerPool.ts';
import { listSources } from '../src/io/sources.ts';
import type { EncodeTask } from '../src/actions/encode/encodeWorker.ts';
import type { EncodedPhoto } from '../src/actions/encode/encodePhoto.ts';

export interface Item {
  bytes: Buffer;
  label: string;
  name: string;
}

/** `n` rows of `dim` float32 values, row-major. */
export interface Matrix {
  data: Float32Array;
  n: number;
  dim: number;
}

function log(s: string): void {
  process.stderr.write(s + '\n');
}
const secs = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

/** Reads every photo of the sources with its label (folder name, or from `labelOf`). */
export async function readItems(sources: string[], labelOf?: (p: string) => string | undefined): Promise<Item[]> {
  const out: Item[] = [];
  for await (const it of listSources(sources)) {
    const label = labelOf ? labelOf(it.path) : it.folder;
    if (label) out.push({ bytes: it.read(), label, name: it.path });
  }
  return out;
}

/** Encodes items with every spec in worker threads (decode once per photo). */
export async function encodeItems(items: Item[], specs: string[], what: string, threads = defaultThreads()): Promise<Record<string, Matrix>> {
  const t = performance.now();
  const pool = new WorkerPool<EncodeTask, EncodedPhoto>(workerModuleUrl(import.meta.url, '../src/actions/encode/encodeWorker'), threads);
  const results: EncodedPhoto[] = new Array(items.length);
  try {
    let done = 0;
    await Promise.all(
      items.map((it, i) =>
        pool.run({ bytes: it.bytes, name: it.name, specs }).then((r) => {
          results[i] = r;
          if (++done % 10000 === 0) log(`  ${what}: ${done}/${items.length}`);
        }),
      ),
    );
  } finally {
    await pool.close();
  }
  const out: Record<string, Matrix> = {};
  for (const spec of Object.keys(results[0].descriptors)) {
    const dim = results[0].descriptors[spec].length;
    const m = new Float32Array(items.length * dim);
    results.forEach((r, i) => m.set(r.descriptors[spec], i * dim));
    out[spec] = { data: m, n: items.length, dim };
  }
  log(`  encoded ${items.length} ${what} with ${specs.join(', ')} in ${secs(t)} s`);
  return out;
}

/** The rows `idx` of a matrix, copied. */
export function rows(m: Matrix, idx: Int32Array): Matrix {
  const out = new Float32Array(idx.length * m.dim);
  idx.forEach((r, i) => out.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim));
  return { data: out, n: idx.length, dim: m.dim };
}

/** Sorted class names and the class index of every label. */
export function classIndex(labels: string[]): { names: string[]; idx: Int32Array } {
  const names = [...new Set(labels)].sort();
  const m = new Map(names.map((n, i) => [n, i]));
  return { names, idx: Int32Array.from(labels, (l) => m.get(l)!) };
}

/** Seeded, class-balanced sample of `count` indices. */
export function balancedSample(cls: Int32Array, numClasses: number, count: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const per: number[][] = Array.from({ length: numClasses }, () => []);
  cls.forEach((c, i) => per[c].push(i));
  const out: number[] = [];
  per.forEach((list) => out.push(...rng.shuffle(list).slice(0, Math.ceil(count / numClasses))));
  return Int32Array.from(out.slice(0, count)).sort();
}
