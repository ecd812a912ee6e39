import { DejaError } from './errors.ts';
import type { Image } from './image.ts';

/** Smallest photo side accepted: below the 32×32 thumbnail every encoder starts from, there is nothing to compare. */
export const MIN_PHOTO_SIDE = 32;

/** @throws DejaError TOO_SMALL for a photo smaller than the 32×32 thumbnail. */
export function checkPhotoSize(image: Image, file: string): void {
  if (Math.min(image.width, image.height) < MIN_PHOTO_SIDE)
    throw new DejaError('TOO_SMALL', `photo is ${image.width}×${image.height}, smaller than the ${MIN_PHOTO_SIDE}×${MIN_PHOTO_SIDE} thumbnail it is compared by`, {
      file,
      hint: `use a photo at least ${MIN_PHOTO_SIDE} pixels on each side`,
    });
}
