import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { createImage, toRgb, type Image } from '../core/image.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { rgbToLab } from '../imgproc/color.ts';
import { resize } from '../imgproc/resample.ts';
import { decodeFile, decodeImage } from '../io/decode.ts';
import { writeImage } from '../io/encode.ts';
import { contactSheet } from '../io/sheet.ts';
import { createEncoderResolved, parseEncoderSpec } from '../encoders/factory.ts';
import { DEFAULT_GIST, gistCellWeights } from '../encoders/gist.ts';
import type { Collection, DescriptorMatrix } from '../store/collection.ts';
import { upToDateIndex } from '../store/vectorIndexCache.ts';
import { checkMask } from '../decoders/complete/checkMask.ts';
import { bandRadius } from '../decoders/complete/contextBand.ts';
import { completeFromScenes, type SceneCandidate } from '../decoders/complete/completeFromScenes.ts';
import { combineSceneDistances, labThumbnail, smallest, thumbnailDistance, weightedDistances } from '../decoders/complete/sceneMatch.ts';
import { diffusionFill } from '../decoders/complete/diffusionFill.ts';
import { textureSynthesis } from '../decoders/complete/textureSynthesis.ts';
import { collectionImage } from './photoImage.ts';

/** Options of `deja complete`, validated once at the boundary. */
export const CompleteOptions = z.object({
  mask: z.string().min(1).describe('Hole mask file (white = missing), the photo\'s size.'),
  method: z.enum(['scene', 'diffusion', 'texture']).default('scene').describe('`scene` (Hays & Efros 2007), or the baselines `diffusion` (membrane fill) and `texture` (Efros & Leung 1999).'),
  k: z.number().int().min(1).max(200).default(20).describe('Completions returned, best first (scene: the top k of the ranking; texture: k seeds, at most 5; diffusion: 1).'),
  scenes: z.number().int().min(1).max(2000).default(200).describe('Scenes kept by scene matching for context matching (§3: the 200 nearest).'),
  encoder: z.string().default('gist').describe('Scene-matching gist encoder stored in the collection.'),
  gistWeight: z.number().min(0).default(2).describe('Gist vs colour-thumbnail weights of the scene distance (§3: about 2:1).'),
  colorWeight: z.number().min(0).default(1),
  maxSide: z.number().int().min(32).max(4096).default(480).describe('Working resolution: photos with a longer shorter side are shrunk to this (pixels).'),
  seed: z.number().int().min(0).default(1).describe('Seed of the texture baseline.'),
  out: z.string().optional().describe('Output folder for the completions and their grid image (omit to write nothing).'),
  approximateAbove: z.number().int().min(1).default(50_000).describe('Collections with more scenes than this pick scene candidates with the HNSW index before the exact masked re-rank.'),
});
export type CompleteOptions = z.input<typeof CompleteOptions>;

/** One completion as `deja complete --json` reports it. */
export interface CompletionResult {
  rank: number;
  /** Source photo of the fill (scene method only). */
  source: { id: number; path: string } | null;
  /** Scene placement: query (x, y) takes the source resized by `factor` at (x + dx, y + dy). */
  placement: { scale: number; factor: number; dx: number; dy: number } | null;
  /** Raw cost terms (scene: masked gist + colour; context: L*a*b* + texture SSD per band pixel; seam: graph-cut cost). */
  terms: { scene: number; context: number; contextColor: number; contextTexture: number; seam: number } | null;
  normalised: { scene: number; context: number; seam: number } | null;
  score: number | null;
  file: string | null;
}

export interface CompleteReport {
  photo: string;
  mask: string;
  method: 'scene' | 'diffusion' | 'texture';
  width: number;
  height: number;
  holeFraction: number;
  bandRadius: number;
  /** Scenes considered (collection size after filtering) and kept by scene matching. */
  collectionSize: number;
  scenesMatched: number;
  warnings: string[];
  results: CompletionResult[];
  grid: string | null;
  seconds: number;
}

