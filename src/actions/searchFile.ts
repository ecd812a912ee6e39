import path from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../core/parseOptions.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { contactSheet } from '../io/sheet.ts';
import type { Collection } from '../store/collection.ts';
import { SearchOptions, searchPhotos, type SearchHit } from './shared/searchPhotos.ts';
import { createEncoderResolved, parseCombinedSpec } from '../encoders/factory.ts';
import { selfInCollection, type SelfInCollection } from '../store/selfInCollection.ts';
import { collectionImage, queryPhoto } from './shared/photoImage.ts';
import { displayName } from '../core/displayName.ts';

/** Options of `deja search`: the search's, and what to do with the query photo and the results. */
export const SearchFileOptions = SearchOptions.extend({
  sheet: z.string().min(1).optional().describe('Contact sheet to write (.jpg or .png): the query, then the neighbours with their distances.'),
  excludeSelf: z.boolean().default(false).describe("Leave the query photo out of its neighbours when it is itself in the collection (found by content hash)."),
});
export type SearchFileOptions = z.input<typeof SearchFileOptions>;

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
export async function searchFile(collection: Collection, file: string, rawOptions: SearchFileOptions = {}): Promise<SearchResult & { hits: SearchHit[] }> {
  const { sheet, excludeSelf: leaveOut, ...search } = parseOptions(SearchFileOptions, rawOptions);
  const sheetFormat = sheet ? checkOutputFile(sheet, '--sheet', 'sheet') : null;
  // Refuse a bad encoder spec before spending time on the photo.
  await Promise.all(parseCombinedSpec(search.encoder).map((p) => createEncoderResolved(p.spec)));
  const { image, bytes } = await queryPhoto(file);
  const self = selfInCollection(collection, bytes);
  const excludedSelf = leaveOut && self !== null;
  const k = search.k;
  const found = await searchPhotos(collection, image, { ...search, k: excludedSelf ? Math.min(k + 1, 10000) : k });
  const hits = excludedSelf ? found.filter((h) => h.id !== self.id).slice(0, k) : found;
  if (sheet) {
    const tiles = [{ image, caption: `query\n${path.basename(file)}` }];
    for (const h of hits)
      tiles.push({ image: await collectionImage(collection, h.id, 200), caption: `${h.distance.toFixed(3)}${h.mirrored ? ' (mirror)' : ''}\n${displayName(h.path)}` });
    const bytes = await contactSheet(tiles, { columns: Math.min(6, tiles.length), tileSize: 180, title: `deja search ${search.encoder}` }, sheetFormat === 'png' ? 'png' : 'jpeg');
    writeOutputFile(sheet, bytes);
  }
  return {
    query: path.resolve(file),
    encoder: search.encoder,
    results: hits.map((h) => ({ id: h.id, path: h.path, distance: h.distance })),
    selfInCollection: self,
    excludedSelf,
    hits,
  };
}

export { displayName };
