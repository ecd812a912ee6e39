/** Media types of the formats Deja indexes (sharp's format names), as a browser is told them. */
export const IMAGE_MEDIA_TYPES = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heif: 'image/heif',
} as const;

/**
 * The media type of a photo's bytes, from the format it was indexed as (sharp's name, stored with the
 * photo) and, for sharp's `heif`, the file's own brand: AVIF and HEIC share that name.
 * @param format sharp's format name (`jpeg`, `png`, `heif` …)
 * @param bytes the photo's bytes (only the ISO-BMFF brand at bytes 8–11 is looked at)
 * @returns the media type, or null for a format outside `IMAGE_MEDIA_TYPES` (e.g. `svg`: never served as an image)
 * @example imageMediaType('jpeg', bytes) // 'image/jpeg'
 */
export function imageMediaType(format: string, bytes: Uint8Array): string | null {
  if (format === 'heif') {
    const brand = Buffer.from(bytes.subarray(8, 12)).toString('latin1');
    return brand === 'avif' || brand === 'avis' ? IMAGE_MEDIA_TYPES.avif : IMAGE_MEDIA_TYPES.heif;
  }
  return Object.hasOwn(IMAGE_MEDIA_TYPES, format) ? IMAGE_MEDIA_TYPES[format as keyof typeof IMAGE_MEDIA_TYPES] : null;
}
