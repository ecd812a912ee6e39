import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { readGeoCsv } from '../io/geoCsv.ts';
import { listSources } from '../io/sources.ts';
import type { Collection } from '../store/collection.ts';
import { GEO_THRESHOLDS_KM, geoErrorsKm, randomGuessBaseline, summariseGeoErrors, type GeoSummary } from '../decoders/locate/geoEvaluation.ts';
import { locateSequenceFromNeighbours } from '../decoders/locate/locateSequenceFromNeighbours.ts';
import { sceneDistanceMatrix } from '../decoders/locate/sceneDistances.ts';
import { splitTrips } from '../decoders/locate/splitTrips.ts';
import { describeQuery, estimateFromDistances, loadGeoReference, parseLocateOptions, takenAtMs, type GeoReference, type QueryPhoto } from './locate.ts';

/** Options of `deja eval locate`. */
export const EvalLocateOptions = z.object({
  /** Test photos: a folder (truth from EXIF GPS) or a CSV file,latitude,longitude[,time]; default leave-one-out on the collection. */
  test: z.string().optional(),
  /** Descriptors evaluated alone; their sum (each normalised, weight 1) is the combined row (IM2GPS §3). */
  encoders: z.array(z.string()).min(1).default(['gist', 'tiny', 'lab-hist']),
  /** Voting neighbours; default clamp(round(√n), 5, 120). */
  k: z.number().int().min(1).max(10000).optional(),
  /** Mean-shift bandwidth, km; default from the collection's spread. */
  bandwidthKm: z.number().positive().max(20000).optional(),
  weighting: z.enum(['uniform', 'match']).default('match'),
  /** Leave-one-out hold-out: the photo only, or every photo of its trip (a stricter test: no near-duplicates from the same outing). */
  holdOut: z.enum(['photo', 'trip']).default('photo'),
  /** Gap that splits trips, hours (sequences and trip hold-out). */
  maxGapHours: z.number().positive().default(24),
  thresholdsKm: z.array(z.number().positive()).default([...GEO_THRESHOLDS_KM]),
});
export type EvalLocateOptions = z.input<typeof EvalLocateOptions>;

/** One row of the im2gps table. */
export interface EvalLocateRow extends GeoSummary {
  method: string;
  descriptor: string;
}

/** The stable `deja eval locate --json` schema. */
export interface EvalLocateReport {
  collection: string;
  protocol: string;
  geotagged: number;
  tested: number;
  k: number;
  bandwidthKm: number;
  trips: number;
  rows: EvalLocateRow[];
  /** Per query at this collection size: combined scene distance to every geotagged photo + kNN + mean-shift (descriptors precomputed). */
  latencyMs: number;
  skipped: { path: string; reason: string }[];
  seconds: number;
}

interface TestSet {
  protocol: string;
  latitude: Float64Array;
  longitude: Float64Array;
  timesMs: Float64Array;
  /** Per combined part: `m * dim` query descriptors. */
  queries: Float32Array[];
  /** Reference columns each test photo may not use. */
  exclude: Uint8Array[];
  skipped: { path: string; reason: string }[];
}

/**
 * The im2gps evaluation: share of test photos within 50 m / 100 m / 1 / 25 / 200 / 750 / 2500 km and the
 * median error, for random guessing, 1-NN and kNN mean-shift with each descriptor alone and combined,
 * and single photos vs the HMM sequence model; plus per-query latency.
 * @throws DejaError NO_DATA (no geotagged photos / no usable test photo), NOT_FOUND (test path)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 and Fig. 6; Weyand et al., PlaNet, ECCV 2016, Table 1;
 * Kalogerakis et al., ICCV 2009, §5 (sequence vs single-photo accuracy).
 */
