/** `deja index`'s own helper (actions/ingest/): which photo of a run each CSV row names. */
import path from 'node:path';

/** A photo of this run's sources: its collection id, its path there, and its path relative to its source. */
export interface RunPhoto {
  id: number;
  /** Absolute file path, or `archive path#member` (a stored photo's path or one of its aliases). */
  path: string;
  /** `/`-separated path below the folder walked, the archive member name, or the file name. */
  relPath: string;
}

/** A CSV row naming a photo, with its 1-based line. */
export interface CsvRowRef {
  line: number;
  file: string;
}

/** A CSV row that named no photo of the run, several, or a photo an earlier row already named. */
export interface CsvRowProblem {
  line: number;
  /** unmatched: no photo of the run; ambiguous: several; repeated: a photo an earlier row named. */
  kind: 'unmatched' | 'ambiguous' | 'repeated';
  message: string;
}

export interface CsvRowMatches<R> {
  /** Photo id → the row that names it. */
  byPhoto: Map<number, R>;
  problems: CsvRowProblem[];
}

/**
 * Matches CSV rows to the photos of this run only, never to the rest of the collection. A row's `file`
 * is tried, in order, as (1) a path relative to the CSV's folder (or absolute), (2) a path relative to a
 * source (below the folder, the archive member name), (3) a bare file name, only when it is unique among
 * the run's photos. The first way that finds photos decides; finding several distinct photos there is a
 * reported ambiguity, not a guess.
 * @param rows CSV rows in file order
 * @param photos every photo found in this run's sources (copies of one photo share its id)
 * @param csvDir absolute folder of the CSV
 * @example matchCsvRows([{ line: 2, file: '0.jpg' }], [{ id: 7, path: '/d/images/0.jpg', relPath: '0.jpg' }], '/d').byPhoto.get(7)
 */
export function matchCsvRows<R extends CsvRowRef>(rows: readonly R[], photos: readonly RunPhoto[], csvDir: string): CsvRowMatches<R> {
  const byPath = groupBy(photos, (p) => p.path);
  const byRel = groupBy(photos, (p) => p.relPath);
  const byName = groupBy(photos, (p) => path.posix.basename(p.relPath));
  const byPhoto = new Map<number, R>();
  const lineOf = new Map<number, number>();
  const problems: CsvRowProblem[] = [];
  for (const row of rows) {
    const norm = path.posix.normalize(row.file.trim().replace(/\\/g, '/'));
    const found =
      byPath.get(path.resolve(csvDir, norm)) ?? byRel.get(norm) ?? (norm.includes('/') ? undefined : byName.get(norm));
    const ids = [...new Set((found ?? []).map((p) => p.id))];
    if (ids.length === 0) problems.push({ line: row.line, kind: 'unmatched', message: `"${row.file}" matches no photo of the sources indexed; this row is ignored` });
    else if (ids.length > 1) {
      const some = found!.slice(0, 3).map((p) => p.path);
      problems.push({
        line: row.line,
        kind: 'ambiguous',
        message: `"${row.file}" matches ${ids.length} photos (${some.join(', ')}${ids.length > 3 ? ', …' : ''}); give its path relative to the CSV's folder or to its source`,
      });
    } else if (lineOf.has(ids[0])) problems.push({ line: row.line, kind: 'repeated', message: `"${row.file}" names the same photo as line ${lineOf.get(ids[0])}; this row is ignored` });
    else {
      byPhoto.set(ids[0], row);
      lineOf.set(ids[0], row.line);
    }
  }
  return { byPhoto, problems };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
