/**
 * `npm run bench:sfm-internet`: `deja reconstruct` with per-image cameras on internet photos —
 * ../shared/data/statue-of-liberty (135 tourist photos, many cameras and zooms) at several collection
 * sizes, exhaustive matching against vocabulary-tree retrieval (Nistér & Stewénius 2006), scored by
 * `deja eval sfm` against the collection's reference cameras (a COLMAP reconstruction; similarity
 * alignment, position error as a fraction of the reference's extent); then all 135 pooled with
 * distractor photos of other scenes (bsds500, intel-scenes), vocabulary tree only, counting how many
 * distractors registered (should be none; Agarwal et al. 2009, "Building Rome in a Day", face the same
 * mix). COLMAP 3.8 (CPU, exhaustive_matcher, one camera per photo) beside it where affordable.
 * Photos are decoded and described once; each row reconstructs a subset of them. Writes
 * bench/sfm-internet.md after every row.
 *
 *   node --import tsx bench/sfmInternet.ts [--sizes 25,50,135] [--max-size 1024] [--exhaustive-up-to 50] [--colmap-up-to 50]
 *     [--distractors 500] [--retrieval-k 8] [--threads 2] [--no-colmap]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evalSfm, type EvalSfmReport } from '../src/actions/evalSfm.ts';
import { reconstructPrepared, type ReconstructReport } from '../src/actions/reconstruct.ts';
import { type PreparedPhotos, preparePhotos, preparedSubset } from '../src/actions/reconstruct/preparePhotos.ts';
import { Rng } from '../src/core/rng.ts';
import { listSources } from '../src/io/sources.ts';
import { hasColmap, runColmap, shrunkCopies } from './colmapBaseline.ts';
import { machineLine, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '25,50,135' }, 'max-size': { type: 'string', default: '1024' }, 'exhaustive-up-to': { type: 'string', default: '50' },
    'colmap-up-to': { type: 'string', default: '50' }, distractors: { type: 'string', default: '500' }, 'retrieval-k': { type: 'string', default: '16' },
    threads: { type: 'string', default: '2' }, 'no-colmap': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number), maxSize = Number(values['max-size']), threads = Number(values.threads);
const exhaustiveUpTo = Number(values['exhaustive-up-to']), colmapUpTo = Number(values['colmap-up-to']);
const distractorCount = Number(values.distractors), retrievalK = Number(values['retrieval-k']);
const withColmap = !values['no-colmap'] && hasColmap();
const data = path.resolve(import.meta.dirname, '../../shared/data');
const statue = path.join(data, 'statue-of-liberty'), reference = path.join(statue, 'reference_cameras.csv');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sfm-internet-'));
const command = `node --import tsx bench/sfmInternet.ts --sizes ${sizes.join(',')} --max-size ${maxSize} --exhaustive-up-to ${exhaustiveUpTo} --colmap-up-to ${colmapUpTo} --distractors ${distractorCount} --retrieval-k ${retrievalK} --threads ${threads}${withColmap ? '' : ' --no-colmap'}`;

/** The collection's photo names in a seeded order: a subset of n is its first n (the same photos at every size). */
const names = fs.readdirSync(path.join(statue, 'images')).filter((n) => n.endsWith('.jpg')).sort();
const order = [...names];
const rng = new Rng(2009);
for (let k = order.length - 1; k > 0; k--) {
  const j = Math.floor(rng.next() * (k + 1));
  [order[k], order[j]] = [order[j], order[k]];
}

const rows: string[] = [];
const notes: string[] = [
  'Reading the rotation columns: "rotation median" is measured after the similarity that aligns the camera centres; with a few registered cameras whose centres lie nearly on a line or close together that alignment leaves a rotation about the line free, so it can be off by up to 180° while the cameras agree with the reference — the relative rotation (no alignment) is the figure to trust there.',
];
const st = (x: { seconds: number; cpuSeconds: number }) => `${x.seconds.toFixed(0)} / ${x.cpuSeconds.toFixed(0)}`;
const pct = (v: number) => `${(100 * v).toFixed(2)}`;
const errors = (e: EvalSfmReport | null) => (e ? `${pct(e.relativePosition.mean)} | ${pct(e.relativePosition.median)} | ${e.rotation.median.toFixed(2)} | ${e.relativeRotation.median.toFixed(2)}` : '— | — | — | —');
const score = (model: string): EvalSfmReport | null => {
  try {
    return evalSfm({ model, gt: reference });
  } catch {
    return null;
  }
};

