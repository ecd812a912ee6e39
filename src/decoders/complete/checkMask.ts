import { DejaError } from '../../core/errors.ts';
import { bandRadius, holeStats } from './contextBand.ts';

/** Smallest photo side scene completion works on (a context band needs room around the hole). */
export const MIN_COMPLETION_SIDE = 24;

/**
 * Validates a hole mask for completion and returns the warnings for documented adjustments.
 *
 * Refused (one-line DejaError): a photo shorter than 24 px, an empty mask (nothing to fill), an all-white
 * mask or one leaving less than 2% of the photo known (no context to match), a hole whose context band
 * is empty. Warned: a hole touching the border (its band is one-sided there; completion still works).
 *
 * @param mask `w*h`, 1 = hole
 * @param file the mask's name, for messages
 * @throws DejaError TOO_SMALL, BAD_ARGUMENT
 */
export function checkMask(mask: Uint8Array, w: number, h: number, file?: string): string[] {
  if (Math.min(w, h) < MIN_COMPLETION_SIDE)
    throw new DejaError('TOO_SMALL', `photo is ${w}x${h}, smaller than the ${MIN_COMPLETION_SIDE}-px minimum for a context band`, {
      file,
      hint: 'use a larger photo',
    });
  const { holePixels, touchesBorder } = holeStats(mask, w, h);
  if (holePixels === 0) throw new DejaError('BAD_ARGUMENT', 'mask is empty: no white (hole) pixels to fill', { file, hint: 'paint the region to fill in white on black' });
  const known = w * h - holePixels;
  if (known === 0) throw new DejaError('BAD_ARGUMENT', 'mask is all white: nothing of the photo is left to match', { file, hint: 'white marks only the region to fill; keep the rest black' });
  if (known < 0.02 * w * h)
    throw new DejaError('BAD_ARGUMENT', `mask covers ${((100 * holePixels) / (w * h)).toFixed(1)}% of the photo: too little context is left`, {
      file,
      hint: 'keep at least 2% of the photo known (black)',
    });
  const warnings: string[] = [];
  if (touchesBorder) warnings.push(`the hole touches the photo border: its ${bandRadius(w, h)}-px context band is one-sided there`);
  return warnings;
}
