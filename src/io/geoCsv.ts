import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';
import { csvRecords } from './csv.ts';

/** One usable row of a geotag CSV. */
export interface GeoCsvRow {
  /** The photo as written in the CSV (a path or file name, matched by the caller). */
  file: string;
  /** 1-based line of the row in the CSV (for reports). */
  line: number;
  /** WGS84 degrees in [-90, 90]. */
  latitude: number;
  /** WGS84 degrees in [-180, 180]. */
  longitude: number;
  /** ISO 8601 capture time (`2024-09-23T16:06:58-04:00`, or without offset when the CSV had none). */
  takenAt?: string;
}

/** A row that was skipped (or a value that was ignored), with its 1-based line number. */
export interface GeoCsvProblem {
  line: number;
  message: string;
}

export interface GeoCsv {
  rows: GeoCsvRow[];
  problems: GeoCsvProblem[];
}

const FILE_NAMES = ['file', 'filename', 'file_name', 'path', 'name', 'image', 'photo'];
const LAT_NAMES = ['latitude', 'lat', 'gps_latitude'];
const LON_NAMES = ['longitude', 'lon', 'lng', 'long', 'gps_longitude'];
const TIME_NAMES = ['time', 'datetime', 'datetime_original', 'taken_at', 'takenat', 'date', 'timestamp', 'captured_at'];
const OFFSET_NAMES = ['utc_offset', 'offset', 'offset_time_original', 'timezone_offset'];

/**
 * Reads a CSV mapping photos to positions (`deja index --geo file.csv`): columns file, latitude,
 * longitude and optionally a capture time (plus a UTC offset column). A header row is detected when its
 * latitude/longitude cells are not numbers, and then columns are found by name (file/path/name,
 * latitude/lat, longitude/lon/lng, time/datetime/datetime_original/taken_at, utc_offset); without a header
 * the order is file, latitude, longitude[, time]. Comma, semicolon or tab separated; RFC 4180 quotes.
 * Rows with a missing file, missing or non-numeric or out-of-range coordinates, or a repeated file are
 * reported with their line number and skipped; an unreadable time is reported and dropped, keeping the position.
 *
 * @param path the CSV file
 * @returns the usable rows in file order and the problems found
 * @throws DejaError NOT_FOUND when the file is missing, NO_DATA when it has no columns for latitude/longitude
 * @example readGeoCsv('photos.csv').rows[0] // { file: '0.jpg', line: 2, latitude: -38.1489, longitude: 144.3487 }
 */
export function readGeoCsv(path: string): GeoCsv {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    throw new DejaError('NOT_FOUND', 'geotag CSV not found', { file: path, hint: 'pass the path of a CSV with columns file, latitude, longitude[, time]' });
  }
  return parseGeoCsv(text, path);
}

/**
 * Parses geotag CSV text (see `readGeoCsv`).
 * @param text the CSV content (a leading BOM is ignored)
 * @param name file name for error messages
 */
export function parseGeoCsv(text: string, name = 'CSV'): GeoCsv {
  const records = csvRecords(text);
  const problems: GeoCsvProblem[] = [];
  const rows: GeoCsvRow[] = [];
  if (records.length === 0) return { rows, problems };
  const cols = detectColumns(records[0].cells, name);
  const seen = new Set<string>();
  for (const rec of records.slice(cols.header ? 1 : 0)) {
    const row = parseRow(rec.cells, cols, rec.line, problems);
    if (!row) continue;
    if (seen.has(row.file)) {
      problems.push({ line: rec.line, message: `"${row.file}" appears again; this row is skipped` });
      continue;
    }
    seen.add(row.file);
    rows.push(row);
  }
  return { rows, problems };
}

interface Columns {
  header: boolean;
  file: number;
  lat: number;
  lon: number;
  time: number;
  offset: number;
}

function detectColumns(first: string[], name: string): Columns {
  const lower = first.map((c) => c.trim().toLowerCase());
  const find = (names: string[]) => lower.findIndex((c) => names.includes(c));
  const numeric = (s: string | undefined) => s !== undefined && s.trim() !== '' && Number.isFinite(Number(s));
  if (numeric(first[1]) && numeric(first[2])) return { header: false, file: 0, lat: 1, lon: 2, time: first.length > 3 ? 3 : -1, offset: -1 };
  const cols = { header: true, file: find(FILE_NAMES), lat: find(LAT_NAMES), lon: find(LON_NAMES), time: find(TIME_NAMES), offset: find(OFFSET_NAMES) };
  if (cols.lat < 0 || cols.lon < 0)
    throw new DejaError('NO_DATA', `no latitude/longitude columns in the header [${first.join(', ')}]`, {
      file: name,
      hint: 'name them latitude and longitude (or lat, lon), or omit the header and use the order file, latitude, longitude[, time]',
    });
  if (cols.file < 0) cols.file = 0;
  return cols;
}

function parseRow(cells: string[], cols: Columns, line: number, problems: GeoCsvProblem[]): GeoCsvRow | undefined {
  const skip = (message: string) => void problems.push({ line, message: `${message}; this row is skipped` });
  const file = (cells[cols.file] ?? '').trim();
  if (file === '') return skip('no file name');
  const latText = (cells[cols.lat] ?? '').trim();
  const lonText = (cells[cols.lon] ?? '').trim();
  if (latText === '' || lonText === '') return skip(`"${file}" has no ${latText === '' ? 'latitude' : 'longitude'}`);
  const latitude = Number(latText);
  const longitude = Number(lonText);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return skip(`"${file}" has a coordinate that is not a number ("${latText}", "${lonText}")`);
  if (latitude < -90 || latitude > 90) return skip(`"${file}" has latitude ${latitude}, expected a number between -90 and 90`);
  if (longitude < -180 || longitude > 180) return skip(`"${file}" has longitude ${longitude}, expected a number between -180 and 180`);
  const row: GeoCsvRow = { file, line, latitude, longitude };
  const timeText = cols.time >= 0 ? (cells[cols.time] ?? '').trim() : '';
  if (timeText !== '') {
    const takenAt = isoTime(timeText, cols.offset >= 0 ? (cells[cols.offset] ?? '').trim() : '');
    if (takenAt) row.takenAt = takenAt;
    else problems.push({ line, message: `"${file}" has an unreadable time "${timeText}" (expected ISO 8601 or EXIF YYYY:MM:DD HH:MM:SS); the time is ignored, the position kept` });
  }
  return row;
}

/** ISO 8601 or EXIF `YYYY:MM:DD HH:MM:SS`, with an optional separate `±HH:MM` offset → ISO 8601. */
function isoTime(text: string, offset: string): string | undefined {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac = '', tz] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 60) return undefined;
  let zone = tz ?? (/^[+-]\d{2}:?\d{2}$/.test(offset) ? offset : offset.toUpperCase() === 'Z' ? 'Z' : '');
  if (zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`;
}
