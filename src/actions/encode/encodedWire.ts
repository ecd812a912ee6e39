import crypto from 'node:crypto';
import type { PhotoExif } from '../../io/exif.ts';
import type { EncodedPhoto } from './encodePhoto.ts';

/** One photo to encode, as a queue job carries it (JSON): the bytes travel in the job, no shared folder needed. */
export interface EncodeJobData {
  /** The photo file's bytes, base64. */
  bytes: string;
  /** The photo's path, for messages. */
  name: string;
  specs: string[];
  pixelLimit?: number;
}

/** An `EncodedPhoto` as a job's result (JSON): each descriptor is the base64 of its Float32Array's bytes (little-endian). */
export interface EncodedPhotoWire {
  width: number;
  height: number;
  format: string;
  exif: PhotoExif;
  descriptors: Record<string, string>;
}

export function toEncodeJobData(bytes: Buffer, name: string, specs: string[], pixelLimit?: number): EncodeJobData {
  return { bytes: bytes.toString('base64'), name, specs, pixelLimit };
}

export function encodedToWire(e: EncodedPhoto): EncodedPhotoWire {
  const descriptors: Record<string, string> = {};
  for (const [spec, d] of Object.entries(e.descriptors)) descriptors[spec] = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
  return { width: e.width, height: e.height, format: e.format, exif: e.exif, descriptors };
}

export function encodedFromWire(w: EncodedPhotoWire): EncodedPhoto {
  const descriptors: Record<string, Float32Array> = {};
  for (const [spec, text] of Object.entries(w.descriptors)) {
    const bytes = Buffer.from(text, 'base64');
    const d = new Float32Array(bytes.length / 4); // a fresh, aligned buffer (Buffer's pool offset may be odd)
    new Uint8Array(d.buffer).set(bytes);
    descriptors[spec] = d;
  }
  return { width: w.width, height: w.height, format: w.format, exif: w.exif, descriptors };
}

/**
 * The job id of one encoding: the photo's sha256 and a digest of what is computed from it, so the same
 * photo and encoders are one job however often it is added (a restarted writer adds it again).
 * @param photoHash the photo's sha256, hex
 */
export function encodeJobId(photoHash: string, specs: readonly string[], pixelLimit?: number): string {
  const what = crypto.createHash('sha256').update(JSON.stringify([specs, pixelLimit ?? null])).digest('hex').slice(0, 16);
  return `${photoHash}-${what}`;
}
