import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { createImage, toRgb, type Image } from '../core/image.ts';
import { describeMethods } from '../core/methodRegistry.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { displayName } from '../core/displayName.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { resize } from '../imgproc/resample.ts';
import { decodeFile, decodeImage } from '../io/decode.ts';
import { encodeImage } from '../io/encode.ts';
import { writeOutputFolder } from '../io/outputFolder.ts';
import { contactSheet } from '../io/sheet.ts';
import type { Collection } from '../store/collection.ts';
import { upToDateIndex } from '../store/vectorIndexCache.ts';
import { checkMask } from '../decoders/complete/checkMask.ts';
import { bandRadius } from '../decoders/complete/contextBand.ts';
import type { SceneCandidate } from '../decoders/complete/completeFromScenes.ts';
import { matchScenes, type SceneSource } from '../decoders/complete/matchScenes.ts';
import { COMPLETE_METHODS, COMPLETE_METHOD_NAMES, DEFAULT_COMPLETE_METHOD, type CompleteMethodName } from '../decoders/complete/methods.ts';
import { collectionImage } from './shared/photoImage.ts';

/** How a mask of another size than the photo's is treated. */
export const MASK_FITS = ['stretch', 'refuse'] as const;
export type MaskFit = (typeof MASK_FITS)[number];

/** Aspect ratios further apart than this (relative) are stretched with a note. */
const ASPECT_NOTE_ABOVE = 0.1;

