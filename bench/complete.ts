/**
 * Scene-completion benchmark (issue 3): Hays & Efros 2007 scene completion against the diffusion and
 * Efros–Leung texture baselines and OpenCV's Telea / Navier–Stokes inpainting, on the same photos and
 * masks, at several collection sizes (the scale curve). Writes bench/complete.md (tables) and an HTML
 * gallery under bench/out/complete/gallery/ (git-ignored).
 *
 *   npm run bench:complete                       # full run (~15 min on 2 cores, plus a one-off ingest)
 *   npm run bench:complete -- --quick            # 4 queries, sizes 1000 and all, 40 scenes
 *   npm run bench:complete -- --sizes 1000,4000,all --queries 12 --scenes 100
 *   (--no-ingest: use the collection as it is, e.g. while an ingest is still running)
 *
 * Collection: intel-scenes (14,034 colour 150-px scenes) ingested once, resumably, into
 * bench/out/complete/intel-collection with the `gist(size=64)` encoder (gist of a 64-px square: the
 * query is compared the same way; the 256-px gist costs 10× more per photo to ingest). Queries: intel
 * photos held out of every collection size (two per class) and BSDS500 photos shrunk to 150 px high.
 * Masks: NVIDIA irregular masks (5–25% hole), random rectangles and object-sized blobs, cycling per query.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { completeImage, showHole } from '../src/actions/complete.ts';
import { collectionImage } from '../src/actions/shared/photoImage.ts';
import { consoleProgress } from '../src/core/progress.ts';
import { Rng } from '../src/core/rng.ts';
import type { Image } from '../src/core/image.ts';
import { resize } from '../src/imgproc/resample.ts';
import { decodeFile, decodeImage } from '../src/io/decode.ts';
import { writeImage } from '../src/io/encode.ts';
import { listSources } from '../src/io/sources.ts';
import { readCsv } from '../src/io/csv.ts';
import { writeGallery, type GalleryCell } from '../src/io/gallery.ts';
import { holeQuality, type HoleQuality } from '../src/decoders/complete/holeMetrics.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const data = path.resolve(repoRoot, '../shared/data');
const outDir = path.join(repoRoot, 'bench/out/complete');
const ENCODER = 'gist(size=64)';

interface Args {
  sizes: (number | 'all')[];
  intelQueries: number;
  bsdsQueries: number;
  scenes: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const sizes = (get('--sizes') ?? (quick ? '1000,all' : '1000,4000,all')).split(',').map((s) => (s === 'all' ? 'all' : Number(s)));
  const queries = Number(get('--queries') ?? (quick ? 4 : 12));
  return { sizes, intelQueries: Math.ceil((queries * 3) / 4), bsdsQueries: Math.floor(queries / 4), scenes: Number(get('--scenes') ?? (quick ? 40 : 100)) };
}

interface Query {
  name: string;
  image: Image;
  mask: Uint8Array;
  maskKind: string;
  holeFraction: number;
}

type Row = { method: string; size: number | null; query: string; maskKind: string; quality: HoleQuality; seconds: number };

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });
  const collection = await buildCollection(!process.argv.includes('--no-ingest'));
  const photos = collection.photos();
  const rng = new Rng(2007);
  const held = pickHeldOut(photos, args.intelQueries, rng);
  const heldSet = new Set(held.map((p) => p.id));
  const pool = rng.shuffle(photos.filter((p) => !heldSet.has(p.id)).map((p) => p.id));
  const sizes = args.sizes.map((s) => (s === 'all' ? pool.length : Math.min(s, pool.length)));
  const queries = await makeQueries(collection, held, args.bsdsQueries, rng);
  console.log(`${queries.length} queries, collection sizes ${sizes.join('/')}, ${args.scenes} scenes per query`);

  const rows: Row[] = [];
  const gallery = new Map<string, Map<string, GalleryCell>>();
  const cell = (q: string, col: string, c: GalleryCell): void => {
    if (!gallery.has(q)) gallery.set(q, new Map());
    gallery.get(q)!.set(col, c);
  };
  const record = (method: string, size: number | null, q: Query, image: Image, seconds: number): HoleQuality => {
    const quality = holeQuality(q.image, image, q.mask);
    rows.push({ method, size, query: q.name, maskKind: q.maskKind, quality, seconds });
    return quality;
  };
  const caption = (m: HoleQuality, s: number): string => `PSNR ${m.psnr.toFixed(1)} SSIM ${m.ssim.toFixed(2)} seam ${m.seam.toFixed(2)} ${s.toFixed(1)}s`;

  for (const q of queries) {
    cell(q.name, 'query + hole', { image: showHole(q.image, q.mask), caption: `${q.maskKind}, ${(100 * q.holeFraction).toFixed(0)}% hole` });
    cell(q.name, 'original', { image: q.image });
    for (const method of ['diffusion', 'texture'] as const) {
      const t0 = performance.now();
      const r = await completeImage(null, q.image, q.mask, { method, k: 1, scenes: 1, encoder: ENCODER, gistWeight: 2, colorWeight: 1, seed: 1 });
      const s = (performance.now() - t0) / 1000;
      const m = record(method, null, q, r.results[0].image, s);
      cell(q.name, method, { image: r.results[0].image, caption: caption(m, s) });
    }
  }
  for (const [method, images, secs] of await runOpenCv(queries)) {
    queries.forEach((q, i) => {
      const m = record(method, null, q, images[i], secs[i]);
      cell(q.name, method, { image: images[i], caption: caption(m, secs[i]) });
    });
  }
  for (const size of sizes) {
    const members = new Set(pool.slice(0, size));
    for (const q of queries) {
      const t0 = performance.now();
      const r = await completeImage(collection, q.image, q.mask, {
        method: 'scene', k: 3, scenes: args.scenes, encoder: ENCODER, gistWeight: 2, colorWeight: 1, seed: 1, photoFilter: (id) => members.has(id),
      });
      const s = (performance.now() - t0) / 1000;
      const m = record('scene', size, q, r.results[0].image, s);
      console.log(`scene n=${size} ${q.name}: ${caption(m, s)}`);
      if (size === sizes[sizes.length - 1])
        r.results.forEach((c, i) => cell(q.name, `scene #${i + 1} (n=${size})`, { image: c.image, caption: `${i === 0 ? caption(m, s) + '\n' : ''}${shortName(c.result.source?.path ?? '')}` }));
      else cell(q.name, `scene #1 (n=${size})`, { image: r.results[0].image, caption: caption(m, s) });
    }
  }
  collection.close();
  const columns = ['query + hole', 'original', 'diffusion', 'texture', 'opencv-telea', 'opencv-ns', ...sizes.slice(0, -1).map((s) => `scene #1 (n=${s})`), ...[1, 2, 3].map((i) => `scene #${i} (n=${sizes[sizes.length - 1]})`)];
  const index = await writeGallery(path.join(outDir, 'gallery'), {
    title: 'Deja scene completion (Hays & Efros 2007) vs baselines',
    note: `Queries held out of the collection; metrics inside the hole against the original. Regenerate: npm run bench:complete. Encoder ${ENCODER}, ${args.scenes} scenes per query.`,
    columns,
    rows: queries.map((q) => ({ caption: q.name, cells: columns.map((c) => gallery.get(q.name)?.get(c) ?? { image: null }) })),
  });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ args, sizes, rows }, null, 1));
  writeMarkdown(rows, sizes, queries, args);
  console.log(`gallery: ${path.relative(repoRoot, index)}\ntable: bench/complete.md`);
}

/** The intel-scenes collection, ingested once (resumable). */
async function buildCollection(ingestMissing: boolean): Promise<Collection> {
  const dir = path.join(outDir, 'intel-collection');
  const c = Collection.open(dir, { create: true });
  if (ingestMissing && c.count() < 14000) {
    console.log(`ingesting intel-scenes into ${path.relative(repoRoot, dir)} (one-off, resumable)`);
    await ingest(c, [path.join(data, 'intel-scenes/train.tar.gz')], { encoders: [ENCODER], labelFromFolder: true }, consoleProgress());
  }
  return c;
}

