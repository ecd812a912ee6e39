import { createRequire } from 'node:module';
import { geoGraticule, geoGraticule10, geoMercator, geoNaturalEarth1, geoPath, type GeoProjection } from 'd3-geo';
import sharp from 'sharp';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { formatKm } from '../core/formatDistance.ts';
import type { LatLon } from '../math/greatCircle.ts';


/** What a locate map shows: the estimate and what it rests on. */
export interface LocateMapInput {
  /** Geotagged neighbours; `voted` marks those in the estimate's mode; `weight` (0..1) sets the dot size. */
  neighbours: (LatLon & { weight: number; voted: boolean })[];
  /** Mean-shift modes, strongest first; `support` in [0, 1]. */
  modes: (LatLon & { support: number })[];
  estimate: LatLon & { label?: string };
  /** The true position, when known (evaluation). */
  truth?: LatLon;
  title?: string;
  /**
   * Probability map: density at the given positions (any scale; drawn relative to its maximum).
   * `cellKm` is the ground size of one raster cell at the map centre, so a kernel narrower than a cell
   * can be widened for display.
   */
  density?: (latitude: Float64Array, longitude: Float64Array, cellKm: number) => Float64Array;
}

export interface LocateMapOptions {
  /** Image width in pixels (default 1200). */
  width?: number;
  /** Image height in pixels (default 0.55 × width for the world, 0.75 × width for a region). */
  height?: number;
  /** `auto` (default) zooms to the points unless they span a hemisphere; `world` always shows the globe. */
  region?: 'auto' | 'world';
}

const require = createRequire(import.meta.url);
const atlas = new Map<string, Topology>();
function outlines(resolution: '110m' | '50m' | '10m'): Topology {
  let t = atlas.get(resolution);
  if (!t) atlas.set(resolution, (t = require(`world-atlas/countries-${resolution}.json`) as Topology));
  return t;
}

