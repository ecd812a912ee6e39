import path from 'node:path';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { listGeoTestPhotos } from '../io/geoTestPhotos.ts';
import { combinedDistanceMatrix, concatenateCombined } from '../ann/combined.ts';
import type { Collection } from '../store/collection.ts';
import { constantPriorEstimates, randomGuessAgainstTest } from '../decoders/locate/chanceBaselines.ts';
import { crossFitPrior, priorFolds } from '../decoders/locate/crossFitPrior.ts';
import { GEO_THRESHOLDS_KM, geoErrorsKm, summariseGeoErrors, type GeoSummary } from '../decoders/locate/geoEvaluation.ts';
import { collectionMedoid, geoPrior, type GeoPrior } from '../decoders/locate/geoPrior.ts';
import { estimatesWithPrior, formatPriorWeight, priorChoice, type PriorChoice } from '../decoders/locate/locateWithPrior.ts';
import { locateSequenceFromNeighbours } from '../decoders/locate/locateSequenceFromNeighbours.ts';
import { splitTrips } from '../decoders/locate/splitTrips.ts';
import { FALLBACK_PRIOR_WEIGHT } from './locate/prior.ts';
import { crossFitPlanet } from '../decoders/locate/planet.ts';
import { describeQuery, estimateFromDistances, loadGeoReference, type GeoReference, type QueryPhoto } from './locate/geoReference.ts';
import { takenAtMs } from './shared/takenAtMs.ts';

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
  /** Evaluate a seeded random subset of at most this many test photos (large collections such as MP-16 subsets). */
  sample: z.number().int().positive().optional(),
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
  /** Reference columns test photo q may not use (itself, its trip, an identical file). */
  exclude: (q: number) => ArrayLike<number>;
  skipped: { path: string; reason: string }[];
}

/**
 * The im2gps evaluation: share of test photos within 50 m / 100 m / 1 / 25 / 200 / 750 / 2500 km and the
 * median error, for random guessing (a random allowed collection photo's position against each test photo's
 * truth), the constant prior (the collection's medoid), 1-NN and kNN mean-shift with each descriptor alone and
 * combined, kNN mean-shift with the collection prior (`chooseWithPrior`; γ cross-fitted by `crossFitPrior`,
 * each trip's γ chosen on the other trips — or 10 folds by index without trips — by `choosePriorWeight`,
 * which keeps the constant prior unless the votes beat it by more than one standard error), and single
 * photos vs the HMM sequence model; plus per-query latency.
 * @throws DejaError NO_DATA (no geotagged photos / no usable test photo), NOT_FOUND (test path)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 and Fig. 6; Weyand et al., PlaNet, ECCV 2016, Table 1;
 * Kalogerakis et al., ICCV 2009, §5 (sequence vs single-photo accuracy).
 */
