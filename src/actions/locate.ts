import path from 'node:path';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { readRegularFile } from '../io/readRegularFile.ts';
import { nearestPlace } from '../io/placeName.ts';
import { listSources } from '../io/sources.ts';
import { checkOutputFile, writeOutputFile } from '../io/outputFile.ts';
import { renderLocateMap } from '../io/worldMap.ts';
import type { Collection } from '../store/collection.ts';
import { concatenateCombined } from '../ann/combined.ts';
import { describeMethods } from '../core/methodRegistry.ts';
import { planetPredict, trainPlanet, type PlanetModel } from '../decoders/locate/planet.ts';
import { DEFAULT_LOCATE_METHOD, LOCATE_METHOD_NAMES, LOCATE_METHODS, type LocateMethodName } from '../decoders/locate/methods.ts';
import { selfInCollection, type SelfInCollection } from '../store/selfInCollection.ts';
import { defaultBandwidthKm } from '../decoders/locate/defaultBandwidthKm.ts';
import { formatKm } from '../core/formatDistance.ts';
import { toUnitVectors } from '../math/greatCircle.ts';
import { kernelDensity } from '../decoders/locate/kernelDensity.ts';
import { locateSequenceFromNeighbours } from '../decoders/locate/locateSequenceFromNeighbours.ts';
import { splitTrips } from '../decoders/locate/splitTrips.ts';
import { applyPrior, PriorWeightOption, type AppliedPrior } from './locate/prior.ts';
import { takenAtMs } from './shared/takenAtMs.ts';

export { takenAtMs } from './shared/takenAtMs.ts';

/** Options of `deja locate`, validated once at the boundary. */
export const LocateOptions = z.object({
  method: z.enum(LOCATE_METHOD_NAMES).default(DEFAULT_LOCATE_METHOD).describe(describeMethods(LOCATE_METHODS)),
  encoder: z.string().default('gist+tiny+lab-hist').describe('Scene descriptors, combined with per-descriptor normalisation (IM2GPS §3: gist + tiny + colour).'),
  k: z.number().int().min(1).max(10000).optional().describe('Neighbours that vote (IM2GPS §4 uses 120 of 6M); default clamp(round(√n), 5, 120) for n geotagged photos.'),
  bandwidthKm: z.number().positive().max(20000).optional().describe('Mean-shift bandwidth, km; default from the collection\'s spread (`defaultBandwidthKm`).'),
  weighting: z.enum(['uniform', 'match']).default('match').describe('`match` weighs votes by match distance; `uniform` is IM2GPS\'s one vote per neighbour.'),
  mirror: z.boolean().default(true).describe('Also match the mirrored photo and keep the better distance per neighbour (Hays & Efros 2007 §3).'),
  modes: z.number().int().min(1).max(50).default(5).describe('Modes to report.'),
  show: z.number().int().min(0).max(1000).default(10).describe('Nearest geotagged neighbours to list.'),
  map: z.string().optional().describe('Write a map PNG here (single photo only).'),
  mapRegion: z.enum(['auto', 'world']).default('auto').describe('`auto` zooms to the neighbours; `world` always draws the globe.'),
  excludeSelf: z.boolean().default(true).describe('Leave the photo out of its neighbours when it is itself in the collection (its own position would answer).'),
  priorWeight: PriorWeightOption,
});
export type LocateOptions = z.input<typeof LocateOptions>;

/** Options of `deja locate --sequence` (the travel prior of the HMM; no collection prior per photo). */
export const LocateSequenceOptions = LocateOptions.omit({ priorWeight: true, method: true }).extend({
  maxGapHours: z.number().positive().default(24).describe('A gap longer than this (hours) starts a new trip (Kalogerakis et al. 2009 §4 split by time).'),
});
export type LocateSequenceOptions = z.input<typeof LocateSequenceOptions>;

export { loadGeoReference, describeQuery, queryNeighbours, estimateFromColumns, estimateFromDistances, type GeoReference, type QueryPhoto } from './locate/geoReference.ts';
import { loadGeoReference, describeQuery, queryNeighbours, estimateFromColumns, type GeoReference, type QueryPhoto } from './locate/geoReference.ts';

