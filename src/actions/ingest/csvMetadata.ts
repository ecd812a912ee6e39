/** `deja index`'s own helper (actions/ingest/): labels and geotags from CSVs for the photos of a run. */
import path from 'node:path';
import { DejaError } from '../../core/errors.ts';
import { readCsv, column } from '../../io/csv.ts';
import type { GeoCsv } from '../../io/geoCsv.ts';
import { readExif } from '../../io/exif.ts';
import type { Collection, PhotoRecord } from '../../store/collection.ts';
import { matchCsvRows, type CsvRowProblem, type RunPhoto } from './csvRowMatch.ts';

/** One usable row of a labels CSV. */
export interface LabelRow {
  line: number;
  file: string;
  label: string;
}

/**
 * Reads a labels CSV (`--labels`): a file column (file, path, member, filename or image) and the label
 * column (`labelColumn`, or label, category or class). Rows with an empty file or label are passed over.
 * @throws DejaError NOT_FOUND, BAD_ARGUMENT (no such columns, naming the ones found)
 */
export function readLabelsCsv(file: string, labelColumn?: string): LabelRow[] {
  const csv = readCsv(file);
  const f = column(csv, 'file', 'path', 'member', 'filename', 'image');
  const l = labelColumn ? column(csv, labelColumn) : column(csv, 'label', 'category', 'class');
  if (f < 0 || l < 0)
    throw new DejaError('BAD_ARGUMENT', `labels CSV needs a file column and ${labelColumn ? `a "${labelColumn}" column` : 'a label column'}; found [${csv.header.join(', ')}]`, {
      file,
      hint: labelColumn ? 'pick one of those with --label-column' : 'name the columns file,label, or pick the label column with --label-column',
    });
  return csv.rows.filter((r) => r.cells[f]?.trim() && r.cells[l]?.trim()).map((r) => ({ line: r.line, file: r.cells[f].trim(), label: r.cells[l].trim() }));
}

/**
 * The collection's photos among the paths this run found (photos stored under the path, or under
 * another path the run's path is an exact copy of); paths that were skipped are not photos.
 */
export function runPhotos(collection: Collection, found: readonly { path: string; relPath: string }[]): { photos: RunPhoto[]; records: Map<number, PhotoRecord> } {
  const records = new Map<number, PhotoRecord>();
  const idByPath = new Map<string, number>();
  for (const p of collection.photos()) {
    records.set(p.id, p);
    idByPath.set(p.path, p.id);
  }
  for (const g of collection.exactDuplicateGroups()) for (const p of g.paths) if (!idByPath.has(p)) idByPath.set(p, g.photoId);
  const photos: RunPhoto[] = [];
  for (const f of found) {
    const id = idByPath.get(f.path);
    if (id !== undefined) photos.push({ id, path: f.path, relPath: f.relPath });
  }
  return { photos, records };
}

/** Sets the labels a CSV gives the run's photos; returns how many changed and the rows that matched badly. */
export function applyLabelsCsv(collection: Collection, file: string, rows: LabelRow[], run: ReturnType<typeof runPhotos>): { labelled: number; problems: CsvRowProblem[] } {
  const { byPhoto, problems } = matchCsvRows(rows, run.photos, path.dirname(path.resolve(file)));
  let labelled = 0;
  collection.transaction(() => {
    for (const [id, row] of byPhoto) {
      if (run.records.get(id)?.label === row.label) continue;
      collection.setLabel(id, row.label);
      labelled++;
    }
  });
  return { labelled, problems };
}

/**
 * Sets the positions (and capture times) a geotag CSV gives the run's photos. A photo whose EXIF has GPS
 * keeps it unless `overridesExif`: the camera's fix is better evidence than a list made elsewhere.
 * Only a photo that already has a position other than the row's is read again to tell EXIF from an earlier CSV.
 */
export async function applyGeoCsv(
  collection: Collection,
  file: string,
  csv: GeoCsv,
  run: ReturnType<typeof runPhotos>,
  overridesExif: boolean,
): Promise<{ geotagged: number; keptExif: number; problems: CsvRowProblem[] }> {
  const { byPhoto, problems } = matchCsvRows(csv.rows, run.photos, path.dirname(path.resolve(file)));
  const updates: { id: number; latitude: number; longitude: number; takenAt: string | null }[] = [];
  let keptExif = 0;
  for (const [id, row] of byPhoto) {
    const p = run.records.get(id)!;
    const moved = p.latitude !== row.latitude || p.longitude !== row.longitude;
    if (moved && p.latitude !== null && !overridesExif && (await hasExifGps(collection, id))) {
      keptExif++;
      continue;
    }
    updates.push({ id, latitude: row.latitude, longitude: row.longitude, takenAt: row.takenAt ?? p.takenAt });
  }
  collection.transaction(() => {
    for (const u of updates) collection.setGeo(u.id, u.latitude, u.longitude, u.takenAt);
  });
  return { geotagged: updates.length, keptExif, problems };
}

async function hasExifGps(collection: Collection, id: number): Promise<boolean> {
  try {
    return (await readExif(collection.readPhotoBytes(id))).latitude !== null;
  } catch {
    return true; // unreadable now: keep the position rather than risk replacing EXIF GPS
  }
}
