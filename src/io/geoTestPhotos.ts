import fs from 'node:fs';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { readGeoCsv } from './geoCsv.ts';
import { readRegularFile } from './readRegularFile.ts';
import { listSources } from './sources.ts';

/** One test photo of `deja eval locate --test`: where it is, how to read it, and its truth when a CSV gives it. */
export interface GeoTestPhoto {
  /** Absolute path, or `archive#member`. */
  path: string;
  /** Reads the bytes (throws DejaError: NOT_FOUND, IO_ERROR, TOO_LARGE). */
  read(): Buffer;
  /** The CSV's position and time; absent for a folder (the truth is then the photo's EXIF GPS). */
  truth?: { latitude: number; longitude: number; takenAt?: string };
}

/**
 * The test photos of a geolocation evaluation: a CSV `file,latitude,longitude[,time]` (files relative to
 * the CSV's folder; bad rows are reported by line) or anything `listSources` reads (a folder, archive or
 * list file, truth from EXIF).
 * @param test the CSV or source path
 * @returns the photos in source order and the rows skipped, `{ path: 'file.csv:line', reason }`
 * @throws DejaError NOT_FOUND when `test` does not exist, and the errors of `readGeoCsv`
 * @example (await listGeoTestPhotos('test.csv')).photos[0].truth // { latitude: 39.95, longitude: -75.19 }
 */
export async function listGeoTestPhotos(test: string): Promise<{ photos: GeoTestPhoto[]; skipped: { path: string; reason: string }[] }> {
  let st: fs.Stats;
  try {
    st = fs.statSync(test);
  } catch {
    throw new DejaError('NOT_FOUND', 'test folder or CSV not found', { file: test, hint: 'pass a folder of geotagged photos or a CSV file,latitude,longitude[,time]' });
  }
  const photos: GeoTestPhoto[] = [];
  const skipped: { path: string; reason: string }[] = [];
  if (st.isFile() && test.toLowerCase().endsWith('.csv')) {
    const csv = readGeoCsv(test);
    for (const p of csv.problems) skipped.push({ path: `${test}:${p.line}`, reason: p.message });
    for (const r of csv.rows) {
      const file = path.resolve(path.dirname(test), r.file);
      photos.push({ path: file, read: () => readRegularFile(file), truth: r });
    }
  } else for await (const item of listSources([test])) photos.push({ path: item.path, read: () => item.read() });
  return { photos, skipped };
}
