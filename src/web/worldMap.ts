/**
 * A world map drawn in the browser: Natural Earth countries (world-atlas, 1:110m, bundled with the
 * page, so no tile server) in a Natural Earth projection, with points and lines on top. It zooms to
 * the points' extent with some padding, or shows the whole world when they spread too wide.
 */
import { geoGraticule10, geoNaturalEarth1, geoPath, type GeoProjection } from 'd3-geo';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature } from 'topojson-client';
import type { LatLon } from './apiTypes.ts';

export type PointKind = 'neighbour' | 'neighbour-unvoted' | 'mode' | 'estimate' | 'truth' | 'photo' | 'sequence' | 'single';

export interface MapPoint extends LatLon {
  kind: PointKind;
  /** Tooltip text. */
  title?: string;
  /** Relative size in (0, 1] (modes: their support). */
  size?: number;
  /** Fill colour (CSS) of a `sequence` or `single` point: its trip's. */
  color?: string;
}

/** A line through places in order, drawn as great-circle arcs (cut at the antimeridian). */
export interface MapRoute {
  points: LatLon[];
  /** `route`: a trip's decoded route; `truth-route`: the photos' own GPS in the same order. */
  kind: 'route' | 'truth-route';
  /** Stroke colour (CSS); the kind's own colour when left out. */
  color?: string;
  title?: string;
}

export interface WorldMapOptions {
  /** `points`: zoom to the points (falling back to the world); `world`: the whole world. */
  fit: 'points' | 'world';
  /** Straight segments between two places (the error of an estimate, say). */
  lines?: [LatLon, LatLon][];
  /** Polylines under the points (routes of trips). */
  routes?: MapRoute[];
  /** Accessible name of the map. */
  label: string;
  testid: string;
}

const MARGIN = 16;
const NS = 'http://www.w3.org/2000/svg';

let countries: Promise<FeatureCollection<Geometry>> | null = null;

