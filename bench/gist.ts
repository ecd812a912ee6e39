/**
 * Micro-benchmark of the gist encoder on one core: ms per descriptor (min and median wall time, min CPU time) for the
 * colour, gray and LEAR settings, with the prefilter and one 320×320 complex FFT for scale.
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
import { decodeFile } from '../src/io/decode.ts';
import { machineLine, median } from './machine.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    photo: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/geotagged-penn-campus/images/img_00000.jpg') },
  },
});
const runs = Math.max(3, Number(values.runs));

async function loadPhoto(): Promise<Image> {
  if (fs.existsSync(values.photo)) return (await decodeFile(values.photo, { minSide: 256 })).image;
  console.error(`bench:gist: ${values.photo} not found, using a synthetic 256×341 image`);
  const img = createImage(256, 341, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = 0.5 + 0.4 * Math.sin(i * 0.013) * Math.cos(i * 0.0007);
  return img;
}

/**
 * Runs fn once to warm up, then `runs` times; returns [min, median] wall ms and the min CPU ms of this thread
 * (user + system), which stays close to the one-core cost when other processes share the machine.
 */
function time(fn: () => void): [number, number, number] {
  fn();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return [Math.min(...ms), median(ms), Math.min(...cpu)];
}

const photo = await loadPhoto();
console.log(`# gist on one core — ${machineLine()}`);
console.log(`photo ${photo.width}×${photo.height}, ${runs} runs after one warm-up\n`);
console.log('| what | min ms | median ms | min CPU ms |');
console.log('|---|---|---|---|');
const row = (what: string, [lo, mid, cpu]: [number, number, number]): void =>
  console.log(`| ${what} | ${lo.toFixed(1)} | ${mid.toFixed(1)} | ${cpu.toFixed(1)} |`);
const settings: Array<[string, GistParams]> = [
  ['gist colour 1536-D (LMgist 8/8/8/8)', DEFAULT_GIST],
  ['gist gray 512-D', { ...DEFAULT_GIST, color: false }],
  ['gist-lear colour 960-D (8/8/4)', LEAR_GIST],
];
for (const [what, params] of settings) row(what, time(() => gistDescriptor(photo, params)));
const planes = [0, 1, 2].map(() => new Float64Array(256 * 256));
row('prefilter, 3 channels (266² transforms)', time(() => {
  for (const p of planes) for (let i = 0; i < p.length; i++) p[i] = 128 + 100 * Math.sin(i * 0.01);
  gistPrefilter(planes, 256, 4);
}));
const re = new Float64Array(320 * 320);
const im = new Float64Array(320 * 320);
row('one complex 320×320 FFT', time(() => fft2d(re, im, 320, 320, false)));