/** n held-out intel photos, spread over the six classes. */
function pickHeldOut<T extends { id: number; label: string | null }>(photos: T[], n: number, rng: Rng): T[] {
  const byLabel = new Map<string, T[]>();
  for (const p of photos) byLabel.set(p.label ?? '', [...(byLabel.get(p.label ?? '') ?? []), p]);
  const lists = [...byLabel.values()].map((l) => rng.shuffle([...l]));
  const out: T[] = [];
  for (let i = 0; out.length < n; i++) out.push(lists[i % lists.length][Math.floor(i / lists.length)]);
  return out;
}

async function makeQueries(collection: Collection, held: { id: number; path: string }[], bsds: number, rng: Rng): Promise<Query[]> {
  const images: { name: string; image: Image }[] = [];
  for (const p of held) images.push({ name: shortName(p.path), image: await collectionImage(collection, p.id) });
  const members: { path: string; read(): Buffer }[] = [];
  for await (const s of listSources([path.join(data, 'bsds500/train.tar')])) members.push(s);
  for (const s of rng.shuffle(members).slice(0, bsds)) {
    const img = (await decodeImage(s.read(), { minSide: 150 })).image;
    const f = 150 / Math.min(img.width, img.height);
    images.push({ name: `bsds500/${path.basename(s.path)}`, image: resize(img, Math.round(img.width * f), Math.round(img.height * f)) });
  }
  const irregular = await irregularMasks(rng);
  const kinds = ['irregular', 'rectangle', 'blob'];
  return images.map(({ name, image }, i) => {
    const kind = kinds[i % kinds.length];
    const { width: w, height: h } = image;
    const mask = kind === 'irregular' ? fitMask(irregular[i % irregular.length], w, h) : kind === 'rectangle' ? rectangleMask(w, h, rng) : blobMask(w, h, rng);
    let hole = 0;
    for (const v of mask) hole += v;
    return { name, image, mask, maskKind: kind, holeFraction: hole / (w * h) };
  });
}

