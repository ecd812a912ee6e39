/**
 * A small real collection that every page of the web app and every API route can work on: world
 * street-view photos (colour, geotagged from photos.csv, labelled with their country) with the
 * descriptors search, complete (gist), locate (gist+tiny+lab-hist), colorize (tiny-gray) and
 * classify use. Built once per test file into a temporary folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { csvRecords } from '../src/io/csv.ts';
import { sharedData } from './helpers.ts';

export const streetview = path.join(sharedData, 'world-streetview');
export const SERVE_ENCODERS = ['gist', 'tiny', 'lab-hist', 'tiny-gray'];

/** Every `stride`-th street-view photo (file names), in photos.csv order. */
export function streetviewSample(stride = 16): string[] {
  const [header, ...rows] = csvRecords(fs.readFileSync(path.join(streetview, 'photos.csv'), 'utf8'));
  const file = header.cells.indexOf('file');
  return rows.filter((_, i) => i % stride === 0).map((r) => r.cells[file]);
}

/** Builds the collection in `dir` (about 75 photos) and returns the photo files it holds. */
export async function buildServeCollection(dir: string, stride = 16): Promise<string[]> {
  const sample = streetviewSample(stride);
  const list = path.join(dir, 'photos.txt');
  fs.mkdirSync(dir, { recursive: true });
  const files = sample.map((f) => path.join(streetview, 'images', f));
  fs.writeFileSync(list, files.join('\n') + '\n');
  const c = Collection.open(path.join(dir, 'collection'), { create: true });
  try {
    const csv = path.join(streetview, 'photos.csv');
    await ingest(c, [list], { encoders: SERVE_ENCODERS, geoCsv: csv, labelsCsv: csv, labelColumn: 'country', threads: 2 });
  } finally {
    c.close();
  }
  return files;
}
