/**
 * COLMAP's text model (cameras.txt, images.txt, points3D.txt; colmap.github.io/format.html) and a
 * binary PLY of the points: written all or nothing into an output folder, and read back. Pixel
 * coordinates are COLMAP's: (0.5, 0.5) is the centre of the top-left pixel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { writeOutputFolder } from './outputFolder.ts';

/** One camera: COLMAP's model name (SIMPLE_RADIAL: f, cx, cy, k; PINHOLE: fx, fy, cx, cy) and parameters. */
export interface ColmapCamera {
  id: number;
  model: string;
  width: number;
  height: number;
  params: number[];
}

/** One registered image: camFromWorld as qvec (w, x, y, z) and tvec, its camera, name and 2D points. */
export interface ColmapImage {
  id: number;
  qvec: number[];
  tvec: number[];
  cameraId: number;
  name: string;
  /** `2 * n` pixel coordinates (COLMAP's convention). */
  xy: Float64Array;
  /** n ids of the 3D point each 2D point observes, −1 for none. */
  point3DIds: Int32Array;
}

/** One 3D point with its colour, mean reprojection error (pixels) and track (image id, 2D point index pairs). */
export interface ColmapPoint {
  id: number;
  xyz: number[];
  rgb: number[];
  error: number;
  /** `2 * length` values: image id, point2D index. */
  track: Int32Array;
}

export interface ColmapTextModel {
  cameras: ColmapCamera[];
  images: ColmapImage[];
  points: ColmapPoint[];
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(17))));

/**
 * The three text files of a model, as COLMAP writes them (header comments, one line per camera,
 * two per image, one per point).
 *
 * @example const { 'cameras.txt': cameras } = colmapTextFiles(model);
 */
export function colmapTextFiles(model: ColmapTextModel): Record<'cameras.txt' | 'images.txt' | 'points3D.txt', string> {
  const cams = [
    '# Camera list with one line of data per camera:', '#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]', `# Number of cameras: ${model.cameras.length}`,
    ...model.cameras.map((c) => [c.id, c.model, c.width, c.height, ...c.params.map(num)].join(' ')),
  ];
  const observations = model.images.reduce((s, im) => s + im.point3DIds.filter((p) => p >= 0).length, 0);
  const ims = [
    '# Image list with two lines of data per image:', '#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME', '#   POINTS2D[] as (X, Y, POINT3D_ID)',
    `# Number of images: ${model.images.length}, mean observations per image: ${num(model.images.length ? observations / model.images.length : 0)}`,
  ];
  for (const im of model.images) {
    ims.push([im.id, ...im.qvec.map(num), ...im.tvec.map(num), im.cameraId, im.name].join(' '));
    const parts: string[] = [];
    for (let k = 0; k < im.point3DIds.length; k++) parts.push(`${num(im.xy[2 * k])} ${num(im.xy[2 * k + 1])} ${im.point3DIds[k]}`);
    ims.push(parts.join(' '));
  }
  const trackLength = model.points.reduce((s, p) => s + p.track.length / 2, 0);
  const pts = [
    '# 3D point list with one line of data per point:', '#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)',
    `# Number of points: ${model.points.length}, mean track length: ${num(model.points.length ? trackLength / model.points.length : 0)}`,
    ...model.points.map((p) => [p.id, ...p.xyz.map(num), ...p.rgb, num(p.error), ...p.track].join(' ')),
  ];
  return { 'cameras.txt': `${cams.join('\n')}\n`, 'images.txt': `${ims.join('\n')}\n`, 'points3D.txt': `${pts.join('\n')}\n` };
}

/**
 * A binary little-endian PLY of points: x, y, z as float32, then red, green, blue as uchar.
 *
 * @param xyz - `3 * n` values.
 * @param rgb - `3 * n` bytes (default mid-gray).
 */
