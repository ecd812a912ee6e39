/**
 * The table of a located trip, one row per photo in time order: its capture time and trip, the
 * estimate along the trip and the photo's own, and, where the photo has EXIF GPS, both errors.
 */
import type { LocateSequencePhoto } from '../apiTypes.ts';
import { el, fmt } from '../dom.ts';
import { formatKm } from '../../core/formatDistance.ts';
import { tripColor } from '../tripColors.ts';
import { photoErrors } from '../tripErrors.ts';

/**
 * @param thumbnail the URL of a photo's preview by its file name (the chosen files'), or undefined
 */
export function tripTable(photos: LocateSequencePhoto[], thumbnail: (name: string) => string | undefined): HTMLElement {
  const withErrors = photos.some((p) => p.exifGps);
  const th = (text: string, title?: string) => el('th', { scope: 'col', title }, text);
  const table = el(
    'table',
    { class: 'modes trip-table', 'data-testid': 'locate-trip-table' },
    el('caption', {}, 'Photos in time order, trip by trip'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        th('Photo'),
        th('Taken', "the camera's local time"),
        th('Trip'),
        th('Along the trip', 'the estimate decoded with the travel prior'),
        th('Alone', "the photo's own estimate"),
        th('Confidence', "share of the vote at the photo's own estimate"),
        ...(withErrors ? [th('Error along the trip', 'distance to the photo GPS'), th('Error alone', 'distance to the photo GPS')] : []),
      ),
    ),
    el('tbody', {}, ...photos.map((p) => row(p, withErrors, thumbnail(p.path)))),
  );
  // Narrow screens scroll the table inside its box rather than widening the page.
  return el('div', { class: 'table-scroll' }, table);
}

function row(p: LocateSequencePhoto, withErrors: boolean, src: string | undefined): HTMLElement {
  const errors = photoErrors(p);
  const km = (v: number | null, testid: string) => el('td', { class: 'num', 'data-testid': testid, 'data-km': v ?? undefined }, v === null ? '—' : formatKm(v));
  const coords = (lat: number, lon: number, testid: string) => el('span', { class: 'coords', 'data-testid': testid, 'data-lat': lat, 'data-lon': lon }, fmt.latLon(lat, lon, 3));
  return el(
    'tr',
    { 'data-testid': 'locate-trip-row', 'data-name': p.path },
    el('td', {}, el('span', { class: 'photo-cell' }, src ? el('img', { src, alt: '', decoding: 'async', 'data-testid': 'locate-trip-thumb' }) : null, el('span', { class: 'name' }, p.path))),
    el('td', { title: p.takenAt ?? undefined }, p.takenAt ? fmt.takenAt(p.takenAt) : el('span', { class: 'where none' }, 'no time')),
    el('td', {}, p.trip === null ? '—' : el('span', { class: 'trip-badge' }, el('span', { class: 'swatch', style: `--c: ${tripColor(p.trip)}`, 'aria-hidden': 'true' }), String(p.trip + 1))),
    p.sequence
      ? el('td', {}, coords(p.sequence.latitude, p.sequence.longitude, 'locate-trip-sequence'), el('span', { class: 'where' }, p.sequence.place ?? 'unnamed place'))
      : el('td', {}, el('span', { class: 'where none' }, 'not in a trip')),
    el('td', {}, coords(p.single.latitude, p.single.longitude, 'locate-trip-single'), el('span', { class: 'where' }, p.single.place ?? 'unnamed place')),
    el('td', { class: 'num' }, fmt.percent(p.single.confidence)),
    ...(withErrors ? [km(errors.sequenceKm, 'locate-trip-error-sequence'), km(errors.singleKm, 'locate-trip-error-single')] : []),
  );
}
