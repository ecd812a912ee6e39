import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { createImage, flipHorizontal, toGray, type Image } from '../core/image.ts';
import { decodeImage } from '../io/decode.ts';
import { writeImage } from '../io/encode.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { contactSheet, type SheetTile } from '../io/sheet.ts';
import { colorizeFromMatches } from '../decoders/colorize/colorizeFromMatches.ts';
import { COLORIZE_METHODS, COLORIZE_METHOD_NAMES, DEFAULT_COLORIZE_METHOD } from '../decoders/colorize/methods.ts';
import { describeMethods } from '../core/methodRegistry.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { GRAY_CHROMA_THRESHOLD, grayFromLightness, meanChromaMagnitude, meanImage } from '../decoders/colorize/meanChroma.ts';
import type { Collection } from '../store/collection.ts';
import { checkPhotoSize } from '../core/checkPhotoSize.ts';
import { queryImage } from './shared/photoImage.ts';
import { searchPhotos, type SearchHit } from './shared/searchPhotos.ts';
import { displayName } from '../core/displayName.ts';

/** Options of `deja colorize`. */
export const ColorizeOptions = z.object({
  k: z.number().int().min(1).max(200).default(20).describe('Colour photos whose colour is transferred (the lecture\'s example averages about 20).'),
  method: z.enum(COLORIZE_METHOD_NAMES).default(DEFAULT_COLORIZE_METHOD).describe(`Colorization method: ${describeMethods(COLORIZE_METHODS)}.`),
  encoder: z.string().default('tiny-gray').describe('Encoder that finds the matches: the 32×32 intensity thumbnail by default (it ignores colour, as the query has none).'),
  mirror: z.boolean().default(true).describe('Also match the mirrored photo (mirrored matches are flipped back before their colour is used).'),
  transferSources: z.number().int().min(1).max(200).default(12).describe('`transfer`: how many of the best matches give colour samples.'),
  spatialWeight: z.number().min(0).max(10).default(0.2).describe('`transfer`: weight of position in the frame against luminance and texture (0 = Welsh et al.\'s global matching).'),
  excludeIds: z.array(z.number().int()).default([]).describe('Photo ids never to use as matches (e.g. the query\'s own record in an evaluation).'),
});
export type ColorizeOptions = z.input<typeof ColorizeOptions>;

export interface ColorMatch {
  hit: SearchHit;
  /** The match's pixels (mirrored back when it matched mirrored), shorter side about 128 px. */
  image: Image;
}

export interface ColorizeOutcome {
  result: Image;
  /** The input as gray (its own L*). */
  gray: Image;
  matches: ColorMatch[];
  /** Matches passed over because they are gray photos. */
  skippedGray: number;
  /** True when the input had colour: only its luminance was used. */
  inputHadColour: boolean;
}

/**
 * Colorizes a photo from its nearest colour photos in a collection (the lecture's encoder–decoder
 * example: encoder = intensity thumbnail, decoder = the matches' colour; Torralba, Fergus & Freeman,
 * PAMI 2008; transfer after Welsh, Ashikhmin & Mueller, SIGGRAPH 2002).
 * @throws DejaError BAD_ARGUMENT (options), EMPTY_COLLECTION, NO_DATA (no colour photos, encoder not indexed), TOO_SMALL
 */
export async function colorizeImage(collection: Collection, image: Image, rawOptions: ColorizeOptions = {}, name = 'photo'): Promise<ColorizeOutcome> {
  const options = parseOptions(ColorizeOptions, rawOptions);
  checkPhotoSize(image, name);
  const inputHadColour = meanChromaMagnitude(image) > GRAY_CHROMA_THRESHOLD;
  const gray = grayFromLightness(image);
  const exclude = new Set(options.excludeIds);
  // Gray photos in the collection have no colour to give: search deeper and pass over them.
  const hits = await searchPhotos(collection, toGray(gray), { encoder: options.encoder, k: Math.min(4 * options.k + exclude.size, Math.max(collection.count(), 1)), mirror: options.mirror, exact: true });
  const matches: ColorMatch[] = [];
  let skippedGray = 0;
  for (const hit of hits) {
    if (matches.length >= options.k) break;
    if (exclude.has(hit.id)) continue;
    const { image: m } = await decodeImage(collection.readPhotoBytes(hit.id), { minSide: 128, name: hit.path });
    if (meanChromaMagnitude(m) <= GRAY_CHROMA_THRESHOLD) {
      skippedGray++;
      continue;
    }
    matches.push({ hit, image: hit.mirrored ? flipHorizontal(m) : m });
  }
  if (matches.length === 0)
    throw new DejaError('NO_DATA', `none of the ${hits.length} nearest photos of the collection has colour`, {
      file: collection.dir,
      hint: 'colorization needs colour photos: index some, e.g. deja index ../shared/data/intel-scenes/train.tar.gz',
    });
  const { image: result } = colorizeFromMatches(image, matches.map((m) => m.image), {
    method: options.method,
    transferSources: options.transferSources,
    spatialWeight: options.spatialWeight,
  });
  return { result, gray, matches, skippedGray, inputHadColour };
}