/** The stable `deja locate --json` schema. */
export interface LocateReport {
  query: string;
  encoder: string;
  k: number;
  bandwidthKm: number;
  /** The answer: the votes' strongest mode or, where the collection prior wins, its medoid (see `prior`); `confidence` is the vote concentration either way. */
  estimate: { latitude: number; longitude: number; confidence: number; place: string | null };
  /** The collection prior applied to the estimate (IM2GPS §4): γ, how it was chosen, and which candidate won. */
  prior: AppliedPrior;
  nearestNeighbour: { latitude: number; longitude: number };
  modes: { latitude: number; longitude: number; support: number; count: number; place: string | null }[];
  neighbours: { id: number; path: string; latitude: number; longitude: number; distance: number; weight: number; voted: boolean }[];
  /** The method that gave `estimate`. */
  method: LocateMethodName;
  /** With `planet`: the most probable cell (its index among `cells`, its probability) and how many cells the collection gives; else null. */
  planet: { cell: number; probability: number; cells: number; trainedOn: number } | null;
  /** The query's own record in the collection (found by content hash), or null. */
  selfInCollection: SelfInCollection | null;
  /** The query's own record was left out of its neighbours (it is in the collection and `excludeSelf` is set). */
  excludedSelf: boolean;
  /** The photo's own EXIF GPS, when it has one (to compare). */
  exifGps: { latitude: number; longitude: number } | null;
  map: string | null;
  seconds: number;
}

function placeLabel(latitude: number, longitude: number): string | null {
  const p = nearestPlace(latitude, longitude);
  return p ? `${p.name}, ${p.country}` : null;
}

/**
 * Where was this photo taken? Scene matching against the collection's geotagged photos, kNN mean-shift
 * estimate with confidence, modes and (optionally) a map; by default the estimate is corrected with the
 * collection's prior, γ calibrated on the collection's own photos (`priorWeight`, `applyPrior`).
 * @throws DejaError NOT_FOUND, NOT_AN_IMAGE, CORRUPT_IMAGE, NO_DATA (no geotagged photos)
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §3–4.
 */
