import path from 'node:path';
import fs from 'node:fs';
import sharp from 'sharp';
import { DejaError } from '../core/errors.ts';
import { toInterleaved, type Image } from '../core/image.ts';

/** Encodes an image (values in [0, 1]) as PNG or JPEG bytes. */
export async function encodeImage(image: Image, format: 'png' | 'jpeg' = 'png', quality = 90): Promise<Buffer> {
  const raw = sharp(Buffer.from(toInterleaved(image).buffer), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 },
  });
  return format === 'png' ? raw.png().toBuffer() : raw.jpeg({ quality, mozjpeg: true }).toBuffer();
}

/** Writes an image; the format follows the extension (.png, .jpg/.jpeg, .webp). Creates the folder. */
export async function writeImage(image: Image, file: string, quality = 90): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const ext = path.extname(file).toLowerCase();
  const raw = sharp(Buffer.from(toInterleaved(image).buffer), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 },
  });
  const out = ext === '.jpg' || ext === '.jpeg' ? raw.jpeg({ quality, mozjpeg: true }) : ext === '.webp' ? raw.webp({ quality }) : raw.png();
  try {
    await out.toFile(file);
  } catch (e) {
    // libvips's message is several lines ("unable to open for write", then errno lines): say it in one.
    throw new DejaError('IO_ERROR', 'cannot write the output file', { file, hint: 'check that its folder exists and may be written, and that the disk has space', cause: e });
  }
}