/** `deja colorize --json` result. */
export interface ColorizeReport {
  input: string;
  out: string;
  sheet: string | null;
  method: string;
  encoder: string;
  width: number;
  height: number;
  /** Set when the input was a colour photo: only its luminance was used. */
  note: string | null;
  matches: { id: number; path: string; distance: number; mirrored: boolean }[];
  skippedGray: number;
  seconds: number;
}

/**
 * Reads a photo, colorizes it, writes the result (format by extension) and optionally the lecture's
 * panels as a contact sheet: input, matches (gray), matches (colour), their average colour, result.
 */
export async function colorizeFile(
  collection: Collection,
  file: string,
  out: string,
  options: ColorizeOptions & { sheet?: string } = {},
): Promise<ColorizeReport> {
  const t0 = performance.now();
  checkOutputFile(out, '--out', 'image');
  const sheetFormat = options.sheet ? checkOutputFile(options.sheet, '--sheet', 'sheet') : null;
  const { sheet: _sheet, ...rest } = options;
  const parsed = parseOptions(ColorizeOptions, rest);
  const image = await queryImage(file, 1024);
  const r = await colorizeImage(collection, image, parsed, file);
  await writeImage(r.result, out);
  if (options.sheet) writeOutputFile(options.sheet, await colorizeSheet(r, parsed.method, sheetFormat === 'png' ? 'png' : 'jpeg'));
  return {
    input: path.resolve(file),
    out: path.resolve(out),
    sheet: options.sheet ? path.resolve(options.sheet) : null,
    method: parsed.method,
    encoder: parsed.encoder,
    width: r.result.width,
    height: r.result.height,
    note: r.inputHadColour ? 'the input is a colour photo: only its luminance (L*) was used, its own colour was discarded' : null,
    matches: r.matches.map(({ hit }) => ({ id: hit.id, path: hit.path, distance: hit.distance, mirrored: hit.mirrored })),
    skippedGray: r.skippedGray,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** How many matches the panels show (one row of the sheet). */
export function panelMatches(r: ColorizeOutcome): ColorMatch[] {
  return r.matches.slice(0, Math.max(3, Math.min(6, r.matches.length)));
}

/** The average colour of the shown matches, at the input's size (the lecture's "average of matches" panel). */
export function matchesAverage(r: ColorizeOutcome): Image {
  return meanImage(panelMatches(r).map((m) => m.image), r.gray.width, r.gray.height);
}

/** The lecture's panels as one contact sheet: input (gray), average of matches, result; the matches in gray; in colour. */
export async function colorizeSheet(r: ColorizeOutcome, method: string, format: 'png' | 'jpeg' = 'jpeg'): Promise<Buffer> {
  const shown = panelMatches(r);
  const cols = Math.max(3, shown.length);
  const blank = createImage(4, 4, 3, new Float32Array(48).fill(1));
  const tiles: SheetTile[] = [
    { image: r.gray, caption: 'input (gray)' },
    { image: matchesAverage(r), caption: `average of ${shown.length} matches` },
    { image: r.result, caption: `result (${method})` },
  ];
  while (tiles.length < cols) tiles.push({ image: blank, caption: '' });
  for (const m of shown) tiles.push({ image: toGray(m.image), caption: `match (gray) ${m.hit.distance.toFixed(3)}\n${displayName(m.hit.path)}` });
  for (const m of shown) tiles.push({ image: m.image, caption: `match (colour)${m.hit.mirrored ? ' mirrored' : ''}\n${displayName(m.hit.path)}` });
  return contactSheet(tiles, { columns: cols, tileSize: 180, title: `deja colorize — ${method}` }, format);
}
