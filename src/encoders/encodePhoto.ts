import { decodeImage } from '../io/decode.ts';
import { readExif, type PhotoExif } from '../io/exif.ts';
import type { Encoder } from './encoder.ts';

/** What one photo yields at ingest: its upright size, EXIF and one descriptor per encoder. */
export interface EncodedPhoto {
  width: number;
  height: number;
  format: string;
  exif: PhotoExif;
  descriptors: Record<string, Float32Array>;
}

/**
 * Decodes a photo once (shrink-on-load to the largest input any encoder needs), reads its EXIF, and
 * runs every encoder on the same pixels.
 * @throws DejaError for undecodable input (the caller skips and reports the photo)
 */
export async function encodePhoto(
  bytes: Buffer,
  encoders: readonly Encoder[],
  options: { name: string; pixelLimit?: number },
): Promise<EncodedPhoto> {
  const minSide = Math.max(32, ...encoders.map((e) => e.inputSize));
  const decoded = await decodeImage(bytes, { minSide, pixelLimit: options.pixelLimit, name: options.name });
  const exif = await readExif(bytes);
  const descriptors: Record<string, Float32Array> = {};
  for (const e of encoders) {
    const d = await e.encode(decoded.image);
    for (let i = 0; i < d.length; i++)
      if (!Number.isFinite(d[i])) throw new Error(`encoder ${e.spec} produced a non-finite value for ${options.name}`);
    descriptors[e.spec] = d;
  }
  const rotated = exifSwapsSides(exif);
  return {
    width: rotated ? decoded.originalHeight : decoded.originalWidth,
    height: rotated ? decoded.originalWidth : decoded.originalHeight,
    format: decoded.format,
    exif,
    descriptors,
  };
}

function exifSwapsSides(exif: PhotoExif): boolean {
  const o = Number(exif.fields?.Orientation ?? 1);
  return o >= 5 && o <= 8;
}
