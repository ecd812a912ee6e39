/**
 * The map of a located trip: each trip's decoded route through its sequence estimates in time order
 * (one colour per trip), the single-photo estimates as small faint points, and the photos' own GPS
 * (with the route it takes) where the photos have it.
 */
import type { LocateSequencePhoto, LocateSequenceResult } from '../apiTypes.ts';
import { el, fmt } from '../dom.ts';
import { tripColor } from '../tripColors.ts';
import { worldMap, type MapPoint, type MapRoute } from '../worldMap.ts';

export function tripMap(r: LocateSequenceResult): HTMLElement {
  const truths = r.photos.some((p) => p.exifGps);
  const map = worldMap(r.photos.flatMap(photoPoints), { fit: 'points', routes: routes(r.photos), label: 'Map of the trips: decoded routes, single-photo estimates and photo GPS', testid: 'locate-trip-map' });
  return el('div', { class: 'map-box' }, map, legend(truths));
}

function photoPoints(p: LocateSequencePhoto): MapPoint[] {
  const color = tripColor(p.trip);
  const when = p.takenAt ? `, ${fmt.takenAt(p.takenAt)}` : '';
  const points: MapPoint[] = [{ ...p.single, kind: 'single', color, title: `${p.path}: one by one, confidence ${fmt.percent(p.single.confidence)}` }];
  if (p.sequence) points.push({ ...p.sequence, kind: 'sequence', color, title: `${p.path} (trip ${p.trip! + 1}${when})${p.sequence.place ? `: ${p.sequence.place}` : ''}` });
  if (p.exifGps) points.push({ ...p.exifGps, kind: 'truth', title: `${p.path}: the photo's own GPS` });
  return points;
}

/** Per trip, its decoded route and the route of its photos' GPS (the photos come in time order per trip). */
function routes(photos: LocateSequencePhoto[]): MapRoute[] {
  const byTrip = new Map<number, LocateSequencePhoto[]>();
  for (const p of photos) {
    if (p.trip === null) continue;
    if (!byTrip.has(p.trip)) byTrip.set(p.trip, []);
    byTrip.get(p.trip)!.push(p);
  }
  return [...byTrip].flatMap(([trip, ps]): MapRoute[] => [
    { kind: 'truth-route', points: ps.flatMap((p) => (p.exifGps ? [p.exifGps] : [])), title: `trip ${trip + 1}: the photos' own GPS` },
    { kind: 'route', color: tripColor(trip), points: ps.flatMap((p) => (p.sequence ? [p.sequence] : [])), title: `trip ${trip + 1}: decoded route, ${ps.length} photos` },
  ]);
}

function legend(truths: boolean): HTMLElement {
  const item = (cls: string, text: string) => el('li', {}, el('span', { class: `key ${cls}`, 'aria-hidden': 'true' }), text);
  return el(
    'ul',
    { class: 'legend', 'aria-label': 'Map legend' },
    item('route', 'decoded route (one colour per trip)'),
    item('sequence', 'estimate along the trip'),
    item('single', 'estimate of the photo alone'),
    truths ? item('truth', 'photo GPS') : null,
    truths ? item('truth-route', 'route by photo GPS') : null,
  );
}