function writeTable(prep: { statue: PreparedPhotos | null; distractors: PreparedPhotos | null }): void {
  const load = os.loadavg().map((x) => x.toFixed(1)).join(', ');
  const sift = prep.statue ? `decoding and SIFT of the 135 photos once: ${st(prep.statue.stages.decode)} s and ${st(prep.statue.stages.features)} s (wall / CPU), ${prep.statue.stages.features.keypoints} features` : '';
  const dsift = prep.distractors ? `; of the distractors: ${st(prep.distractors.stages.features)} s` : '';
  fs.writeFileSync(path.join(import.meta.dirname, 'sfm-internet.md'), `# Structure from motion on internet photos: statue-of-liberty, per-image cameras

Generated by \`${command}\` on ${today()} (${machineLine()}; load average ${load} when this was written — other jobs shared the cores).

\`deja reconstruct --cameras per-image\` on ../shared/data/statue-of-liberty (135 photos, 800 × 1200, ${new Set(names).size} files; many cameras, zooms and seasons), decoded gray at a longer side of ${maxSize} px, SIFT at the per-image default contrast threshold ${prep.statue?.stages.features.contrast ?? '—'} (COLMAP's peak threshold: 0.02 / 3 scales): each photo its own SIMPLE_RADIAL camera, f from EXIF (35 mm equivalent, or the lens focal length over a known sensor width) or 1.2 × the longer side, refined by bundle adjustment under a weak prior (σ 25 % on f, 0.1 on k1). The subsets are the first n of one seeded shuffle of the file names. Matching: exhaustive (every pair; run up to ${exhaustiveUpTo} photos only — Deja's matcher costs ~0.1–0.3 CPU s a pair, so 135 photos' 9,045 pairs do not fit this bench) or the vocabulary tree (${retrievalK} retrieved pairs per photo, tf-idf, branching 10, depth 4). Scored by \`deja eval sfm --gt reference_cameras.csv\`: the reference is the source's COLMAP reconstruction (one shared camera), not ground truth, so camera centres are compared after a similarity alignment (Umeyama 1991) and position errors are given in % of the reference's extent (the largest distance between two reference camera centres); rotation errors after the alignment and relative rotations between pairs (no alignment) are medians in degrees. ${sift}${dsift}. Seconds as wall / CPU.${withColmap ? ` COLMAP 3.8 (Debian, CPU, ${threads} threads) ran in the same run up to ${colmapUpTo} photos on the same photos shrunk to ${maxSize} px (JPEG quality 100, EXIF kept): \`feature_extractor --ImageReader.single_camera 0\` (SIMPLE_RADIAL per photo, f from EXIF), \`exhaustive_matcher\`, \`mapper\`; its matching column includes its own feature matching only, its total includes its feature extraction.` : ' COLMAP was not run (not installed, or --no-colmap).'}

| photos | tool | matching | pairs | matching s | registered | points | reproj. px | position mean % | position median % | rotation median ° | relative rotation median ° | mapping s | total s |
|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}`);
}

function dejaRow(n: number, label: string, r: ReconstructReport, e: EvalSfmReport | null): string {
  const s = r.stages;
  return `| ${n} | Deja | ${label} | ${s.matching.pairs} | ${st(s.matching)} | ${r.summary.registered}/${r.images.length} | ${r.summary.points} | ${r.summary.meanReprojectionError.toFixed(2)} | ${errors(e)} | ${st(s.mapping)} | ${(s.matching.seconds + s.mapping.seconds).toFixed(0)} (+ SIFT) |`;
}

async function dejaRun(prepared: PreparedPhotos, n: number, matcher: 'exhaustive' | 'vocab', label: string): Promise<ReconstructReport | null> {
  const out = path.join(work, `deja-${n}-${matcher}-${label.length}`);
  try {
    const r = await reconstructPrepared(prepared, { folder: prepared.folder, out, cameras: 'per-image', matcher, retrievalK, maxSize, threads });
    rows.push(dejaRow(n, label, r, score(out)));
    return r;
  } catch (e) {
    rows.push(`| ${n} | Deja | ${label} | — | — | 0/${prepared.photos.length} | — | — | — | — | — | — | — | — |`);
    notes.push(`${n} photos, ${label}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  } finally {
    console.log(rows.at(-1));
  }
}