export async function evalLocate(collection: Collection, rawOptions: EvalLocateOptions = {}, progress: Progress = silentProgress): Promise<EvalLocateReport> {
  const options = parseLocateOptions(EvalLocateOptions, rawOptions);
  const started = performance.now();
  const ref = await loadGeoReference(collection, options.encoders.join('+'));
  const n = ref.photos.length;
  const k = options.k ?? ref.k;
  const bandwidthKm = options.bandwidthKm ?? ref.bandwidthKm;
  const test = options.test ? await externalTestSet(ref, options.test, progress) : leaveOneOut(ref, options.holdOut, options.maxGapHours);
  const m = test.latitude.length;
  if (m === 0) throw new DejaError('NO_DATA', 'no test photo with a known position', { file: options.test, hint: test.skipped[0]?.reason ?? 'give photos with GPS or a CSV of positions' });
  const truth = { latitude: test.latitude, longitude: test.longitude };
  const rows: EvalLocateRow[] = [];
  const thresholds = options.thresholdsKm;
  if (n >= 2) rows.push({ method: 'random guess (collection GPS)', descriptor: '-', ...randomGuessBaseline(ref.latitude, ref.longitude, thresholds) });
  const perPart = ref.parts.map((p, i) => sceneDistanceMatrix([{ data: p.data, dim: p.dim, queries: test.queries[i], metric: p.encoder.metric, weight: 1, scale: p.scale }], n, m));
  const combined = new Float32Array(m * n);
  perPart.forEach((d) => d.forEach((v, i) => (combined[i] += v)));
  const variants = [...ref.parts.map((p, i) => ({ name: p.encoder.spec, d: perPart[i] })), ...(ref.parts.length > 1 ? [{ name: ref.encoder, d: combined }] : [])];
  const est = { k, bandwidthKm, weighting: options.weighting, modes: 5 };
  let lastFound: ReturnType<typeof runVariant> | undefined;
  for (const v of variants) {
    const found = runVariant(ref, v.d, m, est, test.exclude);
    rows.push({ method: '1-NN', descriptor: v.name, ...summariseGeoErrors(geoErrorsKm(found.nearest, truth), thresholds) });
    rows.push({ method: `kNN mean-shift (k=${k})`, descriptor: v.name, ...summariseGeoErrors(geoErrorsKm(found.modeEstimate, truth), thresholds) });
    lastFound = found;
  }
  const trips = sequenceRows(ref, test, lastFound!, variants[variants.length - 1].name, bandwidthKm, options.maxGapHours, thresholds, rows);
  return {
    collection: collection.dir,
    protocol: test.protocol,
    geotagged: n,
    tested: m,
    k,
    bandwidthKm,
    trips,
    rows,
    latencyMs: measureLatency(ref, test, est),
    skipped: test.skipped,
    seconds: (performance.now() - started) / 1000,
  };
}

/** 1-NN and mean-shift estimates of every test photo from one distance matrix. */
function runVariant(ref: GeoReference, d: Float32Array, m: number, est: Parameters<typeof estimateFromDistances>[3], exclude: Uint8Array[]) {
  const nearest = { latitude: new Float64Array(m), longitude: new Float64Array(m) };
  const modeEstimate = { latitude: new Float64Array(m), longitude: new Float64Array(m) };
  const found: ReturnType<typeof estimateFromDistances>[] = [];
  for (let q = 0; q < m; q++) {
    const f = estimateFromDistances(ref, d, q, { ...est, exclude: exclude[q] });
    found.push(f);
    // No allowed neighbour (a held-out trip holding every geotagged photo): filled in below as a miss.
    nearest.latitude[q] = f ? f.estimate.nearest.latitude : NaN;
    nearest.longitude[q] = f ? f.estimate.nearest.longitude : NaN;
    modeEstimate.latitude[q] = f ? f.estimate.latitude : NaN;
    modeEstimate.longitude[q] = f ? f.estimate.longitude : NaN;
  }
  return { nearest: fillMissing(nearest), modeEstimate: fillMissing(modeEstimate), found };
}

/** Photos without an allowed neighbour get the North Pole as estimate: a miss at every threshold for inhabited places. */
function fillMissing(p: { latitude: Float64Array; longitude: Float64Array }) {
  for (let i = 0; i < p.latitude.length; i++) if (Number.isNaN(p.latitude[i])) (p.latitude[i] = 90), (p.longitude[i] = 0);
  return p;
}

/** Single vs sequence rows over the test photos that have capture times; returns the number of trips. */
function sequenceRows(
  ref: GeoReference,
  test: TestSet,
  found: ReturnType<typeof runVariant>,
  descriptor: string,
  bandwidthKm: number,
  maxGapHours: number,
  thresholds: number[],
  rows: EvalLocateRow[],
): number {
  const timed = Array.from(test.timesMs.keys()).filter((i) => Number.isFinite(test.timesMs[i]) && found.found[i]);
  if (timed.length < 2) return 0;
  const trips = splitTrips(timed.map((i) => test.timesMs[i]), maxGapHours).map((t) => Array.from(t, (r) => timed[r]));
  const order = trips.flat();
  const seqLat = new Float64Array(order.length);
  const seqLon = new Float64Array(order.length);
  let o = 0;
  for (const trip of trips) {
    const photos = trip.map((i) => ({ neighbours: found.found[i]!.neighbours, estimate: found.found[i]!.estimate, timeMs: test.timesMs[i] }));
    const seq = locateSequenceFromNeighbours(photos, { bandwidthKm });
    for (let t = 0; t < trip.length; t++, o++) (seqLat[o] = seq.latitude[t]), (seqLon[o] = seq.longitude[t]);
  }
  const truth = { latitude: Float64Array.from(order, (i) => test.latitude[i]), longitude: Float64Array.from(order, (i) => test.longitude[i]) };
  const single = { latitude: Float64Array.from(order, (i) => found.modeEstimate.latitude[i]), longitude: Float64Array.from(order, (i) => found.modeEstimate.longitude[i]) };
  rows.push({ method: `single photo, photos with times (${trips.length} trips)`, descriptor, ...summariseGeoErrors(geoErrorsKm(single, truth), thresholds) });
  rows.push({ method: `sequence HMM + travel prior (${trips.length} trips)`, descriptor, ...summariseGeoErrors(geoErrorsKm({ latitude: seqLat, longitude: seqLon }, truth), thresholds) });
  return trips.length;
}

