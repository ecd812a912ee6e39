/**
 * The million-photo stress corpus of `npm run bench:scale`: every real photo of ../shared/data, then
 * seeded variants of them (a random crop of 55–100 % of each side, a mirror flip half the time, and a
 * rescale to a shorter side of 48–128 px) until the target count is reached. Variant v of every photo
 * goes into shard v (`shard-000.tar` holds the photos themselves), so the first 10k or 100k photos of
 * the corpus are mostly real. Shards are plain ustar files written once, each finished by a rename, so
 * an interrupted build resumes at the first missing shard.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { listSources } from '../src/io/sources.ts';
import { Rng } from '../src/core/rng.ts';

/** The real photo sources of ../shared/data used for the corpus (photos with GPS keep it in the store). */
export const CORPUS_SOURCES = [
  'world-streetview/images',
  'intel-scenes/train.tar.gz',
  'bsds500/train.tar',
  'ot8-64px/images.tar.gz',
  'geotagged-europe-trips',
  'geotagged-penn-campus',
  'cifar10/train.tar.gz',
  'cifar10/test.tar.gz',
];

/** Shorter side of the photos as stored in shard 0 (larger photos are shrunk; small ones kept). */
const BASE_SIDE = 160;

export interface CorpusShard {
  file: string;
  variant: number;
  photos: number;
}

/**
 * Builds (or finds) the shards that hold at least `target` photos.
 * @param dataDir ../shared/data
 * @param outDir where the shards go (outside the repository; several GB at 1M photos)
 */
export async function buildScaleCorpus(dataDir: string, outDir: string, target: number, log: (line: string) => void): Promise<CorpusShard[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, 'shard-000.tar');
  const shards: CorpusShard[] = [];
  if (!fs.existsSync(base)) {
    await writeShard(base, log, async (add) => {
      for (const source of CORPUS_SOURCES) {
        const input = path.join(dataDir, source);
        if (!fs.existsSync(input)) continue;
        const set = source.split('/')[0];
        // world-streetview's positions are in photos.csv: written into the copies' EXIF, so every
        // geotagged photo of the corpus carries its GPS the way a phone photo does.
        const gps = set === 'world-streetview' ? streetviewPositions(path.join(dataDir, 'world-streetview/photos.csv')) : undefined;
        for await (const item of listSources([input])) {
          let bytes: Buffer;
          try {
            bytes = item.read();
          } catch {
            continue;
          }
          const at = gps?.get(path.posix.basename(item.relPath));
          let p = sharp(bytes, { failOn: 'truncated' }).rotate().resize({ width: BASE_SIDE, height: BASE_SIDE, fit: 'outside', withoutEnlargement: true });
          p = at ? p.withExif({ IFD3: gpsExif(at.latitude, at.longitude) }) : p.keepExif();
          const small = await p.jpeg({ quality: 90 }).toBuffer().catch(() => null);
          if (small) add(`${set}/${item.relPath.replace(/[^A-Za-z0-9._/-]/g, '_')}`, small);
        }
      }
    });
  }
  const names = tarNames(base);
  shards.push({ file: base, variant: 0, photos: names.length });
  for (let v = 1; shards.reduce((s, x) => s + x.photos, 0) < target; v++) {
    const file = path.join(outDir, `shard-${String(v).padStart(3, '0')}.tar`);
    if (!fs.existsSync(file)) await writeShard(file, log, (add) => writeVariants(base, v, add));
    shards.push({ file, variant: v, photos: names.length });
  }
  return shards;
}

async function writeVariants(base: string, variant: number, add: (name: string, bytes: Buffer) => void): Promise<void> {
  const rng = new Rng(0x5ca1e + variant * 7919);
  const pending: Promise<void>[] = [];
  for await (const item of listSources([base])) {
    const bytes = item.read();
    const r = [rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next()];
    const name = item.relPath.replace(/\.jpe?g$/i, '') + `~v${variant}.jpg`;
    pending.push(variantOf(bytes, r).then((b) => add(name, b)));
    // sharp works in libuv's threads: a few at a time keeps both cores busy.
    if (pending.length >= 8) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

/** One seeded crop, flip and rescale of a photo, as JPEG. */
async function variantOf(bytes: Buffer, r: number[]): Promise<Buffer> {
  const meta = await sharp(bytes).metadata();
  const w = meta.width ?? 1;
  const h = meta.height ?? 1;
  const cw = Math.max(8, Math.round(w * (0.55 + 0.45 * r[0])));
  const ch = Math.max(8, Math.round(h * (0.55 + 0.45 * r[1])));
  const left = Math.floor((w - cw) * r[2]);
  const top = Math.floor((h - ch) * r[3]);
  const side = Math.round(48 + 80 * r[4]);
  let p = sharp(bytes).keepExif().extract({ left, top, width: Math.min(cw, w - left), height: Math.min(ch, h - top) });
  if (r[5] < 0.5) p = p.flop();
  return p.resize({ width: side, height: side, fit: 'outside' }).jpeg({ quality: 85 }).toBuffer();
}

/** Writes a ustar archive through `fill`, then renames it into place (a killed build leaves no half shard). */
async function writeShard(file: string, log: (line: string) => void, fill: (add: (name: string, bytes: Buffer) => void) => Promise<void>): Promise<void> {
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  let count = 0;
  const started = Date.now();
  try {
    await fill((name, bytes) => {
      fs.writeSync(fd, ustarHeader(name, bytes.length));
      fs.writeSync(fd, bytes);
      const pad = (512 - (bytes.length % 512)) % 512;
      if (pad) fs.writeSync(fd, Buffer.alloc(pad));
      if (++count % 20_000 === 0) log(`  ${path.basename(file)}: ${count} photos, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });
    fs.writeSync(fd, Buffer.alloc(1024));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  log(`  ${path.basename(file)}: ${count} photos in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function ustarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`member name too long for ustar: ${name}`);
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148); // checksum field counts as spaces while summing
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function tarNames(file: string): string[] {
  const fd = fs.openSync(file, 'r');
  const names: string[] = [];
  try {
    const size = fs.fstatSync(fd).size;
    const header = Buffer.alloc(512);
    for (let off = 0; off + 512 <= size; ) {
      fs.readSync(fd, header, 0, 512, off);
      if (header[0] === 0) break;
      names.push(header.toString('utf8', 0, header.indexOf(0) < 100 ? header.indexOf(0) : 100));
      const bytes = parseInt(header.toString('ascii', 124, 135), 8);
      off += 512 + Math.ceil(bytes / 512) * 512;
    }
  } finally {
    fs.closeSync(fd);
  }
  return names;
}

function streetviewPositions(csv: string): Map<string, { latitude: number; longitude: number }> {
  const out = new Map<string, { latitude: number; longitude: number }>();
  if (!fs.existsSync(csv)) return out;
  for (const line of fs.readFileSync(csv, 'utf8').split(/\r?\n/).slice(1)) {
    const [file, lat, lon] = line.split(',');
    if (file && Number.isFinite(Number(lat)) && Number.isFinite(Number(lon))) out.set(file, { latitude: Number(lat), longitude: Number(lon) });
  }
  return out;
}

/** EXIF GPS IFD strings (degrees, minutes, seconds as rationals) for a position. */
function gpsExif(latitude: number, longitude: number): Record<string, string> {
  const dms = (v: number) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
    return `${d}/1 ${m}/1 ${s}/10000`;
  };
  return { GPSLatitudeRef: latitude < 0 ? 'S' : 'N', GPSLatitude: dms(latitude), GPSLongitudeRef: longitude < 0 ? 'W' : 'E', GPSLongitude: dms(longitude) };
}