export async function locatePhoto(collection: Collection, file: string, rawOptions: LocateOptions = {}, reference?: GeoReference): Promise<LocateReport> {
  const options = parseOptions(LocateOptions, rawOptions);
  const started = performance.now();
  if (options.map) checkOutputFile(options.map, '--map', 'map');
  const located = await locateBytes(collection, readRegularFile(path.resolve(file)), file, options, reference);
  const report = located.report;
  if (options.map) {
    const png = await located.mapPng(options.mapRegion);
    writeOutputFile(options.map, png);
    report.map = path.resolve(options.map);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** A located photo: the report, and its map drawn on demand. */
export interface Located {
  report: LocateReport;
  /** The map of neighbours, modes, kernel density and estimate, as PNG bytes. */
  mapPng(region?: 'auto' | 'world'): Promise<Buffer>;
}

/**
 * Locates a photo given as bytes (an upload, or a file read by `locatePhoto`); `name` is used in
 * messages and the report. `map` in the options is ignored: call `mapPng`.
 * @throws DejaError NOT_AN_IMAGE, CORRUPT_IMAGE, NO_DATA (no geotagged photos)
 */
export async function locateBytes(collection: Collection, bytes: Buffer, name: string, rawOptions: LocateOptions = {}, reference?: GeoReference): Promise<Located> {
  const options = parseOptions(LocateOptions, rawOptions);
  const started = performance.now();
  const ref = reference ?? (await loadGeoReference(collection, options.encoder));
  const q = await describeQuery(ref, bytes, name, options.mirror);
  const self = selfInCollection(collection, bytes);
  const exclude = options.excludeSelf ? selfMask(ref, self?.id) : undefined;
  const k = options.k ?? ref.k;
  const bandwidthKm = options.bandwidthKm ?? ref.bandwidthKm;
  const nb = queryNeighbours(ref, q, k, exclude);
  const found = estimateFromColumns(ref, nb.columns, nb.distances, { k, bandwidthKm, weighting: options.weighting, modes: options.modes });
  if (!found)
    throw new DejaError('NO_DATA', 'the only geotagged photo in the collection is this photo itself', { file: name, hint: 'add more geotagged photos with `deja index`' });
  const prior = applyPrior(ref, found, options.priorWeight, { k, bandwidthKm, weighting: options.weighting }, exclude);
  const report = toReport(ref, q, found, prior, { k, bandwidthKm, show: options.show, excludedSelf: exclude !== undefined, self });
  if (options.method === 'planet') {
    const p = planetEstimate(ref, q, exclude);
    report.method = 'planet';
    report.estimate = { latitude: p.latitude, longitude: p.longitude, confidence: p.probability, place: placeLabel(p.latitude, p.longitude) };
    report.planet = { cell: p.cell, probability: p.probability, cells: p.cells, trainedOn: p.trainedOn };
  }
  report.seconds = (performance.now() - started) / 1000;
  return { report, mapPng: (region = options.mapRegion) => locateMapPng(ref, found, report, bandwidthKm, region) };
}

const planetModels = new WeakMap<GeoReference, Map<number, PlanetModel | null>>();

/** The PlaNet answer for a query: the cell classifier trained on the reference (without the query's own photo), cached per reference. */
function planetEstimate(ref: GeoReference, q: QueryPhoto, exclude: Uint8Array | undefined) {
  const n = ref.photos.length;
  const selfRow = exclude ? exclude.indexOf(1) : -1;
  const models = planetModels.get(ref) ?? new Map<number, PlanetModel | null>();
  planetModels.set(ref, models);
  const dim = ref.parts.reduce((s, p) => s + p.dim, 0);
  let model = models.get(selfRow);
  if (model === undefined) {
    const rows = Array.from({ length: n }, (_, r) => r).filter((r) => r !== selfRow);
    model = trainPlanet(concatenateCombined(ref.parts, n), dim, ref.latitude, ref.longitude, rows);
    models.set(selfRow, model);
  }
  if (!model)
    throw new DejaError('NO_DATA', `the ${n} geotagged photos of the collection fall in fewer than two PlaNet cells`, { hint: 'add geotagged photos from more places, or use --method im2gps' });
  // The photo itself (not its mirror): the classifier was trained on unmirrored photos.
  const query = concatenateCombined(ref.parts.map((p, i) => ({ ...p, data: q.descriptors[i].subarray(0, p.dim) })), 1);
  const p = planetPredict(model, query, 1);
  return { latitude: p.latitude[0], longitude: p.longitude[0], probability: p.probability[0], cell: p.cell[0], cells: model.cells.length, trainedOn: model.trainedOn };
}

function selfMask(ref: GeoReference, id: number | undefined): Uint8Array | undefined {
  const i = id === undefined ? -1 : ref.photos.findIndex((p) => p.id === id);
  if (i < 0) return undefined;
  const mask = new Uint8Array(ref.photos.length);
  mask[i] = 1;
  return mask;
}

function toReport(
  ref: GeoReference,
  q: QueryPhoto,
  found: NonNullable<ReturnType<typeof estimateFromColumns>>,
  applied: ReturnType<typeof applyPrior>,
  o: { k: number; bandwidthKm: number; show: number; excludedSelf: boolean; self: SelfInCollection | null },
): LocateReport {
  const { estimate, columns, neighbours } = found;
  const { latitude, longitude, ...prior } = applied;
  const voted = new Set(estimate.modes[0].members);
  return {
    query: path.resolve(q.name),
    encoder: ref.encoder,
    k: columns.length,
    bandwidthKm: o.bandwidthKm,
    estimate: { latitude, longitude, confidence: estimate.confidence, place: placeLabel(latitude, longitude) },
    prior,
    nearestNeighbour: estimate.nearest,
    modes: estimate.modes.map((m) => ({ latitude: m.latitude, longitude: m.longitude, support: m.support, count: m.count, place: placeLabel(m.latitude, m.longitude) })),
    neighbours: Array.from(columns.slice(0, o.show), (j, i) => ({
      id: ref.photos[j].id,
      path: ref.photos[j].path,
      latitude: ref.latitude[j],
      longitude: ref.longitude[j],
      distance: neighbours.distance[i],
      weight: estimate.weights[i],
      voted: voted.has(i),
    })),
    method: 'im2gps',
    planet: null,
    selfInCollection: o.self,
    excludedSelf: o.excludedSelf,
    exifGps: q.gps,
    map: null,
    seconds: 0,
  };
}

async function locateMapPng(
  ref: GeoReference,
  found: NonNullable<ReturnType<typeof estimateFromColumns>>,
  report: LocateReport,
  bandwidthKm: number,
  region: 'auto' | 'world',
): Promise<Buffer> {
  const { estimate, neighbours } = found;
  const voted = new Set(estimate.modes[0].members);
  const units = toUnitVectors(neighbours.latitude, neighbours.longitude);
  const png = await renderLocateMap(
    {
      neighbours: Array.from(neighbours.latitude, (latitude, i) => ({ latitude, longitude: neighbours.longitude[i], weight: estimate.weights[i], voted: voted.has(i) })),
      modes: estimate.modes,
      estimate: { latitude: report.estimate.latitude, longitude: report.estimate.longitude, label: report.estimate.place ?? undefined },
      truth: report.exifGps ?? undefined,
      title: `deja locate ${path.basename(report.query)} (${ref.encoder}, k=${report.k}, ${formatKm(bandwidthKm)} bandwidth)`,
      // Widened to two raster cells where the kernel is finer than the map can show (world maps).
      density: (lat, lon, cellKm) => kernelDensity(units, estimate.weights, Math.max(bandwidthKm, 2 * cellKm), toUnitVectors(lat, lon)),
    },
    { region },
  );
  return png;
}


/** The stable `deja locate --sequence --json` schema: one entry per photo, in time order per trip. */
export interface LocateSequenceReport {
  folder: string;
  encoder: string;
  k: number;
  bandwidthKm: number;
  trips: number;
  photos: {
    path: string;
    takenAt: string | null;
    trip: number | null;
    single: { latitude: number; longitude: number; confidence: number; place: string | null };
    sequence: { latitude: number; longitude: number; place: string | null } | null;
    exifGps: { latitude: number; longitude: number } | null;
  }[];
  /** Photos without a capture time: located one by one, left out of the sequence model. */
  withoutTime: string[];
  skipped: { path: string; reason: string }[];
  seconds: number;
}

/**
 * Locates a folder of photos jointly: per-photo kNN estimates, then photos with capture times are split
 * into trips and decoded with the HMM travel prior. Undecodable photos are skipped and reported; photos
 * without a capture time keep their single-photo estimate and are listed.
 * @throws DejaError NOT_FOUND for a missing folder, NO_DATA when no photo in it could be read
 *
 * References: Kalogerakis et al., "Image Sequence Geolocation with Human Travel Priors", ICCV 2009, §3.
 */
export async function locateSequence(collection: Collection, folder: string, rawOptions: LocateSequenceOptions = {}, progress: Progress = silentProgress): Promise<LocateSequenceReport> {
  const sources: { path: string; read(): Buffer }[] = [];
  for await (const item of listSources([folder])) sources.push(item);
  return locateSequenceItems(collection, sources, path.resolve(folder), rawOptions, progress);
}

/**
 * `locateSequence` over photos given as items (files of a folder, or uploads); `folder` names the set
 * in messages and the report.
 */
export async function locateSequenceItems(
  collection: Collection,
  sources: { path: string; read(): Buffer }[],
  folder: string,
  rawOptions: LocateSequenceOptions = {},
  progress: Progress = silentProgress,
): Promise<LocateSequenceReport> {
  const options = parseOptions(LocateSequenceOptions, rawOptions);
  const started = performance.now();
  const ref = await loadGeoReference(collection, options.encoder);
  const k = options.k ?? ref.k;
  const bandwidthKm = options.bandwidthKm ?? ref.bandwidthKm;
  const items: { path: string; q: QueryPhoto; found: NonNullable<ReturnType<typeof estimateFromColumns>> }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  progress.start(sources.length, 'locating');
  for (const item of sources) {
    try {
      const bytes = item.read();
      const q = await describeQuery(ref, bytes, item.path, options.mirror);
      const nb = queryNeighbours(ref, q, k, options.excludeSelf ? selfMask(ref, selfInCollection(collection, bytes)?.id) : undefined);
      const found = estimateFromColumns(ref, nb.columns, nb.distances, { k, bandwidthKm, weighting: options.weighting, modes: options.modes });
      if (found) items.push({ path: item.path, q, found });
      else skipped.push({ path: item.path, reason: 'no other geotagged photo to match' });
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: item.path, reason: e.oneLine() });
    }
    progress.tick();
  }
  progress.stop();
  if (items.length === 0) throw new DejaError('NO_DATA', 'no photo in the set could be located', { file: folder, hint: skipped[0]?.reason ?? 'the folder holds no photos' });
  const timed = items.map((it, i) => ({ i, t: takenAtMs(it.q.takenAt) })).filter((x) => Number.isFinite(x.t));
  const trips = splitTrips(timed.map((x) => x.t), options.maxGapHours).map((trip) => Array.from(trip, (r) => timed[r].i));
  const sequence = new Map<number, { latitude: number; longitude: number; trip: number }>();
  trips.forEach((trip, ti) => {
    const seq = locateSequenceFromNeighbours(
      trip.map((i) => ({ neighbours: items[i].found.neighbours, estimate: items[i].found.estimate, timeMs: takenAtMs(items[i].q.takenAt) })),
      { bandwidthKm },
    );
    trip.forEach((i, t) => sequence.set(i, { latitude: seq.latitude[t], longitude: seq.longitude[t], trip: ti }));
  });
  const order = [...trips.flat(), ...items.map((_, i) => i).filter((i) => !sequence.has(i))];
  return {
    folder,
    encoder: ref.encoder,
    k,
    bandwidthKm,
    trips: trips.length,
    photos: order.map((i) => {
      const it = items[i];
      const s = sequence.get(i);
      const e = it.found.estimate;
      return {
        path: it.path,
        takenAt: it.q.takenAt,
        trip: s ? s.trip : null,
        single: { latitude: e.latitude, longitude: e.longitude, confidence: e.confidence, place: placeLabel(e.latitude, e.longitude) },
        sequence: s ? { latitude: s.latitude, longitude: s.longitude, place: placeLabel(s.latitude, s.longitude) } : null,
        exifGps: it.q.gps,
      };
    }),
    withoutTime: items.filter((_, i) => !sequence.has(i)).map((it) => it.path),
    skipped,
    seconds: (performance.now() - started) / 1000,
  };
}
