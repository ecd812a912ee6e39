import { assert } from '../../core/errors.ts';
import { fitLinearClassifier } from '../recognize/fitLinearClassifier.ts';
import { linearScores } from '../recognize/linearModel.ts';
import { argmaxRows, softmaxRows } from '../recognize/networkClassifier.ts';
import type { Standardization } from '../recognize/standardization.ts';
import { adaptiveCells, type GeoCell } from './adaptiveCells.ts';

/**
 * Geolocation as classification (PlaNet: Weyand, Kostrikov & Philbin, ECCV 2016): the training photos'
 * positions cut the sphere into adaptive cells (adaptiveCells.ts), a softmax classifier learns to name a
 * photo's cell from its descriptor, and the answer is the most probable cell's position (§3: "the
 * centre of the cell"; here the mean of its training photos, which is never farther from them).
 *
 * PlaNet trains the whole network on 91 M photos. At Deja's sizes (hundreds to thousands of geotagged
 * photos) a network trained from scratch on the cells learns nothing, so the network is the frozen
 * trunk of an encoder (`cnn(model=…,output=features)`, or gist) and the classifier its last layer,
 * trained here by minibatch SGD on the softmax loss with L2 (the same trainer as `deja train-linear`,
 * λ and η₀ chosen on a stratified tenth of the training photos).
 */
export interface PlanetModel {
  cells: GeoCell[];
  dim: number;
  weights: Float64Array;
  bias: Float64Array;
  standardization: Standardization;
  lambda: number;
  learningRate: number;
  /** Training photos that fell in a kept cell (the classifier's rows). */
  trainedOn: number;
}

export interface PlanetOptions {
  /** Split a cell above this many training photos; default `planetCellThresholds`. */
  maxPhotos?: number;
  /** Drop cells under this many; default `planetCellThresholds`. */
  minPhotos?: number;
  /** Fixed λ / η₀ (skips their validation search, e.g. reusing the first fold's choice). */
  lambda?: number;
  learningRate?: number;
  epochs?: number;
  seed?: number;
}

/**
 * Cell thresholds for `n` training photos. PlaNet's t1 = 10,000 and t2 = 50 on 126 M photos give 26,263
 * cells; at n in the hundreds or thousands that rule leaves one cell, so the split size scales with n
 * (about 40 cells for n ≥ 320) and a kept cell needs enough photos for the classifier to learn from.
 */
export function planetCellThresholds(n: number): { maxPhotos: number; minPhotos: number } {
  const maxPhotos = Math.max(8, Math.ceil(n / 40));
  return { maxPhotos, minPhotos: Math.max(3, Math.ceil(maxPhotos / 6)) };
}

/**
 * Trains the cell classifier on the rows `rows` of `x` (`n * dim` descriptors, row-major) with their positions.
 * @returns the model, or null when the positions give fewer than two cells (nothing to classify)
 */
export function trainPlanet(
  x: Float32Array,
  dim: number,
  latitude: ArrayLike<number>,
  longitude: ArrayLike<number>,
  rows: ArrayLike<number>,
  options: PlanetOptions = {},
): PlanetModel | null {
  const m = rows.length;
  const lat = Float64Array.from(rows, (r) => latitude[r]);
  const lon = Float64Array.from(rows, (r) => longitude[r]);
  const thresholds = { ...planetCellThresholds(m), ...definedOnly({ maxPhotos: options.maxPhotos, minPhotos: options.minPhotos }) };
  const { cells, cellOfPhoto } = adaptiveCells(lat, lon, thresholds);
  if (cells.length < 2) return null;
  const kept = Array.from({ length: m }, (_, i) => i).filter((i) => cellOfPhoto[i] >= 0);
  const data = new Float32Array(kept.length * dim);
  kept.forEach((i, j) => data.set(x.subarray(rows[i] * dim, (rows[i] + 1) * dim), j * dim));
  const labels = Int32Array.from(kept, (i) => cellOfPhoto[i]);
  const fit = fitLinearClassifier(
    { data, n: kept.length, dim, labels, numClasses: cells.length },
    {
      loss: 'softmax',
      lambda: options.lambda,
      learningRate: options.learningRate,
      lambdas: [1e-3, 1e-2, 1e-1],
      learningRates: [3e-4, 1e-3, 3e-3, 1e-2],
      searchEpochs: 3,
      validationFraction: 0.1,
      momentum: 0.9,
      epochs: options.epochs ?? 10,
      batchSize: 200,
      lrDecay: 0.9,
      seed: options.seed ?? 1,
    },
  );
  return { cells, dim, weights: fit.weights, bias: fit.bias, standardization: fit.standardization, lambda: fit.lambda, learningRate: fit.learningRate, trainedOn: kept.length };
}