export function plyBytes(xyz: ArrayLike<number>, rgb?: ArrayLike<number>): Buffer {
  const n = xyz.length / 3;
  const header = Buffer.from(`ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n`, 'ascii');
  const body = Buffer.alloc(15 * n);
  for (let k = 0; k < n; k++) {
    for (let d = 0; d < 3; d++) body.writeFloatLE(xyz[3 * k + d], 15 * k + 4 * d);
    for (let d = 0; d < 3; d++) body.writeUInt8(rgb ? rgb[3 * k + d] : 128, 15 * k + 12 + d);
  }
  return Buffer.concat([header, body]);
}

/**
 * Writes cameras.txt, images.txt, points3D.txt and points.ply into `out` (created when missing; all or nothing),
 * with any `extra` files beside them (e.g. topview.png) in the same all-or-nothing step.
 *
 * @param extra - more files by bare name.
 * @returns the absolute paths written.
 * @example await writeColmapModel('out/sparse', model, { 'topview.png': png });
 */
export async function writeColmapModel(out: string, model: ColmapTextModel, extra: Record<string, Buffer> = {}): Promise<string[]> {
  const files = { ...colmapModelBytes(model), ...extra };
  return writeOutputFolder(out, async (add) => {
    for (const [name, bytes] of Object.entries(files)) add(name, bytes);
  });
}

/**
 * The model's files as bytes, by name (cameras.txt, images.txt, points3D.txt, points.ply): for a
 * caller that keeps them elsewhere than a folder (the server's job files).
 *
 * @example for (const [name, bytes] of Object.entries(colmapModelBytes(model))) job.saveFile(name, bytes);
 */
export function colmapModelBytes(model: ColmapTextModel): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [name, text] of Object.entries(colmapTextFiles(model))) files[name] = Buffer.from(text, 'utf8');
  files['points.ply'] = plyBytes(model.points.flatMap((p) => p.xyz), model.points.flatMap((p) => p.rgb));
  return files;
}

const dataLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

/**
 * Reads the cameras and images of a COLMAP text model (points3D.txt is not needed for evaluation and
 * is not read; the images' 2D points are).
 *
 * @throws DejaError NOT_FOUND (no cameras.txt or images.txt in dir), BAD_ARGUMENT (a malformed line).
 */
export function readColmapModel(dir: string): Omit<ColmapTextModel, 'points'> {
  const read = (name: string) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new DejaError('NOT_FOUND', `no ${name} in the model folder`, { file: dir, hint: 'pass the folder deja reconstruct --out wrote (COLMAP text format)' });
    return fs.readFileSync(file, 'utf8');
  };
  const bad = (name: string, line: string) => new DejaError('BAD_ARGUMENT', `malformed line in ${name}: "${line.slice(0, 60)}"`, { file: path.join(dir, name) });
  const cameras = dataLines(read('cameras.txt')).map((line) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) throw bad('cameras.txt', line);
    return { id: Number(f[0]), model: f[1], width: Number(f[2]), height: Number(f[3]), params: f.slice(4).map(Number) };
  });
  const lines = read('images.txt').split('\n').filter((l) => !l.startsWith('#'));
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop();
  const images: ColmapImage[] = [];
  for (let k = 0; k + 1 <= lines.length; k += 2) {
    const f = lines[k].trim().split(/\s+/);
    if (f.length < 10 || f.slice(0, 9).some((x) => !Number.isFinite(Number(x)))) throw bad('images.txt', lines[k]);
    const p = (lines[k + 1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
    const n = Math.floor(p.length / 3);
    images.push({
      id: Number(f[0]), qvec: f.slice(1, 5).map(Number), tvec: f.slice(5, 8).map(Number), cameraId: Number(f[8]), name: f.slice(9).join(' '),
      xy: Float64Array.from({ length: 2 * n }, (_, i) => p[3 * (i >> 1) + (i & 1)]), point3DIds: Int32Array.from({ length: n }, (_, i) => p[3 * i + 2]),
    });
  }
  return { cameras, images };
}