/** Library-level options for `completeImage` (the action's options minus file names). */
export type CompleteImageOptions = Omit<z.output<typeof CompleteOptions>, 'mask' | 'out' | 'maxSide'> & {
  /** Keep only these collection photos as scene candidates (the benchmark's collection sizes and held-out queries). */
  photoFilter?: (id: number) => boolean;
};

/** A completion with its pixels. */
export interface CompletedImage {
  image: Image;
  result: Omit<CompletionResult, 'rank' | 'file'>;
}

/** Options of a completion whose photo and mask arrive as bytes (the HTTP API): no file names. */
export const CompleteUploadOptions = CompleteOptions.omit({ mask: true, out: true });
export type CompleteUploadOptions = z.input<typeof CompleteUploadOptions>;

/** A completion with everything a caller needs to show it: the working photo, its hole and the results. */
export interface CompleteOutcome {
  report: Omit<CompleteReport, 'photo' | 'mask' | 'grid'>;
  image: Image;
  mask: Uint8Array;
  completions: CompletedImage[];
}

/**
 * Completes a photo file: loads photo and mask, checks them, fills the hole with the chosen method and,
 * with `out`, writes `completion-01.png…` (ranked) and `grid.jpg` (query with the hole, then the completions).
 * Files are written to a temporary folder first and moved into place only when all succeeded.
 * @throws DejaError for a mask of another size, an empty or all-white mask, a tiny photo, an empty
 *   collection or one without the gist descriptors (scene method)
 */
export async function completePhoto(collection: Collection | null, photo: string, rawOptions: CompleteOptions, progress: Progress = silentProgress): Promise<CompleteReport> {
  const options = CompleteOptions.parse(rawOptions);
  const started = Date.now();
  const decodedPhoto = (await decodeFile(photo)).image;
  const decodedMask = (await decodeFile(options.mask, { gray: true })).image;
  const outcome = await completeWithMask(collection, decodedPhoto, decodedMask, options.mask, options, progress);
  const results = outcome.report.results;
  let grid: string | null = null;
  if (options.out) {
    const names = await writeOutputs(options.out, outcome.image, outcome.mask, outcome.completions, photo, options.method);
    names.files.forEach((f, i) => (results[i].file = f));
    grid = names.grid;
  }
  return { photo: path.resolve(photo), mask: path.resolve(options.mask), ...outcome.report, grid, seconds: (Date.now() - started) / 1000 };
}

/**
 * Decodes an uploaded photo and mask and checks that their sizes agree (cheap: call it before
 * queueing the work, so a wrong mask is refused at once).
 * @throws DejaError NOT_AN_IMAGE / CORRUPT_IMAGE / TOO_MANY_PIXELS for either upload, BAD_ARGUMENT for a mask of another size
 */
export async function decodePhotoAndMask(
  photo: { bytes: Buffer; name: string },
  mask: { bytes: Buffer; name: string },
  pixelLimit?: number,
): Promise<{ photo: Image; mask: Image; maskName: string }> {
  const image = (await decodeImage(photo.bytes, { name: photo.name, pixelLimit })).image;
  const maskImage = (await decodeImage(mask.bytes, { name: mask.name, gray: true, pixelLimit })).image;
  checkMaskSize(image, maskImage, mask.name);
  return { photo: image, mask: maskImage, maskName: mask.name };
}

/**
 * Completes a decoded photo with its mask image (from `decodePhotoAndMask`): the library function
 * behind the HTTP API's completions.
 */
export async function completeDecoded(
  collection: Collection | null,
  decoded: { photo: Image; mask: Image; maskName: string },
  rawOptions: CompleteUploadOptions,
  progress: Progress = silentProgress,
): Promise<CompleteOutcome> {
  return completeWithMask(collection, decoded.photo, decoded.mask, decoded.maskName, CompleteUploadOptions.parse(rawOptions), progress);
}

/** @throws DejaError BAD_ARGUMENT when the mask's size differs from the photo's */
export function checkMaskSize(photo: Image, maskImage: Image, maskFile: string): void {
  const { width: w, height: h } = photo;
  if (maskImage.width !== w || maskImage.height !== h)
    throw new DejaError('BAD_ARGUMENT', `mask is ${maskImage.width}x${maskImage.height} but the photo is ${w}x${h}`, {
      file: maskFile,
      hint: `make a ${w}x${h} mask (white = hole)`,
    });
}