/** The most probable cell of each query (`nq * dim` descriptors), its probability, and the answer position. */
export function planetPredict(model: PlanetModel, queries: Float32Array, nq: number): { cell: Int32Array; probability: Float64Array; latitude: Float64Array; longitude: Float64Array } {
  assert(queries.length >= nq * model.dim, 'planetPredict: nq rows of dim');
  const C = model.cells.length;
  const scores = linearScores(model, queries, nq);
  const { predicted, confidence } = argmaxRows(softmaxRows(scores, nq, C), nq, C);
  return {
    cell: predicted,
    probability: confidence,
    latitude: Float64Array.from(predicted, (c) => model.cells[c].latitude),
    longitude: Float64Array.from(predicted, (c) => model.cells[c].longitude),
  };
}

function definedOnly<T extends Record<string, number | undefined>>(o: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}

/**
 * PlaNet estimates for test photos whose own photos must not train the classifier (leave-one-out or
 * leave-trip-out on a collection): the test photos are dealt into `folds` folds, and each fold is
 * answered by a model trained on every reference row except those any of its photos excludes (k-fold
 * cross-fitting: `folds` trainings instead of one per photo). λ and η₀ are chosen on the first fold's
 * training rows and reused. Photos are assigned to folds round-robin; with no exclusions one model serves all.
 * @returns per test photo the answer (NaN when no model could be trained) and the cells of the first fold's model
 */
export function crossFitPlanet(
  reference: Float32Array,
  dim: number,
  latitude: ArrayLike<number>,
  longitude: ArrayLike<number>,
  queries: Float32Array,
  nq: number,
  exclude: (q: number) => ArrayLike<number>,
  folds = 5,
): { latitude: Float64Array; longitude: Float64Array; cells: number; trainedOn: number } {
  const n = latitude.length;
  const anyExcluded = Array.from({ length: nq }, (_, q) => exclude(q).length).some((c) => c > 0);
  const k = anyExcluded ? Math.max(1, Math.min(folds, nq)) : 1;
  const out = { latitude: new Float64Array(nq).fill(NaN), longitude: new Float64Array(nq).fill(NaN), cells: 0, trainedOn: 0 };
  let chosen: { lambda: number; learningRate: number } | undefined;
  for (let f = 0; f < k; f++) {
    const members = Array.from({ length: nq }, (_, q) => q).filter((q) => q % k === f);
    const held = new Uint8Array(n);
    for (const q of members) for (const r of Array.from(exclude(q))) held[r] = 1;
    const rows = Array.from({ length: n }, (_, r) => r).filter((r) => !held[r]);
    const model = trainPlanet(reference, dim, latitude, longitude, rows, chosen ?? {});
    if (!model) continue;
    chosen ??= { lambda: model.lambda, learningRate: model.learningRate };
    if (f === 0) (out.cells = model.cells.length), (out.trainedOn = model.trainedOn);
    const q = new Float32Array(members.length * dim);
    members.forEach((m, i) => q.set(queries.subarray(m * dim, (m + 1) * dim), i * dim));
    const p = planetPredict(model, q, members.length);
    members.forEach((m, i) => ((out.latitude[m] = p.latitude[i]), (out.longitude[m] = p.longitude[i])));
  }
  return out;
}