/** Options of `deja complete`, validated once at the boundary. */
export const CompleteOptions = z.object({
  mask: z.string().min(1).describe('Hole mask file (white = missing), the photo\'s size.'),
  method: z.enum(COMPLETE_METHOD_NAMES).default(DEFAULT_COMPLETE_METHOD).describe(`Completion method: ${describeMethods(COMPLETE_METHODS)}.`),
  maskFit: z.enum(MASK_FITS).default('stretch').describe('A mask of another size than the photo\'s: `stretch` it to the photo (with a note when the aspect ratios differ by more than 10 %), or `refuse` it.'),
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
  method: CompleteMethodName;
  width: number;
  height: number;
  holeFraction: number;
  bandRadius: number;
  /** Scenes considered (collection size after filtering) and kept by scene matching. */
  collectionSize: number;
  scenesMatched: number;
  /** Set when the mask was stretched to a photo of another aspect ratio (`maskFit: stretch`). */
  note: string | null;
  warnings: string[];
  results: CompletionResult[];
  grid: string | null;
  seconds: number;
}

/** Library-level options for `completeImage` (the action's options minus file names). */
export type CompleteImageOptions = Omit<z.output<typeof CompleteOptions>, 'mask' | 'out' | 'maxSide' | 'maskFit'> & {
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

/** A decoded photo and its mask, fitted to the photo's size. */
export interface PhotoAndMask {
  photo: Image;
  mask: Image;
  maskName: string;
  /** Set when the mask was stretched to another aspect ratio. */
  note: string | null;
}

/**
 * Completes a photo file: loads photo and mask, fits and checks them, fills the hole with the chosen
 * method and, with `out`, writes `completion-01.png…` (ranked) and `grid.jpg` (query with the hole,
 * then the completions). Files are written to a temporary folder first and moved into place only when
 * all succeeded.
 * @throws DejaError for bad options, a mask of another size with `maskFit: refuse`, an empty or
 *   all-white mask, a tiny photo, an empty collection or one without the gist descriptors (scene method)
 */
export async function completePhoto(collection: Collection | null, photo: string, rawOptions: CompleteOptions, progress: Progress = silentProgress): Promise<CompleteReport> {
  const options = parseOptions(CompleteOptions, rawOptions);
  const started = Date.now();
  const decodedPhoto = (await decodeFile(photo)).image;
  const decodedMask = (await decodeFile(options.mask, { gray: true })).image;
  const fitted = fitMask(decodedPhoto, decodedMask, options.mask, options.maskFit);
  const outcome = await completeWithMask(collection, fitted, options, progress);
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
 * Decodes an uploaded photo and mask and fits the mask to the photo (cheap: call it before queueing
 * the work, so a refused mask is refused at once).
 * @param maskFit `stretch` (default) or `refuse` a mask of another size
 * @throws DejaError NOT_AN_IMAGE / CORRUPT_IMAGE / TOO_MANY_PIXELS for either upload, BAD_ARGUMENT for a refused mask
 */
export async function decodePhotoAndMask(
  photo: { bytes: Buffer; name: string },
  mask: { bytes: Buffer; name: string },
  pixelLimit?: number,
  maskFit: MaskFit = 'stretch',
): Promise<PhotoAndMask> {
  const image = (await decodeImage(photo.bytes, { name: photo.name, pixelLimit })).image;
  const maskImage = (await decodeImage(mask.bytes, { name: mask.name, gray: true, pixelLimit })).image;
  return fitMask(image, maskImage, mask.name, maskFit);
}

/**
 * Completes a decoded photo with its fitted mask (from `decodePhotoAndMask`): the library function
 * behind the HTTP API's completions.
 * @throws DejaError for bad options, and as `completePhoto`
 */
export async function completeDecoded(collection: Collection | null, decoded: PhotoAndMask, rawOptions: CompleteUploadOptions, progress: Progress = silentProgress): Promise<CompleteOutcome> {
  return completeWithMask(collection, decoded, parseOptions(CompleteUploadOptions, rawOptions), progress);
}

/** @throws DejaError BAD_ARGUMENT when the mask's size differs from the photo's */
export function checkMaskSize(photo: Image, maskImage: Image, maskFile: string): void {
  const { width: w, height: h } = photo;
  if (maskImage.width !== w || maskImage.height !== h)
    throw new DejaError('BAD_ARGUMENT', `mask is ${maskImage.width}x${maskImage.height} but the photo is ${w}x${h}`, {
      file: maskFile,
      hint: `make a ${w}x${h} mask (white = hole), or stretch this one with --mask-fit stretch`,
    });
}

/**
 * Fits a mask to its photo: `refuse` one of another size, or `stretch` it to the photo's size (a note
 * says so when the aspect ratios differ by more than 10 %).
 * @throws DejaError BAD_ARGUMENT for a mask of another size with `refuse`
 */
export function fitMask(photo: Image, maskImage: Image, maskName: string, maskFit: MaskFit): PhotoAndMask {
  const { width: w, height: h } = photo;
  if (maskImage.width === w && maskImage.height === h) return { photo, mask: maskImage, maskName, note: null };
  if (maskFit === 'refuse') checkMaskSize(photo, maskImage, maskName);
  const aspects = maskImage.width / maskImage.height / (w / h);
  const differ = Math.max(aspects, 1 / aspects) - 1; // the larger aspect ratio over the smaller, minus one
  const note =
    differ > ASPECT_NOTE_ABOVE
      ? `mask ${path.basename(maskName)} is ${maskImage.width}x${maskImage.height}: stretched to the photo's ${w}x${h} (aspect ratios differ by ${Math.round(100 * differ)} %; --mask-fit refuse to refuse it)`
      : null;
  return { photo, mask: resize(maskImage, w, h), maskName, note };
}

async function completeWithMask(collection: Collection | null, fitted: PhotoAndMask, options: z.output<typeof CompleteUploadOptions>, progress: Progress): Promise<CompleteOutcome> {
  const started = Date.now();
  const { image, mask, warnings } = workingPhotoAndMask(fitted, options.maxSide);
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
      note: fitted.note,
      warnings,
      results,
      seconds: (Date.now() - started) / 1000,
    },
  };
}

/** Shrinks a photo and its fitted mask to the working resolution and binarises the mask. */
function workingPhotoAndMask(fitted: PhotoAndMask, maxSide: number): { image: Image; mask: Uint8Array; warnings: string[] } {
  const { photo, mask: maskImage, maskName } = fitted;
  checkMaskSize(photo, maskImage, maskName);
  const { width: w, height: h } = photo;
  const f = Math.min(1, maxSide / Math.min(w, h));
  const tw = Math.max(1, Math.round(w * f));
  const th = Math.max(1, Math.round(h * f));
  const image = f < 1 ? resize(photo, tw, th) : photo;
  const small = f < 1 ? resize(maskImage, tw, th) : maskImage;
  const mask = new Uint8Array(tw * th);
  for (let i = 0; i < mask.length; i++) mask[i] = small.data[i] >= 0.5 ? 1 : 0;
  const warnings = checkMask(mask, tw, th, maskName);
  if (f < 1) warnings.unshift(`working at ${tw}x${th} (photo is ${w}x${h}; --max-side ${maxSide})`);
  return { image, mask, warnings };
}

/** The collection as scene matching reads it: descriptors, the persisted HNSW index, decoded photos. */
export function sceneSource(collection: Collection): SceneSource {
  return {
    dir: collection.dir,
    count: () => collection.count(),
    encoders: () => collection.encoders(),
    descriptorMatrix: (spec) => collection.descriptorMatrix(spec),
    nearestRows: (m, query, k, indexSpec) => upToDateIndex(collection, m, indexSpec, 'l2').search(query, 1, k).labels.filter((r) => r >= 0),
    image: (id, minSide) => collectionImage(collection, id, minSide),
  };
}

/**
 * Fills the hole of an in-memory photo with one method of `COMPLETE_METHODS`; the library function
 * behind `deja complete` and the benchmark. Methods that use scenes get them from scene matching first.
 * @param collection needed by the scene method (null is fine for the baselines)
 * @param mask `w*h`, 1 = hole (checked with `checkMask`)
 * @throws DejaError EMPTY_COLLECTION for a scene method without a collection or scenes
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
  const method = COMPLETE_METHODS[options.method];
  let scenes: SceneCandidate[] = [];
  let collectionSize = 0;
  if (method.usesScenes) {
    if (!collection) throw new DejaError('EMPTY_COLLECTION', `${options.method} completion needs a photo collection`, { hint: `pass --collection <dir> or use --method ${COMPLETE_METHOD_NAMES.filter((m) => !COMPLETE_METHODS[m].usesScenes).join('|')}` });
    ({ scenes, collectionSize } = await matchScenes(sceneSource(collection), rgb, mask, options, progress));
    if (scenes.length === 0) throw new DejaError('EMPTY_COLLECTION', 'no scene of the collection is available for matching', { file: collection.dir, hint: 'add photos with `deja index <photos>`' });
  }
  const nearCopies: number[] = [];
  const fills = method.complete({ image: rgb, mask, k: options.k, seed: options.seed, scenes, progress, onNearCopy: (id) => nearCopies.push(id) });
  if (!method.usesScenes) return { results: fills.map((f) => ({ image: f.image, result: baseline() })), collectionSize: 0, scenesMatched: 0 };
  progress.stop();
  if (nearCopies.length)
    warnings.push(`left out ${nearCopies.length} scene${nearCopies.length > 1 ? 's' : ''} whose context is a copy of the photo's own (photo ${nearCopies.join(', ')}: the photo itself is in the collection)`);
  if (fills.length < options.k) warnings.push(`only ${fills.length} of ${scenes.length} scenes could cover the hole's context`);
  const results = fills.map(({ image: filled, scene: c }) => ({
    image: filled,
    result: c
      ? {
          source: { id: c.id, path: collection!.photo(c.id)?.path ?? '' },
          placement: { scale: c.placement.scale, factor: round(c.placement.factor), dx: c.placement.dx, dy: c.placement.dy },
          terms: { scene: round(c.terms.scene), context: round(c.terms.context), contextColor: round(c.placement.colorSsd), contextTexture: round(c.placement.textureSsd), seam: round(c.terms.seam) },
          normalised: { scene: round(c.normalised.scene), context: round(c.normalised.context), seam: round(c.normalised.seam) },
          score: round(c.score),
        }
      : baseline(),
  }));
  return { results, collectionSize, scenesMatched: scenes.length };
}

function baseline(): Omit<CompletionResult, 'rank' | 'file'> {
  return { source: null, placement: null, terms: null, normalised: null, score: null };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** Writes ranked completions and the grid into `out`, all or nothing (staged in a temporary folder first). */
async function writeOutputs(out: string, image: Image, mask: Uint8Array, results: CompletedImage[], photo: string, method: string): Promise<{ files: string[]; grid: string }> {
  const written = await writeOutputFolder(out, async (add) => {
    for (let i = 0; i < results.length; i++) add(`completion-${String(i + 1).padStart(2, '0')}.png`, await encodeImage(results[i].image, 'png'));
    add('grid.jpg', await completionGrid(image, mask, results, path.basename(photo), method));
  });
  return { files: written.slice(0, results.length), grid: written[results.length] };
}

/** The grid image: the query with its hole, then the ranked completions with score and source. */
export async function completionGrid(image: Image, mask: Uint8Array, results: CompletedImage[], photoName: string, method: string): Promise<Buffer> {
  const tiles = [{ image: showHole(image, mask), caption: `query\n${photoName}` }];
  results.forEach((r, i) =>
    tiles.push({ image: r.image, caption: r.result.source ? `#${i + 1} score ${r.result.score}\n${displayName(r.result.source.path)}` : `#${i + 1} ${method}` }),
  );
  return contactSheet(tiles, { columns: Math.min(6, tiles.length), tileSize: 200, title: `deja complete --method ${method}` });
}

/** The query with its hole painted magenta, for the grid. */
export function showHole(image: Image, mask: Uint8Array): Image {
  const rgb = toRgb(image);
  const out = createImage(image.width, image.height, 3, rgb.data.slice());
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) if (mask[i]) (out.data[i] = 1), (out.data[n + i] = 0), (out.data[2 * n + i] = 1);
  return out;
}