/** NVIDIA irregular masks with 5–25% hole, decoded (512×512, 1 = hole). */
async function irregularMasks(rng: Rng): Promise<Image[]> {
  const csv = readCsv(path.join(data, 'irregular-masks/masks.csv'));
  const mi = csv.header.indexOf('member');
  const fi = csv.header.indexOf('hole_fraction');
  const cells = csv.rows.map((r) => r.cells);
  const wanted = new Set(rng.shuffle(cells.filter((r) => +r[fi] >= 0.05 && +r[fi] <= 0.25).map((r) => r[mi])).slice(0, 12));
  const out: Image[] = [];
  for await (const s of listSources([path.join(data, 'irregular-masks/masks.tar')])) {
    if (wanted.has(s.path.slice(s.path.indexOf('#') + 1))) out.push((await decodeImage(s.read(), { gray: true })).image);
  }
  return out;
}

function fitMask(m: Image, w: number, h: number): Uint8Array {
  const r = resize(m, w, h);
  return Uint8Array.from(r.data.subarray(0, w * h), (v) => (v >= 0.5 ? 1 : 0));
}

function rectangleMask(w: number, h: number, rng: Rng): Uint8Array {
  const area = (0.05 + 0.2 * rng.next()) * w * h;
  const aspect = 0.6 + rng.next();
  const rw = Math.min(w - 8, Math.round(Math.sqrt(area * aspect)));
  const rh = Math.min(h - 8, Math.round(area / rw));
  const x0 = 4 + rng.int(w - rw - 7);
  const y0 = 4 + rng.int(h - rh - 7);
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y0 + rh; y++) for (let x = x0; x < x0 + rw; x++) m[y * w + x] = 1;
  return m;
}

/** An object-sized blob: a union of four ellipses around a centre, about 5–20% of the photo. */
function blobMask(w: number, h: number, rng: Rng): Uint8Array {
  const r = Math.sqrt(((0.04 + 0.1 * rng.next()) * w * h) / Math.PI);
  const cx = w * (0.3 + 0.4 * rng.next());
  const cy = h * (0.3 + 0.4 * rng.next());
  const parts = Array.from({ length: 4 }, () => ({ x: cx + (rng.next() - 0.5) * r, y: cy + (rng.next() - 0.5) * r, a: r * (0.6 + 0.5 * rng.next()), b: r * (0.6 + 0.5 * rng.next()) }));
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (parts.some((p) => ((x - p.x) / p.a) ** 2 + ((y - p.y) / p.b) ** 2 <= 1)) m[y * w + x] = 1;
  return m;
}

