/** Client-side downsizing of a chosen photo, so uploads and the mask stay small (longer side ≤ 1024 px). */

export const MAX_SIDE = 1024;

/**
 * The size of a `width`×`height` photo scaled down (never up) so its longer side is at most `maxSide`.
 * @example fitSize(4000, 3000, 1024) // { width: 1024, height: 768 }
 */
export function fitSize(width: number, height: number, maxSide = MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Decodes `file` (EXIF orientation applied, as the browser shows it) and draws it on a canvas of at
 * most `maxSide` pixels on the longer side.
 * @throws Error when the browser cannot decode the file as an image
 */
export async function downscalePhoto(file: Blob, maxSide = MAX_SIDE): Promise<HTMLCanvasElement> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new Error(`${file instanceof File ? file.name : 'the file'} is not an image this browser can read (try a JPEG or PNG)`);
  }
  const { width, height } = fitSize(bitmap.width, bitmap.height, maxSide);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return canvas;
}

/** A canvas's pixels as an encoded image. */
export function canvasBlob(canvas: HTMLCanvasElement, type: 'image/png' | 'image/jpeg', quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`could not encode the ${canvas.width}×${canvas.height} canvas as ${type}`))), type, quality),
  );
}
