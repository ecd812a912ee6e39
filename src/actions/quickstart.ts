import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import type { Progress } from '../core/progress.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { contactSheet } from '../io/sheet.ts';
import { existingSources } from '../io/sources.ts';
import type { Collection } from '../store/collection.ts';
import { DEFAULT_ENCODERS, ingest, type IngestReport } from './ingest.ts';
import { searchPhotos, type SearchHit } from './shared/searchPhotos.ts';
import { collectionImage } from './shared/photoImage.ts';
import { displayName } from '../core/displayName.ts';

/** Photo sets used when `deja quickstart` is given none: the shared data beside a clone of the repo. */
export function defaultQuickstartSources(repoRoot: string): string[] {
  const data = path.resolve(repoRoot, '..', 'shared', 'data');
  return existingSources([path.join(data, 'bsds500', 'train.tar'), path.join(data, 'geotagged-europe-trips', 'images')]);
}

/** Options of `deja quickstart`. */
export const QuickstartOptions = z.object({
  sheet: z.string().min(1).default('deja-quickstart.jpg').describe('Contact sheet to write (.jpg or .png): the query photo and its nearest neighbours by gist.'),
  k: z.number().int().min(1).max(100).default(8).describe('Neighbours shown on the sheet.'),
});
export type QuickstartOptions = z.input<typeof QuickstartOptions>;

export interface QuickstartReport {
  ingest: IngestReport;
  query: string;
  results: SearchHit[];
  sheet: string;
}

/**
 * The main job on built-in defaults: index the photos (embedded store, resumable), then search the
 * collection with one of its photos and write a contact sheet of what it found.
 * @throws DejaError BAD_ARGUMENT (options, the sheet's extension), NOT_FOUND (no sources), EMPTY_COLLECTION
 */
export async function quickstart(collection: Collection, sources: string[], rawOptions: QuickstartOptions, progress: Progress): Promise<QuickstartReport> {
  const { sheet, k } = parseOptions(QuickstartOptions, rawOptions);
  const sheetFormat = checkOutputFile(sheet, '--sheet', 'sheet');
  if (sources.length === 0)
    throw new DejaError('NOT_FOUND', 'no photos given and no shared data beside this checkout', { hint: 'run `deja quickstart <your photo folder>`' });
  // The default encoders serve every page of `deja serve`, colorize included.
  const report = await ingest(collection, sources, { encoders: [...DEFAULT_ENCODERS] }, progress);
  const photos = collection.photos();
  if (photos.length === 0) throw new DejaError('EMPTY_COLLECTION', 'none of the given files could be indexed', { file: sources[0], hint: 'see `deja info --skipped`' });
  const query = photos[Math.floor(photos.length / 3)];
  const image = await collectionImage(collection, query.id, 256);
  const results = await searchPhotos(collection, image, { encoder: 'gist', k });
  const tiles = [{ image, caption: `query\n${displayName(query.path)}` }];
  for (const h of results) tiles.push({ image: await collectionImage(collection, h.id, 180), caption: `${h.distance.toFixed(3)}\n${displayName(h.path)}` });
  writeOutputFile(sheet, await contactSheet(tiles, { columns: 5, tileSize: 180, title: 'deja quickstart: gist nearest neighbours' }, sheetFormat === 'png' ? 'png' : 'jpeg'));
  return { ingest: report, query: query.path, results, sheet: path.resolve(sheet) };
}