/** The country outlines, loaded once (a separate chunk, so the first paint does not wait for them). */
function loadCountries(): Promise<FeatureCollection<Geometry>> {
  countries ??= import('world-atlas/countries-110m.json').then((m) => {
    const topology = (m.default ?? m) as unknown as Topology<{ countries: GeometryCollection }>;
    return feature(topology, topology.objects.countries) as FeatureCollection<Geometry>;
  });
  return countries;
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * The longitude/latitude box to show for `points`, padded by 15 % and at least 24°×12°, or null
 * when the world fits them better (points spread over more than ~300° of longitude, or none).
 */
export function pointsBox(points: LatLon[]): [[number, number], [number, number]] | null {
  if (points.length === 0) return null;
  const lons = points.map((p) => p.longitude);
  const lats = points.map((p) => p.latitude);
  let [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const padLon = Math.max((e - w) * 0.15, (24 - (e - w)) / 2, 0);
  const padLat = Math.max((n - s) * 0.15, (12 - (n - s)) / 2, 0);
  [w, e, s, n] = [Math.max(-180, w - padLon), Math.min(180, e + padLon), Math.max(-85, s - padLat), Math.min(85, n + padLat)];
  if (e - w > 300 || n - s > 150) return null;
  return [[w, s], [e, n]];
}

/**
 * The drawing's size: about the page's width (at most 960), so markers keep their size in screen
 * pixels on a phone too; zoomed maps are taller on narrow screens, where the width is scarce.
 */
function mapSize(fit: WorldMapOptions['fit']): [number, number] {
  const w = Math.round(Math.min(960, Math.max(300, document.documentElement.clientWidth - 24)));
  return [w, Math.round(w * (fit === 'points' && w < 600 ? 0.75 : 0.52))];
}

function fitProjection(points: LatLon[], fit: WorldMapOptions['fit'], [W, H]: [number, number]): GeoProjection {
  const projection = geoNaturalEarth1();
  const extent: [[number, number], [number, number]] = [[MARGIN, MARGIN], [W - MARGIN, H - MARGIN]];
  const box = fit === 'points' ? pointsBox(points) : null;
  if (!box) return projection.fitExtent(extent, { type: 'Sphere' });
  const [[w, s], [e, n]] = box;
  // The box's edges are curves in this projection: fit a ring of samples along them.
  const ring: [number, number][] = [];
  for (let t = 0; t <= 1; t += 0.125) ring.push([w + (e - w) * t, s], [w + (e - w) * t, n], [w, s + (n - s) * t], [e, s + (n - s) * t]);
  return projection.fitExtent(extent, { type: 'MultiPoint', coordinates: ring });
}

/** Marker of one point, centred on (x, y) in the map's pixels. */
function marker(p: MapPoint, x: number, y: number): SVGElement {
  const at: Record<string, string> = { transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` };
  if (p.color) at.style = `--c: ${p.color}`;
  let g: SVGElement;
  switch (p.kind) {
    case 'estimate':
      g = svgEl('g', { ...at, class: 'pt-estimate', 'data-testid': 'map-estimate' });
      g.append(svgEl('circle', { r: 9 }), svgEl('path', { d: 'M-14,0H-4M4,0H14M0,-14V-4M0,4V14' }));
      break;
    case 'truth':
      g = svgEl('path', { ...at, d: 'M0,-8L8,0L0,8L-8,0Z', class: 'pt-truth', 'data-testid': 'map-truth' });
      break;
    case 'mode':
      g = svgEl('circle', { ...at, r: (5 + 12 * Math.sqrt(p.size ?? 1)).toFixed(1), class: 'pt-mode', 'data-testid': 'map-mode' });
      break;
    case 'photo':
      g = svgEl('circle', { ...at, r: 3, class: 'pt-photo', 'data-testid': 'map-photo' });
      break;
    case 'sequence':
      g = svgEl('circle', { ...at, r: 5, class: 'pt-sequence', 'data-testid': 'map-sequence' });
      break;
    case 'single':
      g = svgEl('circle', { ...at, r: 3, class: 'pt-single', 'data-testid': 'map-single' });
      break;
    default:
      g = svgEl('circle', { ...at, r: p.kind === 'neighbour' ? 4.5 : 3.5, class: `pt-${p.kind}`, 'data-testid': 'map-neighbour', 'data-voted': String(p.kind === 'neighbour') });
  }
  if (p.title) g.append(Object.assign(svgEl('title'), { textContent: p.title }));
  return g;
}

/** Points drawn in this order: the larger, less important ones underneath. */
const ORDER: PointKind[] = ['mode', 'photo', 'single', 'neighbour-unvoted', 'neighbour', 'truth', 'sequence', 'estimate'];

function routePath(route: MapRoute, path: ReturnType<typeof geoPath>): SVGElement {
  const d = path({ type: 'LineString', coordinates: route.points.map((p) => [p.longitude, p.latitude]) }) ?? '';
  const line = svgEl('path', { d, class: `map-${route.kind}`, 'data-testid': `map-${route.kind}` });
  if (route.color) line.setAttribute('style', `--c: ${route.color}`);
  if (route.title) line.append(Object.assign(svgEl('title'), { textContent: route.title }));
  return line;
}

/**
 * Draws the map as an SVG scaled to its container's width. The countries appear once loaded;
 * `data-ready` is set on the SVG then.
 */
export function worldMap(points: MapPoint[], options: WorldMapOptions): SVGSVGElement {
  const [W, H] = mapSize(options.fit);
  const projection = fitProjection(points, options.fit, [W, H]);
  const path = geoPath(projection);
  const root = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'world-map', role: 'img', 'aria-label': options.label, 'data-testid': options.testid });
  const land = svgEl('g', { class: 'land' });
  root.append(
    svgEl('rect', { width: W, height: H, class: 'ocean' }),
    svgEl('path', { d: path({ type: 'Sphere' }) ?? '', class: 'sphere' }),
    svgEl('path', { d: path(geoGraticule10()) ?? '', class: 'graticule' }),
    land,
  );
  for (const route of options.routes ?? []) if (route.points.length >= 2) root.append(routePath(route, path));
  for (const [a, b] of options.lines ?? []) {
    const [pa, pb] = [projection([a.longitude, a.latitude]), projection([b.longitude, b.latitude])];
    if (pa && pb) root.append(svgEl('line', { x1: pa[0], y1: pa[1], x2: pb[0], y2: pb[1], class: 'map-line', 'data-testid': 'map-line' }));
  }
  const sorted = [...points].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  for (const p of sorted) {
    const xy = projection([p.longitude, p.latitude]);
    if (xy) root.append(marker(p, xy[0], xy[1]));
  }
  loadCountries().then(
    (fc) => {
      for (const f of fc.features) land.append(svgEl('path', { d: path(f) ?? '' }));
      root.dataset.ready = 'true';
    },
    () => (root.dataset.ready = 'no-countries'), // points still show; the outline is decoration
  );
  return root;
}
