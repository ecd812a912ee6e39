/**
 * `npm run bench:colorize`: data-driven colorization evaluated on held-out real colour photos.
 *
 * Collection: the colour photos of ../shared/data/intel-scenes (14,034, 150×150) and bsds500 (200).
 * Queries: a seeded 100 intel-scenes and 20 BSDS colour photos (gray ones are passed over: a gray
 * original makes the gray output perfect and the average meaningless), held out of the collection and
 * turned gray by keeping their exact L* (so a perfect a*, b* would restore them exactly). Each query's
 * k = 20 nearest colour photos by the 32×32 intensity thumbnail (`tiny-gray`, mirrored query too, gray
 * photos passed over, as `deja colorize`) give the colour, for collection sizes 500, 2,000, 5,000 and all (nested seeded
 * subsets). Methods: `mean`, `transfer` (Welsh et al. 2002 with position term + guided upsampling),
 * `transfer` with global matching (no position term), and the trivial baselines: the gray input, and the
 * collection's global mean chroma (estimated from up to 1,000 of its photos). Metrics against the
 * original: PSNR and SSIM in RGB, PSNR and SSIM on the a*, b* planes (range 256), and the
 * Hasler–Süsstrunk colourfulness of the result (with the originals' for reference).
 *
 * Writes bench/colorize.md, bench/colorize-size.png, bench/colorize-examples.jpg, and a gallery page
 * for a person to judge at bench/out/colorize/gallery/index.html.
 *
 * `--encoder` (repeatable) compares what finds the matches, in one run on the same queries and
 * collection (issue 13 §4: gist against CNN features): any spec that describes a gray query and the
 * collection's colour photos alike (`tiny-gray`, `gist-gray`, `cnn(model=…,output=features,gray=1)`),
 * or a combination `a+b` (each distance divided by its median over 2,000 collection pairs, weight 1:
 * src/ann/combined.ts, as `deja search`). The plot, gallery and examples show the first encoder.
 *
 *   npm run bench:colorize -- [--queries 100] [--sizes 500,2000,5000,all] [--encoder tiny-gray --encoder gist-gray …] [--out bench/colorize.md]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.ts';
import { flipHorizontal, plane, toGray, type Image } from '../src/core/image.ts';
import { WorkerPool, defaultThreads, workerModuleUrl } from '../src/core/workerPool.ts';
import { rgbToLab } from '../src/imgproc/color.ts';
import { psnr, ssimImage, ssimPlane } from '../src/imgproc/quality.ts';
import { decodeImage } from '../src/io/decode.ts';
import { listSources } from '../src/io/sources.ts';
import { linePlotSvg, writePlot } from '../src/io/plot.ts';
import { writeGallery, type GalleryCell } from '../src/io/gallery.ts';
import { contactSheet, type SheetTile } from '../src/io/sheet.ts';
import { exactKnn } from '../src/ann/flat.ts';
import { combinedScale, concatenateCombined } from '../src/ann/combined.ts';
import { createEncoder } from '../src/encoders/factory.ts';
import { colourfulness } from '../src/decoders/colorize/colorfulness.ts';
import { colorizeFromMatches } from '../src/decoders/colorize/colorizeFromMatches.ts';
import { GRAY_CHROMA_THRESHOLD, grayFromLightness, lightness, meanChroma, meanChromaMagnitude, recombineLab } from '../src/decoders/colorize/meanChroma.ts';
import type { EncodeTask } from '../src/actions/encode/encodeWorker.ts';
import type { EncodedPhoto } from '../src/actions/encode/encodePhoto.ts';
import { machineLine, today } from './machine.ts';

const data = path.resolve(import.meta.dirname, '../../shared/data');
const work = path.resolve(import.meta.dirname, 'out/colorize');
const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '100' },
    bsds: { type: 'string', default: '20' },
    sizes: { type: 'string', default: '500,2000,5000,all' },
    k: { type: 'string', default: '20' },
    encoder: { type: 'string', multiple: true },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'colorize.md') },
  },
});
const K = Number(values.k);
const ENCODERS = values.encoder?.length ? values.encoder : ['tiny-gray'];
const SPEC = ENCODERS[0];
const outFile = path.resolve(values.out);
const outBase = outFile.replace(/\.md$/, '');
fs.mkdirSync(work, { recursive: true });

interface Photo {
  bytes: Buffer;
  name: string;
}

async function read(source: string): Promise<Photo[]> {
  const out: Photo[] = [];
  for await (const it of listSources([source])) out.push({ bytes: it.read(), name: it.path.slice(it.path.indexOf('#') + 1) });
  return out;
}

async function encodeAll(photos: Photo[], spec: string): Promise<Float32Array> {
  const pool = new WorkerPool<EncodeTask, EncodedPhoto>(workerModuleUrl(import.meta.url, '../src/actions/encode/encodeWorker'), defaultThreads());
  const { dim, spec: key } = createEncoder(spec); // the workers answer by canonical spec
  const out = new Float32Array(photos.length * dim);
  try {
    await Promise.all(photos.map((p, i) => pool.run({ bytes: p.bytes, name: p.name, specs: [spec] }).then((r) => out.set(r.descriptors[key], i * dim))));
  } finally {
    await pool.close();
  }
  return out;
}

type Method = 'gray' | 'global mean chroma' | 'mean' | 'transfer (global)' | 'transfer';
const METHODS: Method[] = ['gray', 'global mean chroma', 'mean', 'transfer (global)', 'transfer'];

interface Scores {
  psnrRgb: number;
  ssimRgb: number;
  psnrAb: number;
  ssimAb: number;
  colourfulness: number;
}

function score(original: Image, result: Image): Scores {
  const a = rgbToLab(original);
  const b = rgbToLab(result);
  const n = original.width * original.height;
  const ab = (img: Image) => img.data.subarray(n, 3 * n);
  return {
    psnrRgb: psnr(original.data, result.data, 1),
    ssimRgb: ssimImage(original, result, 1),
    psnrAb: psnr(ab(a), ab(b), 256),
    ssimAb: (ssimPlane(plane(a, 1), plane(b, 1), a.width, a.height, 256) + ssimPlane(plane(a, 2), plane(b, 2), a.width, a.height, 256)) / 2,
    colourfulness: colourfulness(result),
  };
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function log(s: string): void {
  process.stderr.write(s + '\n');
}

const t0 = performance.now();
const rng = new Rng(42);
const intel = rng.shuffle(await read(path.join(data, 'intel-scenes/train.tar.gz')));
const bsds = rng.shuffle(await read(path.join(data, 'bsds500/train.tar')));
const nqI = Number(values.queries);
const nqB = Number(values.bsds);
/** The first `count` colour photos of a shuffled list (gray ones, e.g. some glacier shots, make no colour query). */
async function colourQueries(list: Photo[], count: number): Promise<{ picked: Photo[]; rest: Photo[] }> {
  const picked: Photo[] = [];
  let i = 0;
  for (; i < list.length && picked.length < count; i++) {
    const { image } = await decodeImage(list[i].bytes, { minSide: 64, name: list[i].name });
    if (meanChromaMagnitude(image) > GRAY_CHROMA_THRESHOLD) picked.push(list[i]);
  }
  return { picked, rest: list.slice(i) };
}
const qI = await colourQueries(intel, nqI);
const qB = await colourQueries(bsds, nqB);
const queries = [...qI.picked, ...qB.picked];
// Collection order: intel and BSDS interleaved by a seeded shuffle, so every prefix has both.
const pool = rng.shuffle([...qI.rest, ...qB.rest]);
log(`${queries.length} queries, collection pool ${pool.length} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
// Queries: originals and gray versions.
const originals: Image[] = [];
const grays: Image[] = [];
for (let i = 0; i < queries.length; i++) {
  const { image } = await decodeImage(queries[i].bytes, { name: queries[i].name });
  originals.push(image);
  grays.push(grayFromLightness(image));
}

interface Descriptors {
  poolDesc: Float32Array;
  /** Each query's descriptor, then its mirror's. */
  qDesc: Float32Array;
  dim: number;
}

/** One encoder's descriptors of the pool (workers) and of the gray queries and their mirrors, computed once per spec. */
const described = new Map<string, Promise<Descriptors & { metric: 'l2' | 'cosine' }>>();
function descriptorsOf(spec: string): Promise<Descriptors & { metric: 'l2' | 'cosine' }> {
  if (!described.has(spec)) described.set(spec, encodeQueriesAndPool(spec));
  return described.get(spec)!;
}

async function encodeQueriesAndPool(spec: string): Promise<Descriptors & { metric: 'l2' | 'cosine' }> {
  const ts = performance.now();
  const encoder = createEncoder(spec);
  const dim = encoder.dim;
  const poolDesc = await encodeAll(pool.slice(0, encoded), spec); // only the photos the largest size uses
  const qDesc = new Float32Array(queries.length * 2 * dim);
  for (let i = 0; i < queries.length; i++) {
    qDesc.set(await encoder.encode(toGray(grays[i])), 2 * i * dim);
    qDesc.set(await encoder.encode(flipHorizontal(toGray(grays[i]))), (2 * i + 1) * dim);
  }
  log(`encoded the pool with ${spec} in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
  return { poolDesc, qDesc, dim, metric: encoder.metric === 'cosine' ? 'cosine' : 'l2' };
}

