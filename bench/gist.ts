/**
 * Micro-benchmark of the gist encoder on one core: ms per descriptor for the colour, gray and LEAR settings, the
 * WebAssembly SIMD path beside the scalar JavaScript path (`{ scalar: true }`) and sharp's decode of the same
 * photo, all in the same run with the runs interleaved, so the ratios hold on a loaded machine even when the
 * absolute times do not. Also the prefilter and one 320×320 complex FFT for scale. Writes bench/gist.md.
 *
 *   node --import tsx bench/gist.ts [--runs 15] [--photo ../shared/data/geotagged-penn-campus/images/img_00000.jpg]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createImage, type Image } from '../src/core/image.ts';
import { DEFAULT_GIST, LEAR_GIST, gistDescriptor, type GistParams } from '../src/encoders/gist.ts';
import { fft2d } from '../src/imgproc/fft.ts';
import { gistPrefilter } from '../src/imgproc/prefilter.ts';
import { decodeImage } from '../src/io/decode.ts';
import { machineLine, median, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    photo: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/geotagged-penn-campus/images/img_00000.jpg') },
  },
});
const runs = Math.max(3, Number(values.runs));

/** [min, median] of wall ms and the min CPU ms of this thread (user + system), for each function, interleaved run by run. */
type Timing = [number, number, number];

async function timeAll(fns: Array<() => unknown>): Promise<Timing[]> {
  for (const fn of fns) await fn();
  const ms = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++)
    for (let f = 0; f < fns.length; f++) {
      const c = process.cpuUsage();
      const t = performance.now();
      await fns[f]();
      ms[f].push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu[f].push((d.user + d.system) / 1000);
    }
  return fns.map((_, f) => [Math.min(...ms[f]), median(ms[f]), Math.min(...cpu[f])]);
}

let buffer: Buffer | undefined;
let photo: Image;
if (fs.existsSync(values.photo)) {
  buffer = fs.readFileSync(values.photo);
  photo = (await decodeImage(buffer, { minSide: 256 })).image;
} else {
  console.error(`bench:gist: ${values.photo} not found, using a synthetic 256×341 image (no decode baseline)`);
  photo = createImage(256, 341, 3);
  for (let i = 0; i < photo.data.length; i++) photo.data[i] = 0.5 + 0.4 * Math.sin(i * 0.013) * Math.cos(i * 0.0007);
}

const lines: string[] = [];
const out = (s: string): void => {
  console.log(s);
  lines.push(s);
};
out('# Gist benchmark');
out('');
out(`Date: ${today()}. Machine: ${machineLine()}. One thread.`);
out(`Photo: ${path.relative(path.resolve(import.meta.dirname, '..'), values.photo)} (${photo.width}×${photo.height} after decode), ${runs} interleaved runs after one warm-up.`);
out('Reproduce: `npm run bench:gist`. Ratios are against rows measured in the same run (the machine may be shared).');
out('');
const [decode] = buffer ? await timeAll([() => decodeImage(buffer, { minSide: 256 })]) : [[NaN, NaN, NaN] as Timing];
out(`Baseline: sharp decode with shrink-on-load to a 256 px shorter side, ${decode[1].toFixed(2)} ms median wall, ${decode[2].toFixed(2)} ms min CPU.`);
out('');
out('| setting | path | min ms | median ms | min CPU ms | × sharp decode (CPU) | SIMD speed-up (CPU) | max relative difference from scalar |');
out('|---|---|---|---|---|---|---|---|');
const settings: Array<[string, GistParams]> = [
  ['gist colour 1536-D (LMgist 8/8/8/8)', DEFAULT_GIST],
  ['gist gray 512-D', { ...DEFAULT_GIST, color: false }],
  ['gist-lear colour 960-D (8/8/4)', LEAR_GIST],
];
for (const [what, params] of settings) {
  const [scalar, simd] = await timeAll([() => gistDescriptor(photo, params, { scalar: true }), () => gistDescriptor(photo, params)]);
  const a = gistDescriptor(photo, params, { scalar: true });
  const b = gistDescriptor(photo, params);
  const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(v), 1e-12)));
  for (const [label, t, d] of [['scalar JS (f64, the reference)', scalar, '0'], ['WebAssembly SIMD (prefilter f64, filters f32)', simd, diff.toExponential(1)]] as const)
    out(`| ${what} | ${label} | ${t[0].toFixed(1)} | ${t[1].toFixed(1)} | ${t[2].toFixed(1)} | ${(t[2] / decode[2]).toFixed(1)} | ${(scalar[2] / t[2]).toFixed(2)} | ${d} |`);
}
const planes = [0, 1, 2].map(() => new Float64Array(256 * 256));
const re = new Float64Array(320 * 320);
const im = new Float64Array(320 * 320);
const fill = (): void => {
  for (const p of planes) for (let i = 0; i < p.length; i++) p[i] = 128 + 100 * Math.sin(i * 0.01);
};
const [preFft, preSimd, fft] = await timeAll([
  () => {
    fill();
    gistPrefilter(planes, 256, 4, { scalar: true });
  },
  () => {
    fill();
    gistPrefilter(planes, 256, 4);
  },
  () => fft2d(re, im, 320, 320, false),
]);
const row = (what: string, how: string, t: Timing, speedUp = ''): void =>
  out(`| ${what} | ${how} | ${t[0].toFixed(1)} | ${t[1].toFixed(1)} | ${t[2].toFixed(1)} | ${(t[2] / decode[2]).toFixed(1)} | ${speedUp} | |`);
row('prefilter, 3 channels', 'scalar JS, 266-point FFTs', preFft);
row('prefilter, 3 channels', 'WebAssembly SIMD, low-rank f64 products', preSimd, (preFft[2] / preSimd[2]).toFixed(2));
row('one complex 320×320 FFT', 'scalar JS', fft);
fs.writeFileSync(path.resolve(import.meta.dirname, 'gist.md'), lines.join('\n') + '\n');
