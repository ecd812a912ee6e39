import fs from 'node:fs';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { DejaError } from '../core/errors.ts';
import { fromInterleaved, type Image } from '../core/image.ts';
import { describeDecodeFailure, sniffFormat, specificLines } from './decodeFailure.ts';

/** Default decompression-bomb guard: 100 megapixels (a 12k × 8k photo passes; crafted 60k × 60k PNGs do not). */
export const DEFAULT_PIXEL_LIMIT = 100_000_000;

export interface DecodeOptions {
  /**
   * Shrink so the shorter side is about this many pixels (never enlarges). JPEG and WebP use
   * shrink-on-load, so a 12 MP photo decodes at a fraction of the cost. Omit for full size.
   */
  minSide?: number;
  /** Refuse inputs with more pixels than this (width × height). */
  pixelLimit?: number;
  /** Keep a single gray channel instead of converting to sRGB. */
  gray?: boolean;
  /** Name used in error messages (e.g. `archive.tar#member.jpg`). */
  name?: string;
  /** What to tell the user when the pixel limit is hit (the CLI's default names --pixel-limit). */
  limitHint?: string;
}

export interface Decoded {
  image: Image;
  /** Stored size before EXIF rotation and shrinking. */
  originalWidth: number;
  originalHeight: number;
  format: string;
}

/**
 * Decodes JPEG/PNG/WebP/TIFF/GIF/AVIF bytes with sharp: EXIF orientation applied, alpha dropped
 * (composited on black), converted to sRGB, first frame only.
 * @throws DejaError EMPTY_FILE, NOT_AN_IMAGE, CORRUPT_IMAGE, TOO_MANY_PIXELS
 */
export async function decodeImage(input: Buffer | Uint8Array, options: DecodeOptions = {}): Promise<Decoded> {
  const name = options.name;
  const limit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  const { width: w0, height: h0, format } = await probeImage(input, options);
  try {
    return await decodePixels(input, options, limit, w0, h0, format);
  } catch (first) {
    let msg = first instanceof Error ? first.message : String(first);
    // An empty libvips error ("Unknown error") is a race on its process-wide error buffer: once more,
    // alone, usually brings back the decoder's own reason.
    if (specificLines(msg, format).length === 0) {
      try {
        return await decodePixels(input, options, limit, w0, h0, format);
      } catch (again) {
        msg = again instanceof Error ? again.message : String(again);
      }
    }
    throw new DejaError('CORRUPT_IMAGE', describeDecodeFailure(input, format, msg), { file: name, hint: 're-export or re-download the photo' });
  }
}

/** sharp, EXIF-rotated and shrunk so the shorter side is about minSide (the same size for every decode of one photo). */
function shrunkPipeline(input: Buffer | Uint8Array, minSide: number | undefined, limit: number): Sharp {
  const pipeline = sharp(input, { limitInputPixels: limit, failOn: 'truncated' }).rotate();
  // Orientation may swap sides; shrink on the shorter one.
  return minSide ? pipeline.resize({ width: minSide, height: minSide, fit: 'outside', withoutEnlargement: true, kernel: 'lanczos3' }) : pipeline;
}

async function decodePixels(input: Buffer | Uint8Array, options: DecodeOptions, limit: number, w0: number, h0: number, format: string): Promise<Decoded> {
  let pipeline = shrunkPipeline(input, options.minSide, limit);
  pipeline = options.gray ? pipeline.flatten().grayscale() : pipeline.flatten().toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const channels = options.gray ? 1 : 3;
  const bytes = info.channels === channels ? data : dropChannels(data, info.channels, channels);
  return {
    image: fromInterleaved(bytes, info.width, info.height, channels),
    originalWidth: w0,
    originalHeight: h0,
    format,
  };
}

/**
 * Decodes a photo as interleaved 8-bit sRGB (`data[3 * (y * width + x) + c]`) at the size `decodeImage`
 * gives for the same `minSide`: for sampling colours at positions found in the gray decode, with a
 * quarter of a float image's memory.
 * @throws DejaError EMPTY_FILE, NOT_AN_IMAGE, CORRUPT_IMAGE, TOO_MANY_PIXELS
 */
export async function decodeRgbBytes(input: Buffer | Uint8Array, options: Pick<DecodeOptions, 'minSide' | 'pixelLimit' | 'name'> = {}): Promise<{ width: number; height: number; data: Uint8Array }> {
  const limit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  const { format } = await probeImage(input, options);
  try {
    const { data, info } = await shrunkPipeline(input, options.minSide, limit).flatten().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: info.channels === 3 ? data : dropChannels(data, info.channels, 3) };
  } catch (e) {
    throw new DejaError('CORRUPT_IMAGE', describeDecodeFailure(input, format, e instanceof Error ? e.message : String(e)), { file: options.name, hint: 're-export or re-download the photo' });
  }
}

/**
 * Reads an image's stored size and format from its header, without decoding the pixels, and applies
 * the pixel limit: the cheap first check for uploads.
 * @throws DejaError EMPTY_FILE, NOT_AN_IMAGE, TOO_MANY_PIXELS
 */
export async function probeImage(input: Buffer | Uint8Array, options: Pick<DecodeOptions, 'name' | 'pixelLimit' | 'limitHint'> = {}): Promise<{ width: number; height: number; format: string }> {
  const name = options.name;
  const limit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  if (input.length === 0) throw new DejaError('EMPTY_FILE', 'empty file', { file: name, hint: 'remove it or re-export the photo' });
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    // A known format's magic with a header sharp cannot parse is a damaged photo, not a non-photo.
    const sniffed = sniffFormat(input);
    const msg = e instanceof Error ? e.message : String(e);
    if (sniffed && !/unsupported image format/i.test(msg))
      throw new DejaError('CORRUPT_IMAGE', describeDecodeFailure(input, sniffed, msg), { file: name, hint: 're-export or re-download the photo' });
    throw new DejaError('NOT_AN_IMAGE', sniffed ? `not an image Deja can read (${sniffed.toUpperCase()} header, but the decoder cannot parse it)` : 'not an image Deja can read', {
      file: name,
      hint: 'supported formats are JPEG, PNG, WebP, TIFF, GIF and AVIF',
    });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > limit)
    throw new DejaError('TOO_MANY_PIXELS', `image has ${width}x${height} = ${((width * height) / 1e6).toFixed(1)} MP, over the ${(limit / 1e6).toFixed(0)} MP limit`, {
      file: name,
      hint: options.limitHint ?? 'raise --pixel-limit if the photo is genuine',
    });
  return { width, height, format: meta.format ?? 'unknown' };
}

function dropChannels(data: Buffer, from: number, to: number): Uint8Array {
  const n = data.length / from;
  const out = new Uint8Array(n * to);
  for (let i = 0; i < n; i++) for (let c = 0; c < to; c++) out[i * to + c] = data[i * from + Math.min(c, from - 1)];
  return out;
}

/** Reads and decodes a file. @throws DejaError NOT_FOUND and the errors of `decodeImage`. */
export async function decodeFile(path: string, options: DecodeOptions = {}): Promise<Decoded> {
  return decodeImage(readFileOrThrow(path), { ...options, name: options.name ?? path });
}

export function readFileOrThrow(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DejaError('NOT_FOUND', 'no such file', { file: path, hint: 'check the path' });
    if (code === 'EISDIR') throw new DejaError('BAD_ARGUMENT', 'expected a file, got a folder', { file: path });
    throw new DejaError('IO_ERROR', `cannot read file: ${code ?? String(e)}`, { file: path });
  }
}
