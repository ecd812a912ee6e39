import { decodeImage, type Decoded } from '../../io/decode.ts';
import { readExif, type PhotoExif } from '../../io/exif.ts';
import type { Encoder } from '../../encoders/encoder.ts';

/** What one photo yields at ingest: its upright size, EXIF and one descriptor per encoder. */
export interface EncodedPhoto {
  width: number;
  height: number;
  format: string;
  exif: PhotoExif;
  descriptors: Record<string, Float32Array>;
}

/**
 * Shorter side, in pixels, of the canonical decode every encoder with a smaller input works from. It is
 * the size queries are decoded at (`queryImage`, the server's search), so a photo's descriptor at ingest
 * equals the one computed when it is the query.
 */
export const CANONICAL_MIN_SIDE = 256;

/**
 * The decode size an encoder works from: the canonical one, or its own input size when that is larger.
 * It depends on the encoder alone, never on the encoders it runs with, so a descriptor depends only on the
 * photo and the encoder's spec (`--rebuild tiny --encoders tiny,lab-hist` reproduces the tiny vectors).
 */
export function decodeSideFor(encoder: Pick<Encoder, 'inputSize'>): number {
  return Math.max(CANONICAL_MIN_SIDE, encoder.inputSize);
}

/**
 * Decodes a photo once per distinct decode size of its encoders (one decode for the built-in encoders:
 * shrink-on-load to {@link CANONICAL_MIN_SIDE}), reads its EXIF, and runs each encoder on the pixels of its
 * own decode size.
 * @throws DejaError for undecodable input (the caller skips and reports the photo)
 */
export async function encodePhoto(
  bytes: Buffer,
  encoders: readonly Encoder[],
  options: { name: string; pixelLimit?: number },
): Promise<EncodedPhoto> {
  const decodes = new Map<number, Promise<Decoded>>();
  const decodeAt = (minSide: number) => {
    let d = decodes.get(minSide);
    if (!d) decodes.set(minSide, (d = decodeImage(bytes, { minSide, pixelLimit: options.pixelLimit, name: options.name })));
    return d;
  };
  const sides = [...new Set(encoders.map(decodeSideFor))].sort((a, b) => b - a);
  const first = await decodeAt(sides[0] ?? CANONICAL_MIN_SIDE);
  const exif = await readExif(bytes);
  const descriptors: Record<string, Float32Array> = {};
  for (const e of encoders) {
    const decoded = await decodeAt(decodeSideFor(e));
    const d = await e.encode(decoded.image);
    for (let i = 0; i < d.length; i++)
      if (!Number.isFinite(d[i])) throw new Error(`encoder ${e.spec} produced a non-finite value for ${options.name}`);
    descriptors[e.spec] = d;
  }
  const rotated = exifSwapsSides(exif);
  return {
    width: rotated ? first.originalHeight : first.originalWidth,
    height: rotated ? first.originalWidth : first.originalHeight,
    format: first.format,
    exif,
    descriptors,
  };
}

function exifSwapsSides(exif: PhotoExif): boolean {
  const o = Number(exif.fields?.Orientation ?? 1);
  return o >= 5 && o <= 8;
}