function colmapRow(n: number): void {
  const photos = path.join(work, `colmap-${n}-photos`);
  const run = runColmap(photos, path.join(work, `colmap-${n}`), { threads, perImageCameras: true });
  const e = run.model ? score(run.model) : null;
  const s = run.stages;
  rows.push(`| ${n} | COLMAP 3.8 | exhaustive | ${(n * (n - 1)) / 2} | ${st(s.matching)} | ${run.registered}/${n} | ${run.points} | ${run.meanReprojectionError.toFixed(2)} | ${errors(e)} | ${st(s.mapping)} | ${(s.features.seconds + s.matching.seconds + s.mapping.seconds).toFixed(0)} |`);
  console.log(rows.at(-1));
}

/** n distractor photos of other scenes, written into a folder: bsds500's first half, then intel-scenes. */
async function distractorFolder(n: number): Promise<string> {
  const dir = path.join(work, 'distractors');
  fs.mkdirSync(dir);
  let k = 0;
  for (const [archive, share] of [[path.join(data, 'bsds500/train.tar'), Math.ceil(n / 2)], [path.join(data, 'intel-scenes/train.tar.gz'), n]] as const) {
    let taken = 0;
    for await (const item of listSources([archive])) {
      if (k >= n || taken >= share) break;
      if (!/\.(jpe?g|png)$/i.test(item.relPath)) continue;
      fs.writeFileSync(path.join(dir, `distractor-${String(k).padStart(4, '0')}${path.extname(item.relPath).toLowerCase()}`), item.read());
      k++;
      taken++;
    }
  }
  return dir;
}

const all = path.join(work, 'statue');
fs.mkdirSync(all);
for (const name of names) fs.symlinkSync(path.join(statue, 'images', name), path.join(all, name));
const prepared = await preparePhotos({ folder: all, maxSize, threads });
console.log(`prepared ${prepared.photos.length} photos: SIFT ${st(prepared.stages.features)} s`);
const prep = { statue: prepared, distractors: null as PreparedPhotos | null };
writeTable(prep);
for (const n of sizes) {
  const subset = preparedSubset(prepared, order.slice(0, n));
  if (withColmap && n <= colmapUpTo) {
    const src = path.join(work, `colmap-${n}-src`);
    fs.mkdirSync(src);
    for (const name of order.slice(0, n)) fs.symlinkSync(path.join(statue, 'images', name), path.join(src, name));
    await shrunkCopies(src, path.join(work, `colmap-${n}-photos`), maxSize, true);
    try {
      colmapRow(n);
    } catch (e) {
      rows.push(`| ${n} | COLMAP 3.8 | exhaustive | ${(n * (n - 1)) / 2} | — | 0/${n} | — | — | — | — | — | — | — | — |`);
      notes.push(`COLMAP at ${n} photos failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    writeTable(prep);
  }
  if (n <= exhaustiveUpTo) {
    await dejaRun(subset, n, 'exhaustive', 'exhaustive');
    writeTable(prep);
  }
  await dejaRun(subset, n, 'vocab', `vocab tree, k = ${retrievalK}`);
  writeTable(prep);
}
if (distractorCount > 0) {
  const dir = await distractorFolder(distractorCount);
  const distractors = await preparePhotos({ folder: dir, maxSize, threads });
  prep.distractors = distractors;
  const pooled: PreparedPhotos = { ...prepared, photos: [...prepared.photos, ...distractors.photos], skipped: [...prepared.skipped, ...distractors.skipped] };
  const label = `vocab tree, k = ${retrievalK}, + ${distractors.photos.length} distractors`;
  const r = await dejaRun(pooled, prepared.photos.length, 'vocab', label);
  if (r) {
    const registered = r.images.filter((im) => im.registered && im.name.startsWith('distractor-')).length;
    const statueRegistered = r.images.filter((im) => im.registered && !im.name.startsWith('distractor-')).length;
    notes.push(`With ${distractors.photos.length} distractors (bsds500 and intel-scenes photos, ${distractors.skipped.length} skipped) pooled with the 135 statue photos: ${registered} distractors registered (should be 0), ${statueRegistered}/135 statue photos registered.`);
  }
  writeTable(prep);
}
fs.rmSync(work, { recursive: true, force: true });
console.log('wrote bench/sfm-internet.md');
