import exifr from 'exifr';

/** What Deja keeps from a photo's EXIF. */
export interface PhotoExif {
  latitude: number | null;
  longitude: number | null;
  /** ISO 8601 local time (`2024-09-12T14:03:55`), with `+02:00`-style offset when EXIF has OffsetTimeOriginal. */
  takenAt: string | null;
  camera: string | null;
  /** The raw fields read, for the record. */
  fields: Record<string, unknown> | null;
}

const EMPTY: PhotoExif = { latitude: null, longitude: null, takenAt: null, camera: null, fields: null };

/**
 * Reads GPS, capture time and camera from EXIF with exifr. Missing or unreadable EXIF is normal
 * and gives nulls, never an error.
 */
export async function readExif(bytes: Buffer): Promise<PhotoExif> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(bytes, {
      pick: ['Make', 'Model', 'DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'GPSLatitude', 'GPSLongitude', 'GPSLatitudeRef', 'GPSLongitudeRef', 'Orientation'],
      gps: true,
      reviveValues: false,
      translateValues: false,
    });
  } catch {
    return EMPTY;
  }
  if (!raw) return EMPTY;
  const lat = typeof raw.latitude === 'number' && Number.isFinite(raw.latitude) ? raw.latitude : null;
  const lon = typeof raw.longitude === 'number' && Number.isFinite(raw.longitude) ? raw.longitude : null;
  const valid = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
  const make = typeof raw.Make === 'string' ? raw.Make.trim() : '';
  const model = typeof raw.Model === 'string' ? raw.Model.trim() : '';
  const camera = model ? (model.startsWith(make) ? model : `${make} ${model}`.trim()) : make || null;
  return {
    latitude: valid ? lat : null,
    longitude: valid ? lon : null,
    takenAt: exifTime(raw.DateTimeOriginal ?? raw.CreateDate, raw.OffsetTimeOriginal),
    camera,
    fields: jsonSafe(raw),
  };
}

/** `2024:09:12 14:03:55` + `+02:00` → `2024-09-12T14:03:55+02:00`. */
export function exifTime(value: unknown, offset: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m || m[1] === '0000') return null;
  const off = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${off}`;
}

function jsonSafe(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v instanceof Uint8Array || (typeof v === 'object' && v !== null && !Array.isArray(v))) continue;
    out[k] = v;
  }
  return out;
}