/** OpenCV Telea and Navier–Stokes through bench/complete_opencv.py (/usr/bin/python3 with Debian's python3-opencv). */
async function runOpenCv(queries: Query[]): Promise<[string, Image[], number[]][]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-bench-cv-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i];
      const mask = { width: q.image.width, height: q.image.height, channels: 1, data: Float32Array.from(q.mask) };
      const f = (name: string): string => path.join(work, `${i}-${name}.png`);
      await writeImage(q.image, f('photo'));
      await writeImage(mask, f('mask'));
      lines.push([f('photo'), f('mask'), f('telea'), f('ns')].join('\t'));
    }
    fs.writeFileSync(path.join(work, 'job.tsv'), lines.join('\n') + '\n');
    const out = execFileSync('/usr/bin/python3', [path.join(repoRoot, 'bench/complete_opencv.py'), path.join(work, 'job.tsv')], { encoding: 'utf8' });
    const times = out.trim().split('\n').map((l) => JSON.parse(l) as { telea_s: number; ns_s: number });
    const read = async (name: string): Promise<Image[]> => Promise.all(queries.map(async (_, i) => (await decodeFile(path.join(work, `${i}-${name}.png`))).image));
    return [
      ['opencv-telea', await read('telea'), times.map((t) => t.telea_s)],
      ['opencv-ns', await read('ns'), times.map((t) => t.ns_s)],
    ];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function shortName(p: string): string {
  const member = p.includes('#') ? p.slice(p.indexOf('#') + 1) : p;
  return member.split(/[\\/]/).slice(-2).join('/');
}

const BEGIN = '<!-- bench:complete:begin (generated by `npm run bench:complete`; edit outside these markers) -->';
const END = '<!-- bench:complete:end -->';

/** Writes the generated tables into bench/complete.md between the markers, keeping the hand-written rest. */
function writeMarkdown(rows: Row[], sizes: number[], queries: Query[], args: Args): void {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const fin = (v: number[]): number[] => v.map((x) => (Number.isFinite(x) ? x : 99));
  const groups: { label: string; size: string; rows: Row[] }[] = [];
  for (const m of ['diffusion', 'texture', 'opencv-telea', 'opencv-ns']) groups.push({ label: m, size: '–', rows: rows.filter((r) => r.method === m) });
  for (const n of sizes) groups.push({ label: 'scene (Hays & Efros)', size: String(n), rows: rows.filter((r) => r.method === 'scene' && r.size === n) });
  const kinds = [...new Set(queries.map((q) => q.maskKind))];
  const lines = [
    BEGIN,
    '',
    `Run of ${new Date().toISOString().slice(0, 10)}: ${queries.length} held-out queries (${queries.map((q) => q.name).join(', ')}), ` +
      `masks ${kinds.map((k) => `${k} ×${queries.filter((q) => q.maskKind === k).length}`).join(', ')}, hole ${(100 * Math.min(...queries.map((q) => q.holeFraction))).toFixed(0)}–${(100 * Math.max(...queries.map((q) => q.holeFraction))).toFixed(0)}%; ` +
      `scene method: encoder \`${ENCODER}\`, ${args.scenes} scenes per query, top-1 completion scored; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}.`,
    '',
    '| method | collection size | PSNR in hole (dB) ↑ | SSIM in hole ↑ | seam visibility (≈1 best) | s / photo |',
    '|---|---:|---:|---:|---:|---:|',
    ...groups.map((g) => `| ${g.label} | ${g.size} | ${mean(fin(g.rows.map((r) => r.quality.psnr))).toFixed(2)} | ${mean(g.rows.map((r) => r.quality.ssim)).toFixed(3)} | ${mean(g.rows.map((r) => r.quality.seam)).toFixed(2)} | ${mean(g.rows.map((r) => r.seconds)).toFixed(2)} |`),
    '',
    'PSNR (dB) by mask kind:',
    '',
    `| method | size | ${kinds.join(' | ')} |`,
    `|---|---:|${kinds.map(() => '---:').join('|')}|`,
    ...groups.map((g) => `| ${g.label} | ${g.size} | ${kinds.map((k) => mean(fin(g.rows.filter((r) => r.maskKind === k).map((r) => r.quality.psnr))).toFixed(2)).join(' | ')} |`),
    '',
    END,
  ];
  const file = path.join(repoRoot, 'bench/complete.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Scene completion benchmark\n\n${BEGIN}\n${END}\n`;
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  const text = a >= 0 && b > a ? old.slice(0, a) + lines.join('\n') + old.slice(b + END.length) : old + '\n' + lines.join('\n') + '\n';
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

await main();
