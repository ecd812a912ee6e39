import path from 'node:path';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { contactSheet } from '../io/sheet.ts';
import type { Collection } from '../store/collection.ts';
import { searchPhotos, type SearchHit, type SearchOptions } from './shared/searchPhotos.ts';
import { createEncoderResolved, parseCombinedSpec } from '../encoders/factory.ts';
import { selfInCollection, type SelfInCollection } from '../store/selfInCollection.ts';
import { collectionImage, queryPhoto } from './shared/photoImage.ts';
import { displayName } from '../core/displayName.ts';

/** The stable `deja search --json` schema. */
export interface SearchResult {
  query: string;
  encoder: string;
  results: { id: number; path: string; distance: number }[];
  /** The query's own record in the collection (found by content hash), or null. */
  selfInCollection: SelfInCollection | null;
  /** The query's own record was left out of the results (`excludeSelf`). */
  excludedSelf: boolean;
}

/** Searches with a photo file; optionally writes a contact sheet (query first, then neighbours with distances). */
export async function searchFile(
  collection: Collection,
  file: string,
  options: SearchOptions & { sheet?: string; excludeSelf?: boolean },
): Promise<SearchResult & { hits: SearchHit[] }> {
  const sheetFormat = options.sheet ? checkOutputFile(options.sheet, '--sheet', 'sheet') : null;
  // Refuse a bad encoder spec before spending time on the photo.
  await Promise.all(parseCombinedSpec(options.encoder ?? 'gist').map((p) => createEncoderResolved(p.spec)));
  const { image, bytes } = await queryPhoto(file);
  const self = selfInCollection(collection, bytes);
  const excludedSelf = !!options.excludeSelf && self !== null;
  const k = options.k ?? 10;
  const found = await searchPhotos(collection, image, { ...options, k: excludedSelf ? Math.min(k + 1, 10000) : k });
  const hits = excludedSelf ? found.filter((h) => h.id !== self.id).slice(0, k) : found;
  if (options.sheet) {
    const tiles = [{ image, caption: `query\n${path.basename(file)}` }];
    for (const h of hits)
      tiles.push({ image: await collectionImage(collection, h.id, 200), caption: `${h.distance.toFixed(3)}${h.mirrored ? ' (mirror)' : ''}\n${displayName(h.path)}` });
    const bytes = await contactSheet(tiles, { columns: Math.min(6, tiles.length), tileSize: 180, title: `deja search ${options.encoder ?? 'gist'}` }, sheetFormat === 'png' ? 'png' : 'jpeg');
    writeOutputFile(options.sheet, bytes);
  }
  return {
    query: path.resolve(file),
    encoder: options.encoder ?? 'gist',
    results: hits.map((h) => ({ id: h.id, path: h.path, distance: h.distance })),
    selfInCollection: self,
    excludedSelf,
    hits,
  };
}

export { displayName };