const DEG_KM = 111.19508;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[c]};`);

/** Smallest longitude arc holding all points (largest empty gap removed): [west, span]. */
function longitudeArc(lons: number[]): [number, number] {
  const s = lons.map((l) => ((l % 360) + 360) % 360).sort((a, b) => a - b);
  let gap = 360 - s[s.length - 1] + s[0];
  let west = s[0];
  for (let i = 1; i < s.length; i++) if (s[i] - s[i - 1] > gap) (gap = s[i] - s[i - 1]), (west = s[i]);
  return [west, 360 - gap];
}

/** The projection and whether it shows the whole world. */
function chooseView(input: LocateMapInput, width: number, height: number, region: 'auto' | 'world'): { projection: GeoProjection; world: boolean } {
  const pts = [input.estimate, ...input.modes, ...input.neighbours, ...(input.truth ? [input.truth] : [])];
  const [west, span] = longitudeArc(pts.map((p) => p.longitude));
  const lats = pts.map((p) => p.latitude);
  const south = Math.min(...lats);
  const north = Math.max(...lats);
  const pad = 40;
  if (region === 'world' || span > 100 || north - south > 60) {
    const projection = geoNaturalEarth1().fitExtent([[pad / 2, pad], [width - pad / 2, height - pad / 2]], { type: 'Sphere' });
    return { projection, world: true };
  }
  const midLat = (south + north) / 2;
  const minHalfKm = 0.3;
  const halfLat = Math.max((north - south) * 0.6, minHalfKm / DEG_KM);
  const halfLon = Math.max(span * 0.6, minHalfKm / (DEG_KM * Math.cos((midLat * Math.PI) / 180)));
  const midLon = west + span / 2;
  const box = { type: 'MultiPoint' as const, coordinates: [[midLon - halfLon, midLat - halfLat], [midLon + halfLon, midLat + halfLat], [midLon - halfLon, midLat + halfLat], [midLon + halfLon, midLat - halfLat]] };
  const projection = geoMercator().rotate([-midLon, 0]).fitExtent([[pad, pad + 10], [width - pad, height - pad]], box);
  return { projection, world: false };
}

/** A labelled latitude/longitude grid at a round step (about six lines across), for orientation on regional maps. */
function regionalGraticule(projection: GeoProjection, width: number, height: number): string {
  const nw = projection.invert?.([0, 0]);
  const se = projection.invert?.([width, height]);
  if (!nw || !se) return '';
  const spanLon = (((se[0] - nw[0]) % 360) + 360) % 360 || 360;
  const raw = spanLon / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? raw;
  const path = geoPath(projection).digits(1);
  const lines = path(geoGraticule().step([step, step]).extent([[nw[0] - step, se[1] - step], [nw[0] + spanLon + step, nw[1] + step]])()) ?? '';
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const labels: string[] = [];
  for (let lon = Math.ceil(nw[0] / step) * step; lon <= nw[0] + spanLon; lon += step) {
    const xy = projection([lon, (nw[1] + se[1]) / 2]);
    if (xy) labels.push(`<text x="${(xy[0] + 3).toFixed(1)}" y="${height - 40}" font-size="10" fill="#7d8a96">${lon.toFixed(digits)}°</text>`);
  }
  for (let lat = Math.ceil(se[1] / step) * step; lat <= nw[1]; lat += step) {
    const xy = projection([nw[0] + spanLon / 2, lat]);
    if (xy) labels.push(`<text x="4" y="${(xy[1] - 3).toFixed(1)}" font-size="10" fill="#7d8a96">${lat.toFixed(digits)}°</text>`);
  }
  return `<path d="${lines}" fill="none" stroke="#c9c2ad" stroke-width="0.6" stroke-dasharray="3,3"/>\n${labels.join('\n')}`;
}

/** Km per pixel at the map centre, for the scale bar. */
function scaleBar(projection: GeoProjection, width: number, height: number): string {
  const a = projection.invert?.([width / 2, height / 2]);
  const b = projection.invert?.([width / 2 + 100, height / 2]);
  if (!a || !b) return '';
  const kmPer100 = Math.hypot((b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180), b[1] - a[1]) * DEG_KM;
  const target = (kmPer100 * width) / 500;
  const p = 10 ** Math.floor(Math.log10(target));
  const nice = [1, 2, 5, 10].map((m) => m * p).filter((v) => v <= target).pop() ?? p;
  const px = (nice / kmPer100) * 100;
  const label = formatKm(nice);
  const y = height - 18;
  return `<g><rect x="16" y="${y - 16}" width="${px + 16}" height="26" fill="white" opacity="0.8"/><line x1="24" y1="${y}" x2="${24 + px}" y2="${y}" stroke="black" stroke-width="3"/><text x="${28 + px / 2}" y="${y - 4}" font-size="12" text-anchor="middle">${label}</text></g>`;
}

/**
 * The SVG of a locate map: country outlines (world-atlas / Natural Earth, drawn offline with d3-geo),
 * the probability map as an embedded raster, the neighbours (filled when they voted for the estimate),
 * the modes as rings sized by support, the estimate as a cross and the truth when known.
 * @param input what to draw
 * @param options size and zoom
 * @param densityHref a PNG data URI of the probability map aligned with the whole image, when drawn
 * @returns an SVG document
 */
export function locateMapSvg(input: LocateMapInput, options: LocateMapOptions = {}, densityHref?: string): string {
  const { width, height, projection, world } = mapFrame(input, options);
  projection.clipExtent([[-2, -2], [width + 2, height + 2]]);
  const path = geoPath(projection).digits(1);
  const span = world ? 360 : Math.abs((projection.invert?.([width, 0])?.[0] ?? 0) - (projection.invert?.([0, 0])?.[0] ?? 0));
  const topo = outlines(world || span > 40 ? '110m' : span > 4 ? '50m' : '10m');
  const countries = topo.objects.countries as GeometryCollection;
  const land = path(feature(topo, countries)) ?? '';
  const borders = path(mesh(topo, countries, (a, b) => a !== b)) ?? '';
  const xy = (p: LatLon) => projection([p.longitude, p.latitude]) ?? [-99, -99];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="#f4f4f0"/>`,
    `<path d="${path({ type: 'Sphere' }) ?? ''}" fill="#cfe2ee"/>`,
    world ? `<path d="${path(geoGraticule10()) ?? ''}" fill="none" stroke="#b8cfdc" stroke-width="0.5"/>` : '',
    `<path d="${land}" fill="#ebe6d6" stroke="none"/>`,
    `<path d="${borders}" fill="none" stroke="#9a9384" stroke-width="0.7"/>`,
    world ? '' : regionalGraticule(projection, width, height),
    densityHref ? `<image href="${densityHref}" x="0" y="0" width="${width}" height="${height}" preserveAspectRatio="none" opacity="0.75"/>` : '',
  ];
  const maxW = Math.max(1e-12, ...input.neighbours.map((n) => n.weight));
  for (const n of [...input.neighbours].sort((a, b) => Number(a.voted) - Number(b.voted))) {
    const [x, y] = xy(n);
    const r = 2.5 + 4 * Math.sqrt(n.weight / maxW);
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${n.voted ? '#d7301f' : '#6b7b8c'}" fill-opacity="${n.voted ? 0.85 : 0.55}" stroke="white" stroke-width="0.6"/>`);
  }
  input.modes.forEach((m, i) => {
    const [x, y] = xy(m);
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${(8 + 30 * Math.sqrt(m.support)).toFixed(1)}" fill="none" stroke="#08519c" stroke-width="${i === 0 ? 3 : 1.5}"/>`);
    parts.push(`<text x="${(x + 10).toFixed(1)}" y="${(y - 10).toFixed(1)}" font-size="13" fill="#08306b" stroke="white" stroke-width="3" paint-order="stroke">#${i + 1} ${Math.round(m.support * 100)}%</text>`);
  });
  const [ex, ey] = xy(input.estimate);
  parts.push(`<path d="M${ex - 9},${ey - 9}L${ex + 9},${ey + 9}M${ex - 9},${ey + 9}L${ex + 9},${ey - 9}" stroke="black" stroke-width="3.5"/>`);
  if (input.estimate.label) parts.push(`<text x="${ex + 12}" y="${ey + 18}" font-size="14" font-weight="bold" stroke="white" stroke-width="3" paint-order="stroke">${esc(input.estimate.label)}</text>`);
  if (input.truth) {
    const [tx, ty] = xy(input.truth);
    parts.push(`<rect x="${tx - 6}" y="${ty - 6}" width="12" height="12" fill="#1a9850" stroke="white" stroke-width="1.5" transform="rotate(45 ${tx} ${ty})"/>`);
  }
  parts.push(`<rect x="0" y="0" width="${width}" height="30" fill="white" opacity="0.85"/>`);
  parts.push(`<text x="12" y="20" font-size="15">${esc(input.title ?? 'deja locate')}</text>`);
  const legend = `red: neighbours that voted · grey: other neighbours · blue rings: modes · ✕ estimate${input.truth ? ' · green: truth' : ''}${input.density ? ' · orange: probability' : ''}`;
  parts.push(`<rect x="${width - 8 - legend.length * 6.4}" y="${height - 30}" width="${legend.length * 6.4}" height="22" fill="white" opacity="0.85"/>`);
  parts.push(`<text x="${width - 12}" y="${height - 14}" font-size="12" text-anchor="end">${legend}</text>`);
  if (!world) parts.push(scaleBar(projection, width, height));
  parts.push('</svg>');
  return parts.filter(Boolean).join('\n');
}

