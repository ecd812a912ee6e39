import type { Collection, EncoderInfo } from '../store/collection.ts';

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
}

/** A summary of what a collection holds. */
export function collectionInfo(collection: Collection): CollectionInfo {
  return {
    collection: collection.dir,
    photos: collection.count(),
    duplicates: collection.aliasCount(),
    skipped: collection.skippedItems().length,
    encoders: collection.encoders(),
    ...collection.stats(),
  };
}