async function completeWithMask(
  collection: Collection | null,
  photo: Image,
  maskImage: Image,
  maskName: string,
  options: z.output<typeof CompleteUploadOptions>,
  progress: Progress,
): Promise<CompleteOutcome> {
  const started = Date.now();
  const { image, mask, warnings } = photoAndMask(photo, maskImage, maskName, options.maxSide);
  const completed = await completeImage(collection, image, mask, options, progress, warnings);
  const results: CompletionResult[] = completed.results.map((c, i) => ({ rank: i + 1, ...c.result, file: null }));
  let hole = 0;
  for (let i = 0; i < mask.length; i++) hole += mask[i];
  return {
    image,
    mask,
    completions: completed.results,
    report: {
      method: options.method,
      width: image.width,
      height: image.height,
      holeFraction: hole / mask.length,
      bandRadius: bandRadius(image.width, image.height),
      collectionSize: completed.collectionSize,
      scenesMatched: completed.scenesMatched,
      warnings,
      results,
      seconds: (Date.now() - started) / 1000,
    },
  };
}

/** Checks the mask's size against the photo, shrinks both to the working resolution, binarises the mask. */
function photoAndMask(photo: Image, maskImage: Image, maskFile: string, maxSide: number): { image: Image; mask: Uint8Array; warnings: string[] } {
  checkMaskSize(photo, maskImage, maskFile);
  const { width: w, height: h } = photo;
  const f = Math.min(1, maxSide / Math.min(w, h));
  const tw = Math.max(1, Math.round(w * f));
  const th = Math.max(1, Math.round(h * f));
  const image = f < 1 ? resize(photo, tw, th) : photo;
  const small = f < 1 ? resize(maskImage, tw, th) : maskImage;
  const mask = new Uint8Array(tw * th);
  for (let i = 0; i < mask.length; i++) mask[i] = small.data[i] >= 0.5 ? 1 : 0;
  const warnings = checkMask(mask, tw, th, maskFile);
  if (f < 1) warnings.unshift(`working at ${tw}x${th} (photo is ${w}x${h}; --max-side ${maxSide})`);
  return { image, mask, warnings };
}

/**
 * Fills the hole of an in-memory photo with one method; the library function behind `deja complete`
 * and the benchmark.
 * @param collection needed by the scene method (null is fine for the baselines)
 * @param mask `w*h`, 1 = hole (checked with `checkMask`)
 */
export async function completeImage(
  collection: Collection | null,
  image: Image,
  mask: Uint8Array,
  options: CompleteImageOptions,
  progress: Progress = silentProgress,
  warnings: string[] = [],
): Promise<{ results: CompletedImage[]; collectionSize: number; scenesMatched: number }> {
  const rgb = toRgb(image);
  if (options.method === 'diffusion') {
    return { results: [{ image: diffusionFill(rgb, mask).image, result: baseline() }], collectionSize: 0, scenesMatched: 0 };
  }
  if (options.method === 'texture') {
    const results: CompletedImage[] = [];
    for (let s = 0; s < Math.min(options.k, 5); s++) results.push({ image: textureSynthesis(rgb, mask, { seed: options.seed + s }).image, result: baseline() });
    return { results, collectionSize: 0, scenesMatched: 0 };
  }
  if (!collection) throw new DejaError('EMPTY_COLLECTION', 'scene completion needs a photo collection', { hint: 'pass --collection <dir> or use --method diffusion|texture' });
  const { scenes, collectionSize } = await matchScenes(collection, rgb, mask, options, progress);
  if (scenes.length === 0) throw new DejaError('EMPTY_COLLECTION', 'no scene of the collection is available for matching', { file: collection.dir, hint: 'add photos with `deja index <photos>`' });
  const nearCopies: number[] = [];
  const completions = completeFromScenes(rgb, mask, scenes, { k: options.k, progress, onNearCopy: (id) => nearCopies.push(id) });
  progress.stop();
  if (nearCopies.length)
    warnings.push(`left out ${nearCopies.length} scene${nearCopies.length > 1 ? 's' : ''} whose context is a copy of the photo's own (photo ${nearCopies.join(', ')}: the photo itself is in the collection)`);
  if (completions.length < options.k) warnings.push(`only ${completions.length} of ${scenes.length} scenes could cover the hole's context`);
  const results = completions.map((c) => ({
    image: c.image,
    result: {
      source: { id: c.id, path: collection.photo(c.id)?.path ?? '' },
      placement: { scale: c.placement.scale, factor: round(c.placement.factor), dx: c.placement.dx, dy: c.placement.dy },
      terms: { scene: round(c.terms.scene), context: round(c.terms.context), contextColor: round(c.placement.colorSsd), contextTexture: round(c.placement.textureSsd), seam: round(c.terms.seam) },
      normalised: { scene: round(c.normalised.scene), context: round(c.normalised.context), seam: round(c.normalised.seam) },
      score: round(c.score),
    },
  }));
  return { results, collectionSize, scenesMatched: scenes.length };
}