/** An encoder or a combination `a+b`: the parts side by side, each scaled by its collection median distance, compared by L2. */
async function matchDescriptors(label: string): Promise<Descriptors> {
  const parts = [];
  for (const spec of label.split('+')) parts.push(await descriptorsOf(spec)); // one at a time: each fills the worker pool
  if (parts.length === 1) return parts[0]; // cosine parts are unit vectors: L2 ranks them as cosine does
  const scales = parts.map((p) => combinedScale(p.poolDesc, encoded, p.dim, p.metric));
  const rows = (pick: (p: Descriptors) => Float32Array) => parts.map((p, i) => ({ data: pick(p), dim: p.dim, metric: p.metric, weight: 1, scale: scales[i] }));
  return {
    poolDesc: concatenateCombined(rows((p) => p.poolDesc), encoded),
    qDesc: concatenateCombined(rows((p) => p.qDesc), 2 * queries.length),
    dim: parts.reduce((d, p) => d + p.dim, 0),
  };
}

const sizes = values.sizes.split(',').map((s) => (s === 'all' ? pool.length : Math.min(pool.length, Number(s))));
const encoded = Math.max(...sizes);
const decoded = new Map<number, Image>();
async function poolImage(i: number): Promise<Image> {
  let img = decoded.get(i);
  if (!img) {
    img = (await decodeImage(pool[i].bytes, { minSide: 128, name: pool[i].name })).image;
    decoded.set(i, img);
  }
  return img;
}

