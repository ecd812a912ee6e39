/**
 * COLMAP 3.8 (Debian's `colmap`, CPU) on the same photos as a Deja bench run: feature_extractor,
 * exhaustive_matcher and mapper with one shared camera, then model_converter to text so that
 * `deja eval sfm` scores both the same way. Seconds are wall and CPU (user + system of the colmap
 * processes, from bash's `times`), per stage.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Whether a `colmap` binary is on PATH. */
export function hasColmap(): boolean {
  return spawnSync('colmap', ['help'], { stdio: 'ignore' }).status === 0;
}

/** One stage's wall and CPU seconds. */
export interface ColmapStage {
  seconds: number;
  cpuSeconds: number;
}

/** What one COLMAP run produced: its text model folder (null when it registered nothing) and the numbers its analyzer prints. */
export interface ColmapRun {
  model: string | null;
  registered: number;
  points: number;
  meanTrackLength: number;
  meanReprojectionError: number;
  stages: { features: ColmapStage; matching: ColmapStage; mapping: ColmapStage };
}

/** Runs one colmap command under bash, returning its output and the children's CPU seconds (bash `times`). */
function colmap(args: string[], threads: number): { output: string } & ColmapStage {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const start = performance.now();
  const r = spawnSync('bash', ['-c', `colmap ${quoted} >&2; s=$?; times; exit $s`], {
    encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`colmap ${args[0]} failed (exit ${r.status}): ${r.stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`);
  // `times` prints two lines: the shell's user/sys, then its children's, as 0m1.234s 0m0.123s.
  const children = r.stdout.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + 60 * Number(m[1]) + Number(m[2]), 0);
  return { output: r.stderr, seconds, cpuSeconds };
}

/**
 * Copies the photos of `folder`, shrunk to a longer side of `maxSize` (as `deja reconstruct` shrinks
 * them in memory), under their own names into `dest` (EXIF kept with `keepExif`, for COLMAP's focal prior), and returns the scale of the last (the scenes
 * here hold photos of one size).
 */
export async function shrunkCopies(folder: string, dest: string, maxSize: number, keepExif = false): Promise<number> {
  fs.mkdirSync(dest, { recursive: true });
  let scale = 1;
  for (const name of fs.readdirSync(folder).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) {
    const image = sharp(path.join(folder, name));
    const { width = 0, height = 0 } = await image.metadata();
    scale = Math.min(1, maxSize / Math.max(width, height));
    const resized = image.resize(Math.round(width * scale), Math.round(height * scale));
    await (keepExif ? resized.withMetadata() : resized).jpeg({ quality: 100 }).toFile(path.join(dest, name));
  }
  return scale;
}

/**
 * COLMAP's sparse pipeline on a folder of photos. With `K` (fx, fy, cx, cy at the copies' size) the
 * camera is PINHOLE and held fixed in bundle adjustment; without it SIMPLE_RADIAL, refined; one shared
 * camera, or with `perImageCameras` one per photo (`--ImageReader.single_camera 0`, f from EXIF).
 */
export function runColmap(images: string, work: string, options: { threads: number; K?: [number, number, number, number]; perImageCameras?: boolean }): ColmapRun {
  fs.mkdirSync(work, { recursive: true });
  const db = path.join(work, 'database.db'), sparse = path.join(work, 'sparse'), txt = path.join(work, 'text');
  fs.mkdirSync(sparse, { recursive: true });
  const t = String(options.threads);
  const camera = options.K
    ? ['--ImageReader.camera_model', 'PINHOLE', '--ImageReader.camera_params', options.K.join(',')]
    : ['--ImageReader.camera_model', 'SIMPLE_RADIAL'];
  const features = colmap(['feature_extractor', '--database_path', db, '--image_path', images, '--ImageReader.single_camera', options.perImageCameras ? '0' : '1', ...camera, '--SiftExtraction.use_gpu', '0', '--SiftExtraction.num_threads', t], options.threads);
  const matching = colmap(['exhaustive_matcher', '--database_path', db, '--SiftMatching.use_gpu', '0', '--SiftMatching.num_threads', t], options.threads);
  const fixed = options.K ? ['--Mapper.ba_refine_focal_length', '0', '--Mapper.ba_refine_principal_point', '0', '--Mapper.ba_refine_extra_params', '0'] : [];
  const mapping = colmap(['mapper', '--database_path', db, '--image_path', images, '--output_path', sparse, '--Mapper.num_threads', t, ...fixed], options.threads);
  const stages = { features: strip(features), matching: strip(matching), mapping: strip(mapping) };
  // The mapper writes one numbered folder per model; the first is the largest.
  const models = fs.readdirSync(sparse).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  if (models.length === 0) return { model: null, registered: 0, points: 0, meanTrackLength: 0, meanReprojectionError: NaN, stages };
  fs.mkdirSync(txt, { recursive: true });
  colmap(['model_converter', '--input_path', path.join(sparse, models[0]), '--output_path', txt, '--output_type', 'TXT'], 1);
  const analysis = colmap(['model_analyzer', '--path', path.join(sparse, models[0])], 1).output;
  const number = (label: string) => Number(new RegExp(`${label}:\\s*([\\d.]+)`).exec(analysis)?.[1] ?? NaN);
  return {
    model: txt, registered: number('Registered images'), points: number('Points'),
    meanTrackLength: number('Mean track length'), meanReprojectionError: number('Mean reprojection error'), stages,
  };
}

const strip = (s: ColmapStage): ColmapStage => ({ seconds: s.seconds, cpuSeconds: s.cpuSeconds });