function baseline(): Omit<CompletionResult, 'rank' | 'file'> {
  return { source: null, placement: null, terms: null, normalised: null, score: null };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/**
 * Scene matching (§3): masked gist distance to every collection photo (exact; cells weighted by their
 * known fraction, the hole diffusion-filled first so it adds no edges), then the best 3·scenes are
 * decoded and re-ranked with the 2:1 gist + L*a*b* thumbnail distance; the best `scenes` are returned.
 */
async function matchScenes(collection: Collection, image: Image, mask: Uint8Array, options: CompleteImageOptions, progress: Progress): Promise<{ scenes: SceneCandidate[]; collectionSize: number }> {
  if (collection.count() === 0) throw new DejaError('EMPTY_COLLECTION', 'the collection has no photos', { file: collection.dir, hint: 'add some with `deja index <photos>`' });
  const encoder = await createEncoderResolved(options.encoder);
  if (!encoder.name.startsWith('gist')) throw new DejaError('BAD_ARGUMENT', `scene matching needs a gist encoder, not ${encoder.spec}`, { hint: 'pass --encoder gist' });
  if (!collection.encoders().some((e) => e.spec === encoder.spec && e.rows > 0))
    throw new DejaError('NO_DATA', `the collection has no ${encoder.spec} descriptors`, { file: collection.dir, hint: `add them with: deja index --encoders ${encoder.spec} <photos>` });
  const m = collection.descriptorMatrix(encoder.spec);
  const { width: w, height: h } = image;
  const query = await encoder.encode(diffusionFill(image, mask).image);
  const weights = gistWeights(mask, w, h, encoder.spec, encoder.inputSize, m.dim);
  const candidates = sceneCandidates(collection, m, query, options.scenes, options.approximateAbove);
  const rows = candidates.filter((r) => !options.photoFilter || options.photoFilter(m.photoIds[r]));
  const gist = weightedDistances(query, m.data, m.n, m.dim, weights, rows);
  const pre = smallest(gist, Math.min(rows.length, 3 * options.scenes));
  const queryThumb = labThumbnail(rgbToLab(image), mask);
  progress.start(pre.length, 'scene matching');
  const decoded: { id: number; image: Image; color: number; gist: number }[] = [];
  for (const j of pre) {
    const id = m.photoIds[rows[j]];
    const img = await collectionImage(collection, id, Math.min(w, h));
    decoded.push({ id, image: img, gist: gist[j], color: thumbnailDistance(queryThumb, labThumbnail(rgbToLab(img), null)) });
    progress.tick();
  }
  progress.stop();
  const combined = combineSceneDistances(decoded.map((d) => d.gist), decoded.map((d) => d.color), options.gistWeight, options.colorWeight);
  const scenes = smallest(combined, options.scenes).map((i) => ({ id: decoded[i].id, image: decoded[i].image, sceneDistance: combined[i] }));
  // With the approximate stage the photo filter saw only the candidates: report the whole collection then.
  return { scenes, collectionSize: candidates.length === m.n ? rows.length : m.n };
}

/**
 * Rows to score with the exact masked gist distance: all of them in a small collection; in a large one
 * (Hays & Efros match against millions), the nearest `max(5000, 25·scenes)` by the persisted HNSW index
 * on the unmasked gist of the hole-filled query, so the exact re-rank costs the same at any size.
 */
function sceneCandidates(collection: Collection, m: DescriptorMatrix, query: Float32Array, scenes: number, approximateAbove: number): Int32Array {
  if (m.n <= approximateAbove) return Int32Array.from({ length: m.n }, (_, r) => r);
  const k = Math.min(m.n, Math.max(5000, 25 * scenes));
  // The search breadth (ef ≥ k) is part of the persisted index's spec: round it up to 5000·2^i so a few
  // index files serve every `scenes` (one per distinct k would fill the collection folder).
  const ef = 5000 * 2 ** Math.max(0, Math.ceil(Math.log2(k / 5000)));
  const nb = upToDateIndex(collection, m, `HNSW32_ef${ef}`, 'l2').search(query, 1, k);
  return nb.labels.filter((r) => r >= 0);
}

/** Per-dimension gist weights: the known fraction of each dimension's cell (the gist layout repeats cells fastest). */
function gistWeights(mask: Uint8Array, w: number, h: number, spec: string, imageSize: number, dim: number): Float32Array {
  const grid = Number(parseEncoderSpec(spec).options.grid ?? DEFAULT_GIST.grid);
  const m255 = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) m255[i] = mask[i] ? 255 : 0;
  const cellsOnly = gistCellWeights(m255, w, h, { ...DEFAULT_GIST, imageSize, grid, orientationsPerScale: [1], color: false });
  const cells = grid * grid;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = cellsOnly[i % cells];
  return out;
}