function mapFrame(input: LocateMapInput, options: LocateMapOptions) {
  const width = options.width ?? 1200;
  const region = options.region ?? 'auto';
  const probe = chooseView(input, width, Math.round(width * 0.55), region);
  const height = options.height ?? Math.round(width * (probe.world ? 0.55 : 0.75));
  const { projection, world } = chooseView(input, width, height, region);
  return { width, height, projection, world };
}

/** The probability map as a PNG data URI (4-pixel cells, orange, alpha ∝ density). */
async function densityRaster(input: LocateMapInput, options: LocateMapOptions): Promise<string | undefined> {
  if (!input.density) return undefined;
  const { width, height, projection } = mapFrame(input, options);
  const cell = 4;
  const w = Math.ceil(width / cell);
  const h = Math.ceil(height / cell);
  const lat = new Float64Array(w * h).fill(NaN);
  const lon = new Float64Array(w * h).fill(NaN);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = projection.invert?.([(x + 0.5) * cell, (y + 0.5) * cell]);
      const back = p && projection(p);
      if (p && back && Math.abs(back[0] - (x + 0.5) * cell) < 1 && Math.abs(back[1] - (y + 0.5) * cell) < 1) (lon[y * w + x] = p[0]), (lat[y * w + x] = p[1]);
    }
  const inside = Array.from(lat.keys()).filter((i) => !Number.isNaN(lat[i]));
  const a = projection.invert?.([width / 2, height / 2]);
  const b = projection.invert?.([width / 2 + cell, height / 2]);
  const cellKm = a && b ? Math.hypot((b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180), b[1] - a[1]) * DEG_KM : 0;
  const values = input.density(Float64Array.from(inside, (i) => lat[i]), Float64Array.from(inside, (i) => lon[i]), cellKm);
  const max = Math.max(1e-300, ...values);
  const rgba = Buffer.alloc(w * h * 4);
  inside.forEach((i, k) => {
    const v = values[k] / max;
    rgba[i * 4] = 253;
    rgba[i * 4 + 1] = Math.round(174 - 120 * v);
    rgba[i * 4 + 2] = 20;
    rgba[i * 4 + 3] = Math.round(180 * v);
  });
  const png = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Renders a locate map to PNG (SVG drawn offline, rasterised with sharp/librsvg): a world map, or a
 * regional one zoomed to the neighbours when they span less than a hemisphere, down to campus scale.
 * @param input the estimate, modes, neighbours, optional truth and probability map
 * @param options size and zoom
 * @returns PNG bytes
 * @example await fs.promises.writeFile('where.png', await renderLocateMap({ neighbours, modes, estimate }))
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, Fig. 1 and §4 (the neighbours' positions and the
 * probability map over the globe); Natural Earth country outlines via the world-atlas package.
 */
export async function renderLocateMap(input: LocateMapInput, options: LocateMapOptions = {}): Promise<Buffer> {
  const href = await densityRaster(input, options);
  return sharp(Buffer.from(locateMapSvg(input, options, href))).png().toBuffer();
}