const table: { encoder: string; size: number; method: Method; scores: Scores }[] = [];
const gallery: Map<number, Map<string, Image>> = new Map();
const perQuery: Record<string, Scores[]> = {};
for (const label of ENCODERS) {
  const { poolDesc, qDesc, dim } = await matchDescriptors(label);
  const primary = label === SPEC;
  for (const size of sizes) {
    const ts = performance.now();
    const depth = Math.min(size, 4 * K);
    const nb = exactKnn(poolDesc, size, dim, qDesc, 2 * queries.length, depth, 'l2');
    // Global mean chroma of this collection: mean a*, b* of up to 1,000 of its photos.
    const sample = new Rng(7).shuffle(Array.from({ length: size }, (_, i) => i)).slice(0, 1000);
    let ga = 0;
    let gb = 0;
    for (const i of sample) {
      const c = meanChroma([await poolImage(i)], 8, 8);
      ga += mean(Array.from(c.a)) / sample.length;
      gb += mean(Array.from(c.b)) / sample.length;
    }
    const scores: Record<Method, Scores[]> = Object.fromEntries(METHODS.map((m) => [m, []])) as unknown as Record<Method, Scores[]>;
    for (let q = 0; q < queries.length; q++) {
      // Merge the query's and its mirror's neighbours, keeping each photo's better distance.
      const best = new Map<number, { d: number; mirrored: boolean }>();
      for (const mirrored of [false, true]) {
        const row = 2 * q + (mirrored ? 1 : 0);
        for (let j = 0; j < depth; j++) {
          const id = nb.labels[row * depth + j];
          const d = nb.distances[row * depth + j];
          if (id >= 0 && (!best.has(id) || d < best.get(id)!.d)) best.set(id, { d, mirrored });
        }
      }
      // As `deja colorize`: the K nearest colour photos (gray photos have no colour to give).
      const ranked = [...best].sort((a, b) => a[1].d - b[1].d);
      const matches: Image[] = [];
      for (const [id, m] of ranked) {
        if (matches.length >= K) break;
        const img = await poolImage(id);
        if (meanChromaMagnitude(img) <= GRAY_CHROMA_THRESHOLD) continue;
        matches.push(m.mirrored ? flipHorizontal(img) : img);
      }
      const gray = grays[q];
      const { width: w, height: h } = gray;
      const results: Record<Method, Image> = {
        gray,
        'global mean chroma': recombineLab(lightness(gray), w, h, { width: 1, height: 1, a: Float32Array.of(ga), b: Float32Array.of(gb) }),
        mean: colorizeFromMatches(gray, matches, { method: 'mean' }).image,
        'transfer (global)': colorizeFromMatches(gray, matches, { method: 'transfer', spatialWeight: 0 }).image,
        transfer: colorizeFromMatches(gray, matches, { method: 'transfer' }).image,
      };
      for (const m of METHODS) {
        const s = score(originals[q], results[m]);
        scores[m].push(s);
        if (primary && size === sizes[sizes.length - 1]) (perQuery[m] ??= []).push(s);
      }
      if (!primary) continue;
      if (!gallery.has(q)) gallery.set(q, new Map());
      const g = gallery.get(q)!;
      if (size === sizes[0]) g.set(`transfer, ${size}`, results.transfer);
      if (size === sizes[sizes.length - 1]) {
        for (const m of METHODS) g.set(m, results[m]);
        g.set('average of matches', colorizeFromMatches(gray, matches, { method: 'mean', thumbnail: 8 }).image);
        g.set('best match', matches[0]);
      }
    }
    for (const m of METHODS)
      table.push({
        encoder: label,
        size,
        method: m,
        scores: {
          psnrRgb: mean(scores[m].map((s) => s.psnrRgb)),
          ssimRgb: mean(scores[m].map((s) => s.ssimRgb)),
          psnrAb: mean(scores[m].map((s) => s.psnrAb)),
          ssimAb: mean(scores[m].map((s) => s.ssimAb)),
          colourfulness: mean(scores[m].map((s) => s.colourfulness)),
        },
      });
    log(`${label}, size ${size}: ${METHODS.map((m) => `${m} ${table.find((t) => t.encoder === label && t.size === size && t.method === m)!.scores.psnrAb.toFixed(2)}`).join(', ')} dB(ab) (${((performance.now() - ts) / 1000).toFixed(1)} s)`);
    decoded.clear();
  }
}
const primaryTable = table.filter((t) => t.encoder === SPEC);
const several = ENCODERS.length > 1;
const matchedBy = several ? `each encoder of the table: ${ENCODERS.map((e) => `\`${e}\``).join(', ')}` : SPEC === 'tiny-gray' ? 'the 32×32 intensity thumbnail (tiny-gray)' : `\`${SPEC}\``;