/** Leave-one-out over the collection's geotagged photos (optionally holding out each photo's whole trip). */
function leaveOneOut(ref: GeoReference, holdOut: 'photo' | 'trip', maxGapHours: number): TestSet {
  const n = ref.photos.length;
  const timesMs = Float64Array.from(ref.photos, (p) => takenAtMs(p.takenAt));
  const exclude = Array.from({ length: n }, (_, i) => {
    const mask = new Uint8Array(n);
    mask[i] = 1;
    return mask;
  });
  if (holdOut === 'trip') {
    const timed = Array.from(timesMs.keys()).filter((i) => Number.isFinite(timesMs[i]));
    for (const trip of splitTrips(timed.map((i) => timesMs[i]), maxGapHours)) for (const a of trip) for (const b of trip) exclude[timed[a]][timed[b]] = 1;
  }
  return {
    protocol: `${holdOut === 'trip' ? 'leave-trip-out' : 'leave-one-out'} (trips split at ${maxGapHours} h gaps)`,
    latitude: ref.latitude,
    longitude: ref.longitude,
    timesMs,
    queries: ref.parts.map((p) => p.data),
    exclude,
    skipped: [],
  };
}

/** Test photos from a folder (truth: EXIF GPS) or a CSV (truth: its coordinates; files relative to it). */
async function externalTestSet(ref: GeoReference, test: string, progress: Progress): Promise<TestSet> {
  if (!fs.existsSync(test)) throw new DejaError('NOT_FOUND', 'test folder or CSV not found', { file: test, hint: 'pass a folder of geotagged photos or a CSV file,latitude,longitude[,time]' });
  const isCsv = fs.statSync(test).isFile() && test.toLowerCase().endsWith('.csv');
  const skipped: { path: string; reason: string }[] = [];
  const entries: { path: string; read: () => Buffer; truth?: { latitude: number; longitude: number; takenAt?: string } }[] = [];
  if (isCsv) {
    const csv = readGeoCsv(test);
    for (const p of csv.problems) skipped.push({ path: `${test}:${p.line}`, reason: p.message });
    for (const r of csv.rows) {
      const file = path.resolve(path.dirname(test), r.file);
      entries.push({ path: file, read: () => fs.readFileSync(file), truth: r });
    }
  } else for await (const item of listSources([test])) entries.push({ path: item.path, read: () => item.read() });
  const kept: { q: QueryPhoto; latitude: number; longitude: number; t: number }[] = [];
  progress.start(entries.length, 'describing test photos');
  for (const e of entries) {
    try {
      const q = await describeQuery(ref, e.read(), e.path, false);
      const pos = e.truth ?? q.gps;
      if (!pos) skipped.push({ path: e.path, reason: 'no GPS in EXIF: no ground truth' });
      else kept.push({ q, latitude: pos.latitude, longitude: pos.longitude, t: takenAtMs(e.truth?.takenAt ?? q.takenAt) });
    } catch (err) {
      if (isDejaError(err)) skipped.push({ path: e.path, reason: err.oneLine() });
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') skipped.push({ path: e.path, reason: 'file not found' });
      else throw err;
    }
    progress.tick();
  }
  progress.stop();
  return {
    protocol: `test set ${path.basename(test)}`,
    latitude: Float64Array.from(kept, (x) => x.latitude),
    longitude: Float64Array.from(kept, (x) => x.longitude),
    timesMs: Float64Array.from(kept, (x) => x.t),
    queries: ref.parts.map((p, i) => {
      const out = new Float32Array(kept.length * p.dim);
      kept.forEach((x, r) => out.set(x.q.descriptors[i], r * p.dim));
      return out;
    }),
    exclude: kept.map((x) => {
      const mask = new Uint8Array(ref.photos.length);
      ref.photos.forEach((p, j) => (mask[j] = p.hash === x.q.hash ? 1 : 0));
      return mask;
    }),
    skipped,
  };
}

/** Mean time of one query's combined distance row + kNN + mean-shift, over up to 20 test photos (ms). */
function measureLatency(ref: GeoReference, test: TestSet, est: Parameters<typeof estimateFromDistances>[3]): number {
  const n = ref.photos.length;
  const reps = Math.min(20, test.latitude.length);
  const t0 = performance.now();
  for (let q = 0; q < reps; q++) {
    const parts = ref.parts.map((p, i) => ({ data: p.data, dim: p.dim, queries: test.queries[i].subarray(q * p.dim, (q + 1) * p.dim), metric: p.encoder.metric, weight: p.weight, scale: p.scale }));
    const d = sceneDistanceMatrix(parts, n, 1);
    estimateFromDistances(ref, d, 0, { ...est, exclude: test.exclude[q] });
  }
  return (performance.now() - t0) / Math.max(1, reps);
}
