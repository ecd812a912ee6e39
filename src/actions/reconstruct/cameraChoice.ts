/**
 * Which camera setup `deja reconstruct` uses: one shared camera, or one per photo. 'auto' picks
 * per-image when the photos differ in size, or when their EXIF names different cameras or focal
 * lengths (internet photos, zoom lenses); a folder from one camera at one zoom keeps the shared one.
 */
import { DejaError } from '../../core/errors.ts';
import type { ExifFocal } from '../../io/exifFocal.ts';

/** What the choice looks at, per photo. */
export interface CameraChoicePhoto {
  name: string;
  width: number;
  height: number;
  exif: ExifFocal;
}

/**
 * The camera setup for the photos.
 *
 * @param requested - 'shared', 'per-image' or 'auto'.
 * @param knownK - whether --K or the pinhole model was asked (both mean one shared camera).
 * @returns 'shared' or 'per-image', and why.
 * @throws DejaError BAD_ARGUMENT for per-image with --K or pinhole; for shared with photos of different sizes.
 */
export function chooseCameras(requested: 'auto' | 'shared' | 'per-image', photos: readonly CameraChoicePhoto[], knownK: boolean): { cameras: 'shared' | 'per-image'; why: string } {
  if (requested === 'per-image' && knownK)
    throw new DejaError('BAD_ARGUMENT', 'per-image cameras start from EXIF and are refined; --K and --camera-model pinhole describe one shared camera', { hint: 'drop --K / --camera-model pinhole, or use --cameras shared' });
  const first = photos[0];
  const odd = photos.find((p) => p.width !== first.width || p.height !== first.height);
  if (requested === 'shared' || knownK) {
    if (odd) {
      throw new DejaError('BAD_ARGUMENT', `photos differ in size (${first.name} ${first.width}×${first.height}, ${odd.name} ${odd.width}×${odd.height}); one shared camera needs one size`,
        { hint: knownK ? 'reconstruct photos from one camera at one size' : 'use --cameras per-image (or auto) for photos from different cameras' });
    }
    return { cameras: 'shared', why: requested === 'shared' ? 'asked' : 'a known K is one shared camera' };
  }
  if (requested === 'per-image') return { cameras: 'per-image', why: 'asked' };
  if (odd) return { cameras: 'per-image', why: `sizes differ (${first.name} ${first.width}×${first.height}, ${odd.name} ${odd.width}×${odd.height})` };
  const key = (e: ExifFocal) => `${e.camera ?? '?'}|${e.focalLengthMm ?? '?'}|${e.focalLength35mm ?? '?'}`;
  const other = photos.find((p) => key(p.exif) !== key(first.exif));
  if (other) return { cameras: 'per-image', why: `EXIF differs (${first.name}: ${describe(first.exif)}; ${other.name}: ${describe(other.exif)})` };
  return { cameras: 'shared', why: 'one size, and the same camera and focal length in EXIF (or none)' };
}

function describe(e: ExifFocal): string {
  const f = e.focalLength35mm ? `${e.focalLength35mm} mm (35 mm eq.)` : e.focalLengthMm ? `${e.focalLengthMm} mm` : 'no focal length';
  return `${e.camera ?? 'no camera'}, ${f}`;
}
