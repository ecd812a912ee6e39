/**
 * Locate one photo: where on Earth it was taken, from the GPS of its nearest neighbours in the
 * collection (Hays & Efros 2008, IM2GPS): a map of the voting neighbours, the modes of their votes and
 * the estimate.
 */
import { api, followJob } from '../api.ts';
import type { LocateResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, labelled, optionalInt, replace, thumb } from '../dom.ts';
import { formatKm } from '../../core/formatDistance.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { jobProgress } from '../jobProgress.ts';
import { photoPicker } from '../photoPicker.ts';
import { worldMap, type MapPoint } from '../worldMap.ts';
import { encoderField, figure, runButton, runOnSubmit } from './common.ts';

/** The one-photo mode of the Locate tab: its form, progress line and results. */
export function locatePhotoMode(): HTMLElement {
  const picker = photoPicker('locate', () => undefined);
  const encoder = encoderField('locate-encoder', 'gist+tiny+lab-hist');
  const k = el('input', { type: 'number', min: 1, max: 1000, placeholder: 'auto', inputmode: 'numeric', 'data-testid': 'locate-k' });
  const button = runButton('locate-run', 'Locate');
  const error = errorSlot('locate-error');
  const progress = jobProgress('locate-progress');
  const results = el('div', { class: 'locate-results', 'data-testid': 'locate-results' });
  const form = el('form', { class: 'controls', 'aria-label': 'Locate options' }, picker.node, el('div', { class: 'options' }, encoder.field, labelled('Neighbours (k)', k), button));

  runOnSubmit(form, { button, error, results, progress }, () => (picker.file() ? null : 'Choose a photo first.'), async () => {
    const file = picker.file()!;
    progress.message('uploading');
    const job = await api.locate({ photo: file, encoder: encoder.input.value.trim() || undefined, k: optionalInt(k) });
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.neighbours.length} neighbours by ${r.encoder} in ${fmt.seconds(r.seconds)}`);
    show(r);
  });

  function show(r: LocateResult) {
    const { estimate, exifGps } = r;
    const facts = el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Estimate'),
      el('dd', { 'data-testid': 'locate-estimate' }, el('strong', {}, fmt.latLon(estimate.latitude, estimate.longitude)), estimate.place ? ` — ${estimate.place}` : ''),
      el('dt', {}, 'Confidence'),
      el('dd', { 'data-testid': 'locate-confidence', title: 'share of the vote at the estimate' }, fmt.percent(estimate.confidence)),
      el('dt', {}, 'Votes'),
      el('dd', {}, `${r.neighbours.filter((n) => n.voted).length} of ${r.neighbours.length} neighbours, kernel ${r.bandwidthKm} km, k = ${r.k}`),
      ...(exifGps
        ? [
            el('dt', {}, 'Photo GPS'),
            el('dd', { 'data-testid': 'locate-truth' }, fmt.latLon(exifGps.latitude, exifGps.longitude), ' — error ', el('strong', { 'data-testid': 'locate-error-km' }, formatKm(haversineKm(estimate.latitude, estimate.longitude, exifGps.latitude, exifGps.longitude)))),
          ]
        : []),
    );
    const server = el('details', { class: 'server-map' }, el('summary', {}, 'Map rendered by the server'), el('img', { src: r.map, alt: 'Map of the neighbours and the estimate, rendered by the server', 'data-testid': 'locate-server-map' }));
    replace(
      results,
      facts,
      el('div', { class: 'map-box' }, worldMap(mapPoints(r), { fit: 'points', lines: exifGps ? [[estimate, exifGps]] : [], label: 'Map of the neighbours, their modes and the estimate', testid: 'locate-map' }), legend(Boolean(exifGps))),
      server,
      modesTable(r),
      el('h3', {}, 'Nearest neighbours'),
      el('div', { class: 'results' }, ...r.neighbours.map(neighbourTile)),
    );
  }

  return el('div', { class: 'mode', 'data-testid': 'locate-photo-mode' }, form, error.node, progress.node, results);
}

function mapPoints(r: LocateResult): MapPoint[] {
  const maxSupport = Math.max(...r.modes.map((m) => m.support), 1e-9);
  return [
    ...r.neighbours.map((n): MapPoint => ({ ...n, kind: n.voted ? 'neighbour' : 'neighbour-unvoted', title: `${n.name}: distance ${fmt.distance(n.distance)}${n.voted ? '' : ' (no vote)'}` })),
    ...r.modes.map((m): MapPoint => ({ ...m, kind: 'mode', size: m.support / maxSupport, title: `mode${m.place ? ` near ${m.place}` : ''}: ${m.count} photos, support ${m.support.toFixed(2)}` })),
    { ...r.estimate, kind: 'estimate', title: `estimate${r.estimate.place ? `: ${r.estimate.place}` : ''}` },
    ...(r.exifGps ? [{ ...r.exifGps, kind: 'truth' as const, title: "the photo's own GPS" }] : []),
  ];
}

function legend(truth: boolean): HTMLElement {
  const item = (cls: string, text: string) => el('li', {}, el('span', { class: `key ${cls}`, 'aria-hidden': 'true' }), text);
  return el('ul', { class: 'legend', 'aria-label': 'Map legend' }, item('estimate', 'estimate'), truth ? item('truth', 'photo GPS') : null, item('mode', 'mode (size: support)'), item('voted', 'neighbour, voted'), item('unvoted', 'neighbour, no vote'));
}

function modesTable(r: LocateResult): HTMLElement {
  // Narrow screens scroll the table inside its box rather than widening the page.
  const table = el(
    'table',
    { class: 'modes', 'data-testid': 'locate-modes' },
    el('caption', {}, 'Modes of the vote'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Place'), el('th', { scope: 'col' }, 'Photos'), el('th', { scope: 'col' }, 'Support'))),
    el('tbody', {}, ...r.modes.map((m) => el('tr', {}, el('td', {}, m.place ?? 'unnamed place', el('span', { class: 'where' }, fmt.latLon(m.latitude, m.longitude, 2))), el('td', {}, String(m.count)), el('td', {}, m.support.toFixed(2))))),
  );
  return el('div', { class: 'table-scroll' }, table);
}

function neighbourTile(n: LocateResult['neighbours'][number]): HTMLElement {
  const tile = figure(
    thumb(n.thumbnail, n.name),
    el('span', {}, el('span', { class: 'distance' }, fmt.distance(n.distance)), n.voted ? el('span', { class: 'badge voted' }, 'voted') : null, el('span', { class: 'name' }, n.name), el('span', { class: 'where' }, fmt.latLon(n.latitude, n.longitude, 2))),
    'locate-neighbour',
  );
  if (!n.voted) tile.classList.add('muted');
  return tile;
}
