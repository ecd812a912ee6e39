/**
 * The EXIF fields that give a photo's focal length (exifr): Make, Model, FocalLength (mm) and
 * FocalLengthIn35mmFormat (mm). Missing or unreadable EXIF is normal and gives nulls, never an error.
 */
import exifr from 'exifr';

/** A photo's camera and focal length as EXIF states them. */
export interface ExifFocal {
  /** "Make Model" (model alone when it starts with the make), or null. */
  camera: string | null;
  /** Focal length of the lens, millimetres, or null. */
  focalLengthMm: number | null;
  /** The 35 mm-equivalent focal length, millimetres, or null. */
  focalLength35mm: number | null;
}

const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/**
 * Reads a photo's camera and focal lengths from its EXIF.
 *
 * @param bytes - the encoded photo.
 * @returns the fields, each null when absent.
 * @example const { focalLength35mm } = await readExifFocal(fs.readFileSync('photo.jpg'));
 */
export async function readExifFocal(bytes: Buffer): Promise<ExifFocal> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(bytes, { pick: ['Make', 'Model', 'FocalLength', 'FocalLengthIn35mmFormat'], reviveValues: false, translateValues: false });
  } catch {
    raw = undefined;
  }
  const make = typeof raw?.Make === 'string' ? raw.Make.trim() : '';
  const model = typeof raw?.Model === 'string' ? raw.Model.trim() : '';
  const camera = model ? (model.startsWith(make) ? model : `${make} ${model}`.trim()) : make || null;
  return { camera, focalLengthMm: positive(raw?.FocalLength), focalLength35mm: positive(raw?.FocalLengthIn35mmFormat) };
}
