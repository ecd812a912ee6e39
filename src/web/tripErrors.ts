/** How far a located sequence's estimates fall from the photos' own GPS: per photo and as medians. */
import type { LocateSequencePhoto } from './apiTypes.ts';
import { haversineKm } from '../math/greatCircle.ts';

export interface PhotoErrors {
  /** Sequence estimate to EXIF GPS (km); null without GPS or without a sequence estimate. */
  sequenceKm: number | null;
  /** Single-photo estimate to EXIF GPS (km); null without GPS. */
  singleKm: number | null;
}

export function photoErrors(p: LocateSequencePhoto): PhotoErrors {
  if (!p.exifGps) return { sequenceKm: null, singleKm: null };
  const { exifGps: t, sequence: s, single: o } = p;
  return { sequenceKm: s ? haversineKm(s.latitude, s.longitude, t.latitude, t.longitude) : null, singleKm: haversineKm(o.latitude, o.longitude, t.latitude, t.longitude) };
}

/**
 * The median of `values` (the mean of the middle two for an even count); null for none.
 * @example median([3, 1, 2, 10]) // 2.5
 */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface ErrorSummary {
  /** Photos with EXIF GPS. */
  withGps: number;
  /** Median sequence error (km) over the photos with GPS and a sequence estimate, and their count. */
  sequence: { medianKm: number; count: number } | null;
  /** Median single-photo error (km) over the photos with GPS. */
  single: { medianKm: number; count: number } | null;
}

/** The medians of both errors, over the photos where each is known. */
export function errorSummary(photos: LocateSequencePhoto[]): ErrorSummary {
  const errors = photos.map(photoErrors);
  const of = (km: (number | null)[]) => {
    const known = km.filter((v): v is number => v !== null);
    const m = median(known);
    return m === null ? null : { medianKm: m, count: known.length };
  };
  return { withGps: photos.filter((p) => p.exifGps).length, sequence: of(errors.map((e) => e.sequenceKm)), single: of(errors.map((e) => e.singleKm)) };
}
