/**
 * Locate a trip: several photos located jointly. The server splits them into trips by capture time
 * and decodes each trip's route with a human travel prior (Kalogerakis et al. 2009); the page shows
 * the routes on a map and every photo's estimates, along the trip and alone, in a table.
 */
import { ApiError, api, followJob } from '../api.ts';
import type { LocateSequenceResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, labelled, optionalInt, replace } from '../dom.ts';
import { formatKm } from '../../core/formatDistance.ts';
import { jobProgress } from '../jobProgress.ts';
import { photosPicker } from '../photosPicker.ts';
import { errorSummary } from '../tripErrors.ts';
import { encoderField, runButton, runOnSubmit } from './common.ts';
import { tripMap } from './tripMap.ts';
import { tripTable } from './tripTable.ts';

/** The trip mode of the Locate tab: its form, progress line and results. */
export function locateTripMode(): HTMLElement {
  const picker = photosPicker('locate-trip');
  const encoder = encoderField('locate-trip-encoder', 'gist+tiny+lab-hist');
  const k = el('input', { type: 'number', min: 1, max: 1000, placeholder: 'auto', inputmode: 'numeric', 'data-testid': 'locate-trip-k' });
  const gap = el('input', { type: 'number', min: 0.1, step: 'any', value: 24, inputmode: 'decimal', 'data-testid': 'locate-trip-gap' });
  const button = runButton('locate-trip-run', 'Locate');
  const error = errorSlot('locate-trip-error');
  const progress = jobProgress('locate-trip-progress');
  const results = el('div', { class: 'locate-results', 'data-testid': 'locate-trip-results' });
  const options = el('div', { class: 'options' }, encoder.field, labelled('Neighbours (k)', k), labelled('New trip after a gap of (hours)', gap), button);
  const form = el('form', { class: 'controls', 'aria-label': 'Locate trip options' }, picker.node, options);
  const previews = previewUrls();

  const check = () => (picker.files().length >= 2 ? null : 'Choose two or more photos of a trip (for a single photo, use One photo).');
  runOnSubmit(form, { button, error, results, progress }, check, async () => {
    const files = picker.files();
    progress.message(`uploading ${files.length} photos`);
    const fields = { encoder: encoder.input.value.trim() || undefined, k: optionalInt(k), maxGapHours: hours(gap) };
    const job = await api.locateSequence(files, fields).catch((err: unknown) => Promise.reject(namingFile(err)));
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.photos.length} photos in ${plural(r.trips, 'trip')} by ${r.encoder} in ${fmt.seconds(r.seconds)}`);
    previews.reset(files);
    replace(results, summary(r), tripMap(r), tripTable(r.photos, previews.of), leftOut(r));
  });
  return el('div', { class: 'mode', 'data-testid': 'locate-trip-mode' }, form, error.node, progress.node, results);
}

/** The gap in hours, or undefined (the server's default) when blank or not a positive number. */
function hours(input: HTMLInputElement): number | undefined {
  const v = Number(input.value);
  return input.value.trim() !== '' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The server refuses the whole upload for one unreadable file; among several, the error line must
 * say which one.
 */
function namingFile(err: unknown): unknown {
  if (!(err instanceof ApiError) || !err.file || err.message.includes(err.file)) return err;
  return new ApiError({ code: err.code, message: `${err.file}: ${err.message}`, hint: err.hint, file: err.file }, err.status);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Object URLs of the located photos, by file name, for the table's previews; those of the previous
 * run are revoked when the next one shows.
 */
function previewUrls(): { reset(files: File[]): void; of(name: string): string | undefined } {
  let urls = new Map<string, string>();
  return {
    reset(files) {
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls = new Map();
      for (const f of files) if (!urls.has(f.name)) urls.set(f.name, URL.createObjectURL(f));
    },
    of: (name) => urls.get(name),
  };
}

/** One line: what was located, and the median error of each estimate where the photos have GPS. */
function summary(r: LocateSequenceResult): HTMLElement {
  const s = errorSummary(r.photos);
  const located = `${plural(r.photos.length, 'photo')} located in ${plural(r.trips, 'trip')} (k = ${r.k}, kernel ${r.bandwidthKm} km).`;
  if (s.withGps === 0) return el('p', { class: 'trip-summary', 'data-testid': 'locate-trip-summary' }, located, ' No photo has GPS in its EXIF, so the errors are unknown.');
  const median = (m: { medianKm: number; count: number } | null, testid: string) =>
    m ? el('strong', { 'data-testid': testid, 'data-km': m.medianKm }, `${formatKm(m.medianKm)} over ${plural(m.count, 'photo')}`) : 'unknown';
  return el(
    'p',
    { class: 'trip-summary', 'data-testid': 'locate-trip-summary' },
    located,
    ' Median error against the photo GPS: along the trip ',
    median(s.sequence, 'locate-trip-median-sequence'),
    ', alone ',
    median(s.single, 'locate-trip-median-single'),
    '.',
  );
}

/** The photos without capture time (located alone) and the skipped ones, with their reasons. */
function leftOut(r: LocateSequenceResult): HTMLElement | null {
  if (r.withoutTime.length === 0 && r.skipped.length === 0) return null;
  return el(
    'div',
    { class: 'left-out' },
    r.withoutTime.length
      ? el('p', { 'data-testid': 'locate-trip-without-time' }, `Without capture time, so located alone and in no trip: ${r.withoutTime.join(', ')}.`)
      : null,
    r.skipped.length
      ? el(
          'div',
          {},
          el('h3', {}, `Skipped (${r.skipped.length})`),
          el('ul', { 'data-testid': 'locate-trip-skipped' }, ...r.skipped.map((s) => el('li', {}, el('strong', {}, s.path), `: ${s.reason}`))),
        )
      : null,
  );
}
