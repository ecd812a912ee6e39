import path from 'node:path';
import sharp from 'sharp';
import { DejaError } from '../core/errors.ts';
import { toInterleaved, type Image } from '../core/image.ts';
import { OUTPUT_EXTENSIONS, type OutputFormat } from './outputFile.ts';

/** Encodes an image (values in [0, 1]) as PNG or JPEG bytes. */
export async function encodeImage(image: Image, format: 'png' | 'jpeg' = 'png', quality = 90): Promise<Buffer> {
  const raw = sharp(Buffer.from(toInterleaved(image).buffer), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 },
  });
  return format === 'png' ? raw.png().toBuffer() : raw.jpeg({ quality, mozjpeg: true }).toBuffer();
}

/**
 * Writes an image; the format follows the extension (.png, .jpg/.jpeg, .webp, .gif). The folder must exist.
 * @throws DejaError BAD_ARGUMENT (an extension sharp is not asked to write), IO_ERROR
 */
export async function writeImage(image: Image, file: string, quality = 90): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  const format: OutputFormat | undefined = (OUTPUT_EXTENSIONS.image as Record<string, OutputFormat>)[ext];
  if (!format) throw new DejaError('BAD_ARGUMENT', `cannot write "${ext}" images`, { file, hint: `use one of ${Object.keys(OUTPUT_EXTENSIONS.image).join(', ')}` });
  const raw = sharp(Buffer.from(toInterleaved(image).buffer), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 },
  });
  const out = format === 'jpeg' ? raw.jpeg({ quality, mozjpeg: true }) : format === 'webp' ? raw.webp({ quality }) : format === 'gif' ? raw.gif() : raw.png();
  try {
    await out.toFile(file);
  } catch (e) {
    // libvips's message is several lines ("unable to open for write", then errno lines): say it in one.
    throw new DejaError('IO_ERROR', 'cannot write the output file', { file, hint: 'check that its folder exists and may be written, and that the disk has space', cause: e });
  }
}