// Report.
const origColour = mean(originals.map(colourfulness));
const f = (x: number, d = 2) => x.toFixed(d);
const cnnNote = ENCODERS.some((e) => e.includes('cnn('))
  ? ['The CNN features come from a network trained on intel-scenes photos outside its 2,807 held-out split (models/manifest.json); these queries are drawn without regard to that split, so some were seen in its training (with their scene labels, never their colours).', '']
  : [];
const md: string[] = [
  '# Data-driven colorization: benchmark',
  '',
  `Generated by \`npm run bench:colorize\` on ${today()} (${machineLine()}); ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
  '',
  `Queries: ${qI.picked.length} intel-scenes + ${qB.picked.length} BSDS500 colour photos (seeded shuffle; gray originals passed over), held out of the collection and turned gray (their exact L*, a* = b* = 0). Collection: the other ${pool.length} photos (intel-scenes + BSDS500), nested seeded subsets. Matches: the k = ${K} nearest colour photos by ${matchedBy}, for the query and its mirror (gray photos passed over, as \`deja colorize\`), exact search. Metrics are means over the ${queries.length} queries, against the original colour photo; PSNR and SSIM on the a*, b* planes use a range of 256. Originals' mean colourfulness (Hasler & Süsstrunk 2003): ${f(origColour, 1)}.`,
  '',
  ...cnnNote,
  `|${several ? ' encoder |' : ''} collection | method | PSNR RGB dB | SSIM RGB | PSNR a*b* dB | SSIM a*b* | colourfulness |`,
  `|${several ? '---|' : ''}---:|---|---:|---:|---:|---:|---:|`,
  ...table.map((t) => `|${several ? ` ${t.encoder} |` : ''} ${t.size} | ${t.method} | ${f(t.scores.psnrRgb)} | ${f(t.scores.ssimRgb, 4)} | ${f(t.scores.psnrAb)} | ${f(t.scores.ssimAb, 4)} | ${f(t.scores.colourfulness, 1)} |`),
  '',
];
// Paired comparison at the largest collection: how often each method beats the global-mean baseline.
const last = sizes[sizes.length - 1];
md.push(`Per query at ${last} photos${several ? ` (${SPEC})` : ''}: share of queries where the method's PSNR a*b* beats the global-mean-chroma baseline:`, '');
for (const m of METHODS.filter((x) => x !== 'global mean chroma')) {
  const wins = perQuery[m].filter((s, i) => s.psnrAb > perQuery['global mean chroma'][i].psnrAb).length;
  md.push(`- ${m}: ${wins}/${perQuery[m].length}`);
}
md.push('', `![PSNR a*b* vs collection size](${path.basename(outBase)}-size.png)`, '', `![examples](${path.basename(outBase)}-examples.jpg)`, '');
const mdFile = outFile;
// The hand-written "Reading the numbers" part of the previous report is kept (re-read it against the new figures).
const previous = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '';
const reading = previous.indexOf('\n## Reading the numbers');
fs.writeFileSync(mdFile, md.join('\n') + (reading < 0 ? '' : '\n<!-- kept from the previous run -->' + previous.slice(reading)));
await writePlot(
  linePlotSvg(
    METHODS.map((m) => ({ name: m, points: primaryTable.filter((t) => t.method === m).map((t) => [t.size, t.scores.psnrAb] as [number, number]) })),
    { title: 'Colorization: PSNR on a*, b* vs collection size', xLabel: 'colour photos in the collection', yLabel: 'PSNR a*b* (dB)', xLog: true },
  ),
  `${outBase}-size.png`,
);

// Gallery (every query) and a small example sheet for the markdown.
const columns = ['original', 'gray input', 'best match', 'average of matches', 'global mean chroma', 'mean', 'transfer (global)', 'transfer', `transfer, ${sizes[0]}`];
const rows = [...gallery].map(([q, g]) => ({
  caption: queries[q].name,
  cells: columns.map((c): GalleryCell => {
    const img = c === 'original' ? originals[q] : c === 'gray input' ? grays[q] : (g.get(c) ?? null);
    const s = METHODS.includes(c as Method) ? perQuery[c]?.[q] : undefined;
    return { image: img, caption: s ? `${f(s.psnrAb, 1)} dB a*b*` : '' };
  }),
}));
const page = await writeGallery(path.join(work, 'gallery'), {
  title: 'Deja colorization: held-out photos turned gray',
  columns,
  rows,
  note: `Collection of ${last} colour photos; k = ${K} matches by ${SPEC}. Columns: original, gray input, best match, average of matches, baselines, mean, transfer without and with the position term, transfer from only ${sizes[0]} photos.`,
});
const tiles: SheetTile[] = [];
const exampleCols = ['original', 'gray input', 'mean', 'transfer', 'global mean chroma'];
for (const [q, g] of [...gallery].filter(([q]) => q % Math.max(1, Math.floor(queries.length / 6)) === 0).slice(0, 6))
  for (const c of exampleCols) tiles.push({ image: c === 'original' ? originals[q] : c === 'gray input' ? grays[q] : g.get(c)!, caption: c });
fs.writeFileSync(`${outBase}-examples.jpg`, await contactSheet(tiles, { columns: exampleCols.length, tileSize: 150 }));
log(`wrote ${mdFile}, gallery ${page}`);