export async function evalLocate(collection: Collection, rawOptions: EvalLocateOptions = {}, progress: Progress = silentProgress): Promise<EvalLocateReport> {
  const options = parseOptions(EvalLocateOptions, rawOptions);
  const started = performance.now();
  const ref = await loadGeoReference(collection, options.encoders.join('+'));
  const n = ref.photos.length;
  const k = options.k ?? ref.k;
  const bandwidthKm = options.bandwidthKm ?? ref.bandwidthKm;
  const test = options.test ? await externalTestSet(ref, options.test, options.sample, progress) : leaveOneOut(ref, options.holdOut, options.maxGapHours, options.sample);
  const m = test.latitude.length;
  if (m === 0) throw new DejaError('NO_DATA', 'no test photo with a known position', { file: options.test, hint: test.skipped[0]?.reason ?? 'give photos with GPS or a CSV of positions' });
  const truth = { latitude: test.latitude, longitude: test.longitude };
  const rows: EvalLocateRow[] = [];
  const thresholds = options.thresholdsKm;
  const prior = geoPrior(ref.latitude, ref.longitude);
  const medoids = medoidPerTest(prior, test);
  rows.push({ method: 'random guess (collection GPS)', descriptor: '-', ...randomGuessAgainstTest(ref.latitude, ref.longitude, test, thresholds) });
  rows.push({ method: 'constant prior (collection medoid)', descriptor: '-', ...summariseGeoErrors(geoErrorsKm(constantPriorEstimates(ref.latitude, ref.longitude, m, (q) => medoids[q]), truth), thresholds) });
  const names = [...ref.parts.map((p) => p.encoder.spec), ...(ref.parts.length > 1 ? [ref.encoder] : [])];
  const est = { k, bandwidthKm, weighting: options.weighting, modes: 5 };
  const results = runVariants(ref, test, names.length, est, progress);
  names.forEach((name, v) => {
    rows.push({ method: '1-NN', descriptor: name, ...summariseGeoErrors(geoErrorsKm(results[v].nearest, truth), thresholds) });
    rows.push({ method: `kNN mean-shift (k=${k})`, descriptor: name, ...summariseGeoErrors(geoErrorsKm(results[v].modeEstimate, truth), thresholds) });
  });
  const lastFound = results[names.length - 1];
  const folds = priorFolds(testTrips(test, options.maxGapHours));
  const choices = priorChoices(prior, test, lastFound);
  const withPrior = crossFitPrior(choices, truth, folds.fold, { groups: folds.groups });
  rows.push({ method: `kNN mean-shift + collection prior (k=${k}; γ per fold ${countGammas(withPrior.gammaPerFold)})`, descriptor: names[names.length - 1], ...summariseGeoErrors(geoErrorsKm(withPrior, truth), thresholds) });
  const fixed = estimatesWithPrior(choices, FALLBACK_PRIOR_WEIGHT);
  rows.push({ method: `kNN mean-shift + collection prior (k=${k}; fixed γ ${FALLBACK_PRIOR_WEIGHT}, the fallback of deja locate)`, descriptor: names[names.length - 1], ...summariseGeoErrors(geoErrorsKm(fixed, truth), thresholds) });
  const trips = sequenceRows(ref, test, lastFound, names[names.length - 1], bandwidthKm, options.maxGapHours, thresholds, rows);
  rows.push(planetRow(ref, test, names[names.length - 1], thresholds));
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

/** PlaNet (Weyand et al. 2016) on the same photos: a softmax over adaptive cells on the (combined) descriptor, 5-fold cross-fitted (decoders/locate/planet.ts). */
function planetRow(ref: GeoReference, test: TestSet, descriptor: string, thresholds: number[]): EvalLocateRow {
  const n = ref.photos.length;
  const m = test.latitude.length;
  const dim = ref.parts.reduce((s, p) => s + p.dim, 0);
  const reference = concatenateCombined(ref.parts, n);
  const queries = concatenateCombined(ref.parts.map((p, i) => ({ ...p, data: test.queries[i] })), m);
  const folds = 5;
  const p = crossFitPlanet(reference, dim, ref.latitude, ref.longitude, queries, m, (q) => test.exclude(q), folds);
  const truth = { latitude: test.latitude, longitude: test.longitude };
  return { method: `PlaNet cells (${p.cells} adaptive cells, softmax on the descriptor, ${folds}-fold)`, descriptor, ...summariseGeoErrors(geoErrorsKm(fillMissing(p), truth), thresholds) };
}

type VariantResult = {
  nearest: { latitude: Float64Array; longitude: Float64Array };
  modeEstimate: { latitude: Float64Array; longitude: Float64Array };
  found: ReturnType<typeof estimateFromDistances>[];
};

/**
 * 1-NN and mean-shift estimates of every test photo under each descriptor alone (variants 0 … parts − 1)
 * and combined (the last), computed over blocks of test photos so memory stays O(block × n).
 */
function runVariants(ref: GeoReference, test: TestSet, variants: number, est: Parameters<typeof estimateFromDistances>[3], progress: Progress): VariantResult[] {
  const n = ref.photos.length;
  const m = test.latitude.length;
  const out: VariantResult[] = Array.from({ length: variants }, () => ({
    nearest: { latitude: new Float64Array(m), longitude: new Float64Array(m) },
    modeEstimate: { latitude: new Float64Array(m), longitude: new Float64Array(m) },
    found: [],
  }));
  const mask = new Uint8Array(n);
  const block = Math.max(1, Math.floor(4_000_000 / n));
  progress.start(m, 'locating test photos');
  for (let q0 = 0; q0 < m; q0 += block) {
    const qc = Math.min(block, m - q0);
    const perPart = ref.parts.map((p, i) =>
      combinedDistanceMatrix([{ ...p, queries: test.queries[i].subarray(q0 * p.dim, (q0 + qc) * p.dim) }], n, qc),
    );
    const matrices = perPart.length > 1 ? [...perPart, sum(perPart)] : perPart;
    for (let r = 0; r < qc; r++) {
      const q = q0 + r;
      const ex = test.exclude(q);
      for (let e = 0; e < ex.length; e++) mask[ex[e]] = 1;
      matrices.forEach((d, v) => {
        const f = estimateFromDistances(ref, d, r, { ...est, exclude: mask });
        const res = out[v];
        res.found.push(f);
        // No allowed neighbour (a held-out trip holding every geotagged photo): counted as a miss below.
        res.nearest.latitude[q] = f ? f.estimate.nearest.latitude : NaN;
        res.nearest.longitude[q] = f ? f.estimate.nearest.longitude : NaN;
        res.modeEstimate.latitude[q] = f ? f.estimate.latitude : NaN;
        res.modeEstimate.longitude[q] = f ? f.estimate.longitude : NaN;
      });
      for (let e = 0; e < ex.length; e++) mask[ex[e]] = 0;
    }
    progress.tick(qc);
  }
  progress.stop();
  for (const res of out) (fillMissing(res.nearest), fillMissing(res.modeEstimate));
  return out;
}

function sum(ds: Float32Array[]): Float32Array {
  const out = new Float32Array(ds[0].length);
  for (const d of ds) for (let i = 0; i < d.length; i++) out[i] += d[i];
  return out;
}

/** Photos without an allowed neighbour get the North Pole as estimate: a miss at every threshold for inhabited places. */
function fillMissing(p: { latitude: Float64Array; longitude: Float64Array }) {
  for (let i = 0; i < p.latitude.length; i++) if (Number.isNaN(p.latitude[i])) (p.latitude[i] = 90), (p.longitude[i] = 0);
  return p;
}

/** The collection's medoid for each test photo, without the photos held out for it (one computation per distinct hold-out). */
function medoidPerTest(prior: GeoPrior, test: TestSet): Int32Array {
  const n = prior.latitude.length;
  const out = new Int32Array(test.latitude.length);
  const cache = new Map<string, number>();
  const mask = new Uint8Array(n);
  for (let q = 0; q < out.length; q++) {
    const ex = Array.from(test.exclude(q)).sort((a, b) => a - b);
    const key = ex.join(',');
    let j = cache.get(key);
    if (j === undefined) {
      for (const e of ex) mask[e] = 1;
      cache.set(key, (j = collectionMedoid(prior, mask)));
      for (const e of ex) mask[e] = 0;
    }
    out[q] = j;
  }
  return out;
}

/** The two candidates (strongest mode, medoid) of each test photo under the combined descriptor (`priorChoice`). */
function priorChoices(prior: GeoPrior, test: TestSet, found: VariantResult): PriorChoice[] {
  const mask = new Uint8Array(prior.latitude.length);
  return found.found.map((f, q) => {
    const ex = test.exclude(q);
    for (let e = 0; e < ex.length; e++) mask[ex[e]] = 1;
    // No allowed neighbour: the North Pole, a miss, as the rows above.
    const c = f ? priorChoice(f.estimate, f.neighbours, prior, mask) : { confidence: 0, latitude: Float64Array.of(90), longitude: Float64Array.of(0), voteErrorKm: Float64Array.of(0), priorErrorKm: Float64Array.of(0) };
    for (let e = 0; e < ex.length; e++) mask[ex[e]] = 0;
    return c;
  });
}

/** Trip of each test photo (24 h gaps by default; −1 without a capture time). */
function testTrips(test: TestSet, maxGapHours: number): Int32Array {
  const tripOf = new Int32Array(test.latitude.length).fill(-1);
  const timed = Array.from(test.timesMs.keys()).filter((i) => Number.isFinite(test.timesMs[i]));
  if (timed.length >= 1) splitTrips(timed.map((i) => test.timesMs[i]), maxGapHours).forEach((t, ti) => t.forEach((r) => (tripOf[timed[r]] = ti)));
  return tripOf;
}

/** `∞ ×91` or `0.25 ×9, 0.5 ×1`: the γ of each fold, counted, in order of first appearance. */
function countGammas(gammas: number[]): string {
  const counts = new Map<string, number>();
  for (const g of gammas) counts.set(formatPriorWeight(g), (counts.get(formatPriorWeight(g)) ?? 0) + 1);
  return [...counts].map(([g, c]) => `${g} ×${c}`).join(', ');
}

/** Single vs sequence rows over the test photos that have capture times; returns the number of trips. */
function sequenceRows(
  ref: GeoReference,
  test: TestSet,
  found: VariantResult,
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

/** A seeded random subset of `0 … n − 1` of at most `size` indices, ascending (all when size is undefined). */
function sampleIndices(n: number, size: number | undefined): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (size === undefined || size >= n) return all;
  return new Rng(42).shuffle(all).slice(0, size).sort((a, b) => a - b);
}

/** Leave-one-out over the collection's geotagged photos (optionally holding out each photo's whole trip). */
function leaveOneOut(ref: GeoReference, holdOut: 'photo' | 'trip', maxGapHours: number, sample: number | undefined): TestSet {
  const n = ref.photos.length;
  const times = Float64Array.from(ref.photos, (p) => takenAtMs(p.takenAt));
  const tripOf = new Int32Array(n).fill(-1);
  const timed = Array.from(times.keys()).filter((i) => Number.isFinite(times[i]));
  const trips = splitTrips(timed.map((i) => times[i]), maxGapHours).map((t) => Int32Array.from(t, (r) => timed[r]));
  trips.forEach((t, ti) => t.forEach((c) => (tripOf[c] = ti)));
  const cols = sampleIndices(n, sample);
  return {
    protocol: `${holdOut === 'trip' ? 'leave-trip-out' : 'leave-one-out'} (trips split at ${maxGapHours} h gaps)${cols.length < n ? `, ${cols.length} sampled` : ''}`,
    latitude: Float64Array.from(cols, (c) => ref.latitude[c]),
    longitude: Float64Array.from(cols, (c) => ref.longitude[c]),
    timesMs: Float64Array.from(cols, (c) => times[c]),
    queries: ref.parts.map((p) => {
      if (cols.length === n) return p.data;
      const out = new Float32Array(cols.length * p.dim);
      cols.forEach((c, r) => out.set(p.data.subarray(c * p.dim, (c + 1) * p.dim), r * p.dim));
      return out;
    }),
    exclude: (q) => (holdOut === 'trip' && tripOf[cols[q]] >= 0 ? trips[tripOf[cols[q]]] : [cols[q]]),
    skipped: [],
  };
}

/** Test photos from a folder (truth: EXIF GPS) or a CSV (truth: its coordinates; files relative to it). */
async function externalTestSet(ref: GeoReference, test: string, sample: number | undefined, progress: Progress): Promise<TestSet> {
  const { photos: entries, skipped } = await listGeoTestPhotos(test);
  const kept: { q: QueryPhoto; latitude: number; longitude: number; t: number }[] = [];
  const chosen = sampleIndices(entries.length, sample).map((i) => entries[i]);
  progress.start(chosen.length, 'describing test photos');
  for (const e of chosen) {
    try {
      const q = await describeQuery(ref, e.read(), e.path, false);
      const pos = e.truth ?? q.gps;
      if (!pos) skipped.push({ path: e.path, reason: 'no GPS in EXIF: no ground truth' });
      else kept.push({ q, latitude: pos.latitude, longitude: pos.longitude, t: takenAtMs(e.truth?.takenAt ?? q.takenAt) });
    } catch (err) {
      if (isDejaError(err)) skipped.push({ path: e.path, reason: err.oneLine() });
      else throw err;
    }
    progress.tick();
  }
  progress.stop();
  const columnOfHash = new Map(ref.photos.map((p, j) => [p.hash, j] as [string, number]));
  return {
    protocol: `test set ${path.basename(test)}${chosen.length < entries.length ? `, ${chosen.length} of ${entries.length} sampled` : ''}`,
    latitude: Float64Array.from(kept, (x) => x.latitude),
    longitude: Float64Array.from(kept, (x) => x.longitude),
    timesMs: Float64Array.from(kept, (x) => x.t),
    queries: ref.parts.map((p, i) => {
      const out = new Float32Array(kept.length * p.dim);
      kept.forEach((x, r) => out.set(x.q.descriptors[i], r * p.dim));
      return out;
    }),
    exclude: (q) => {
      const c = columnOfHash.get(kept[q].q.hash);
      return c === undefined ? [] : [c];
    },
    skipped,
  };
}

/** Mean time of one query's combined distance row + kNN + mean-shift, over up to 20 test photos (ms). */
function measureLatency(ref: GeoReference, test: TestSet, est: Parameters<typeof estimateFromDistances>[3]): number {
  const n = ref.photos.length;
  const reps = Math.min(20, test.latitude.length);
  const t0 = performance.now();
  for (let q = 0; q < reps; q++) {
    const parts = ref.parts.map((p, i) => ({ ...p, queries: test.queries[i].subarray(q * p.dim, (q + 1) * p.dim) }));
    const d = combinedDistanceMatrix(parts, n, 1);
    const mask = new Uint8Array(n);
    for (const c of Array.from(test.exclude(q))) mask[c] = 1;
    estimateFromDistances(ref, d, 0, { ...est, exclude: mask });
  }
  return (performance.now() - t0) / Math.max(1, reps);
}
