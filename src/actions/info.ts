import { z } from 'zod';
import { parseOptions } from '../core/parseOptions.ts';
import type { Collection, EncoderInfo } from '../store/collection.ts';

/** Options of `deja info`. */
export const InfoOptions = z.object({
  skipped: z.boolean().default(false).describe('Also list every skipped file with its reason (`skippedItems`).'),
});
export type InfoOptions = z.input<typeof InfoOptions>;

export interface CollectionInfo {
  collection: string;
  photos: number;
  duplicates: number;
  skipped: number;
  geotagged: number;
  labelled: number;
  labels: { label: string; count: number }[];
  encoders: EncoderInfo[];
  diskBytes: number;
  /** The skipped files with their reasons, with `skipped: true` only. */
  skippedItems?: { path: string; code: string; reason: string; at: string }[];
}

/**
 * A summary of what a collection holds.
 * @throws DejaError BAD_ARGUMENT for bad options
 */
export function collectionInfo(collection: Collection, rawOptions: InfoOptions = {}): CollectionInfo {
  const options = parseOptions(InfoOptions, rawOptions);
  const skippedItems = collection.skippedItems();
  return {
    collection: collection.dir,
    photos: collection.count(),
    duplicates: collection.aliasCount(),
    skipped: skippedItems.length,
    encoders: collection.encoders(),
    ...collection.stats(),
    ...(options.skipped ? { skippedItems } : {}),
  };
}
