import sharp from 'sharp';
import { DejaError } from '../core/errors.ts';

/**
 * A JPEG thumbnail straight from stored photo bytes (EXIF orientation applied, shorter side `size`,
 * never enlarged). sharp shrinks JPEGs on load, so this costs a fraction of a full decode.
 * @throws DejaError CORRUPT_IMAGE
 */
export async function thumbnailJpeg(bytes: Buffer, size: number, name?: string): Promise<Buffer> {
  try {
    return await sharp(bytes, { failOn: 'none' })
      .rotate()
      .resize({ width: size, height: size, fit: 'outside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82 })
      .toBuffer();
  } catch (e) {
    throw new DejaError('CORRUPT_IMAGE', `cannot make a thumbnail: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { file: name });
  }
}
