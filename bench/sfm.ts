/**
 * `npm run bench:sfm`: `deja reconstruct` + `deja eval sfm` on Strecha's scenes with ground truth
 * (../shared/data/strecha-mvs: fountain-P11, Herz-Jesus-P8) and on sceaux-castle (no ground truth),
 * with known K (pinhole, held) and without (simple-radial, f guessed as 1.2 × the longer side and
 * refined with k1), and COLMAP 3.8 (CPU) beside it in the same run on the same shrunk photos:
 * registered images, points, reprojection error, camera errors after a similarity alignment, and
 * wall/CPU seconds per stage. Writes bench/sfm.md.
 *
 *   node --import tsx bench/sfm.ts [--size 1024] [--scenes fountain-P11,Herz-Jesus-P8,sceaux-castle] [--threads 2] [--no-colmap]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evalSfm, type EvalSfmReport } from '../src/actions/evalSfm.ts';
import { reconstruct } from '../src/actions/reconstruct.ts';
import { readNumberRows } from '../src/io/folderFiles.ts';
import { hasColmap, runColmap, shrunkCopies } from './colmapBaseline.ts';
import { machineLine, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' }, scenes: { type: 'string', default: 'fountain-P11,Herz-Jesus-P8,sceaux-castle' },
    threads: { type: 'string', default: '2' }, 'no-colmap': { type: 'boolean', default: false },
  },
});
const size = Number(values.size), threads = Number(values.threads), scenes = values.scenes.split(',');
const withColmap = !values['no-colmap'] && hasColmap();
const data = path.resolve(import.meta.dirname, '../../shared/data');

/** Where a scene's photos, K and ground truth are (sceaux-castle keeps K.txt among its photos and has no ground truth). */
function sceneFiles(scene: string): { images: string; K: string; gt: string | null } {
  if (scene === 'sceaux-castle') return { images: path.join(data, scene, 'images'), K: path.join(data, scene, 'images', 'K.txt'), gt: null };
  const root = path.join(data, 'strecha-mvs', scene);
  return { images: path.join(root, 'images'), K: path.join(root, 'K.txt'), gt: path.join(root, 'gt_cameras') };
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sfm-'));
const rows: string[] = [];
const cpuRatios: string[] = [];
const st = (x: { seconds: number; cpuSeconds: number }) => `${x.seconds.toFixed(1)} / ${x.cpuSeconds.toFixed(1)}`;
const errors = (e: EvalSfmReport | null) =>
  e ? `${(1000 * e.position.mean).toFixed(1)} | ${(1000 * e.position.median).toFixed(1)} | ${e.rotation.mean.toFixed(3)} | ${e.relativeRotation.mean.toFixed(3)}` : '— | — | — | —';
for (const scene of scenes) {
  const files = sceneFiles(scene);
  const copies = path.join(out, `${scene}-photos`);
  const scale = withColmap ? await shrunkCopies(files.images, copies, size) : 1;
  for (const cameraModel of ['pinhole', 'simple-radial'] as const) {
    const camera = cameraModel === 'pinhole' ? 'pinhole, known K' : 'simple-radial, f guessed';
    const dir = path.join(out, `${scene}-${cameraModel}`);
    const r = await reconstruct({ folder: files.images, out: dir, cameraModel, K: cameraModel === 'pinhole' ? files.K : undefined, maxSize: size, threads });
    const e = files.gt ? evalSfm({ model: dir, gt: files.gt }) : null;
    const s = r.stages;
    const cpu = s.decode.cpuSeconds + s.features.cpuSeconds + s.matching.cpuSeconds + s.mapping.cpuSeconds + s.export.cpuSeconds;
    rows.push(`| ${scene} | ${camera} | Deja | ${r.summary.registered}/${r.images.length} | ${r.summary.points} | ${r.summary.meanTrackLength.toFixed(2)} | ${r.summary.meanReprojectionError.toFixed(2)} | ${errors(e)} | ${st(s.decode)} | ${st(s.features)} | ${st(s.matching)} | ${st(s.mapping)} (BA ${(s.mapping.ms.bundle / 1000).toFixed(1)}) | ${r.seconds.toFixed(1)} / ${cpu.toFixed(1)} |`);
    console.log(rows.at(-1));
    if (!withColmap) continue;
    // COLMAP's PINHOLE takes fx, fy, cx, cy of the shrunk copies (pixel centres at +0.5 in both tools).
    const k = readNumberRows(files.K);
    const K = cameraModel === 'pinhole' ? [k[0][0] * scale, k[1][1] * scale, (k[0][2] + 0.5) * scale - 0.5, (k[1][2] + 0.5) * scale - 0.5] as [number, number, number, number] : undefined;
    const c = runColmap(copies, path.join(out, `${scene}-${cameraModel}-colmap`), { threads, K });
    const ce = c.model && files.gt ? evalSfm({ model: c.model, gt: files.gt }) : null;
    const cs = c.stages;
    const ccpu = cs.features.cpuSeconds + cs.matching.cpuSeconds + cs.mapping.cpuSeconds;
    const cwall = cs.features.seconds + cs.matching.seconds + cs.mapping.seconds;
    rows.push(`| ${scene} | ${camera} | COLMAP 3.8 | ${c.registered}/${r.images.length} | ${c.points} | ${c.meanTrackLength.toFixed(2)} | ${c.meanReprojectionError.toFixed(2)} | ${errors(ce)} | (in SIFT) | ${st(cs.features)} | ${st(cs.matching)} | ${st(cs.mapping)} | ${cwall.toFixed(1)} / ${ccpu.toFixed(1)} |`);
    cpuRatios.push(`${scene} ${camera}: ${(cpu / ccpu).toFixed(2)}`);
    console.log(rows.at(-1));
  }
}
fs.rmSync(out, { recursive: true, force: true });
const load = os.loadavg().map((x) => x.toFixed(1)).join(', ');
fs.writeFileSync(path.join(import.meta.dirname, 'sfm.md'), `# Structure from motion on Strecha's scenes and Sceaux castle, beside COLMAP

Generated by \`node --import tsx bench/sfm.ts --size ${size} --scenes ${scenes.join(',')} --threads ${threads}\` on ${today()} (${machineLine()}; load average ${load} at the end — other jobs shared the cores).

\`deja reconstruct\` (photos shrunk to a longer side of ${size} px, gray; default SIFT; exhaustive matching, verification at 4 px × size/1536; incremental mapper with global bundle adjustment after each registration) and \`deja eval sfm\` against the scenes' ground-truth cameras (camera centres aligned by a similarity, Umeyama 1991; sceaux-castle has none). ${withColmap ? `COLMAP 3.8 (Debian, CPU, ${threads} threads) ran in the same run on the same photos, shrunk to ${size} px and saved as JPEG (quality 100): \`feature_extractor\` (one shared camera; PINHOLE with the scaled K, or SIMPLE_RADIAL), \`exhaustive_matcher\`, \`mapper\` (known K held fixed), scored by the same \`deja eval sfm\`.` : 'COLMAP was not run (not installed, or --no-colmap).'} Position errors in mm, rotation errors in degrees, reprojection error in px (at ${size} px), seconds as wall / CPU (all threads; COLMAP's CPU is user + system of its processes).

| scene | camera | tool | registered | points | track length | reproj. px | position mean mm | position median mm | rotation mean ° | relative rotation mean ° | decode s | SIFT s | matching s | mapping s | total s |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
${cpuRatios.length ? `\nDeja's total CPU seconds over COLMAP's, same run: ${cpuRatios.join('; ')}.\n` : ''}
Quoted in issue 15 (another run, full-size photos): COLMAP 3.8 on fountain-P11 registered 11/11 with 6.0 mm mean camera error and 0.48° (191 CPU s); with known K, 2.6 mm and 0.03°.
`);