/** Writes ranked completions and the grid to a temporary folder, then moves them into `out`. */
async function writeOutputs(out: string, image: Image, mask: Uint8Array, results: CompletedImage[], photo: string, method: string): Promise<{ files: string[]; grid: string }> {
  const dir = path.resolve(out);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const names = results.map((_, i) => `completion-${String(i + 1).padStart(2, '0')}.png`);
    for (let i = 0; i < results.length; i++) await writeImage(results[i].image, path.join(tmp, names[i]));
    fs.writeFileSync(path.join(tmp, 'grid.jpg'), await completionGrid(image, mask, results, path.basename(photo), method));
    fs.mkdirSync(dir, { recursive: true });
    for (const f of [...names, 'grid.jpg']) fs.renameSync(path.join(tmp, f), path.join(dir, f));
    return { files: names.map((n) => path.join(dir, n)), grid: path.join(dir, 'grid.jpg') };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The grid image: the query with its hole, then the ranked completions with score and source. */
export async function completionGrid(image: Image, mask: Uint8Array, results: CompletedImage[], photoName: string, method: string): Promise<Buffer> {
  const tiles = [{ image: showHole(image, mask), caption: `query\n${photoName}` }];
  results.forEach((r, i) =>
    tiles.push({ image: r.image, caption: r.result.source ? `#${i + 1} score ${r.result.score}\n${shortName(r.result.source.path)}` : `#${i + 1} ${method}` }),
  );
  return contactSheet(tiles, { columns: Math.min(6, tiles.length), tileSize: 200, title: `deja complete --method ${method}` });
}

/** Last two path parts (or the archive member), for captions. */
function shortName(p: string): string {
  const member = p.includes('#') ? p.slice(p.indexOf('#') + 1) : p;
  return member.split(/[\\/]/).slice(-2).join('/');
}

/** The query with its hole painted magenta, for the grid. */
export function showHole(image: Image, mask: Uint8Array): Image {
  const rgb = toRgb(image);
  const out = createImage(image.width, image.height, 3, rgb.data.slice());
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) if (mask[i]) (out.data[i] = 1), (out.data[n + i] = 0), (out.data[2 * n + i] = 1);
  return out;
}
