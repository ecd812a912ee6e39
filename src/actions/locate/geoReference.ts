import crypto from 'node:crypto';
import { DejaError } from '../../core/errors.ts';
import { flipHorizontal } from '../../core/image.ts';
import { decodeImage } from '../../io/decode.ts';
import { readExif } from '../../io/exif.ts';
import { combinedKnn } from '../../ann/combined.ts';
import type { Collection, PhotoRecord } from '../../store/collection.ts';
import { defaultBandwidthKm } from '../../decoders/locate/defaultBandwidthKm.ts';
import { locateFromNeighbours, type GeoEstimate, type GeoNeighbours } from '../../decoders/locate/locateFromNeighbours.ts';
import { nearestColumns } from '../../decoders/locate/nearestColumns.ts';
import { combinedDescriptors, type CombinedDescriptors } from '../shared/combinedDescriptors.ts';

/** The collection's geotagged photos with their descriptors: what every estimate rests on. */
export interface GeoReference {
  encoder: string;
  /** Geotagged photos that have every descriptor, in photo-id order (the rows of `parts`). */
  photos: PhotoRecord[];
  latitude: Float64Array;
  longitude: Float64Array;
  /** The combined descriptor's rows over `photos` (encoders/combined.ts: Σ w_e d_e / s_e). */
  parts: CombinedDescriptors['parts'];
  /** Geotagged photos left out because a descriptor of the spec is missing for them. */
  leftOut: number;
  /** Shorter side a query photo is decoded at, for every encoder. */
  inputSize: number;
  bandwidthKm: number;
  k: number;
}

/**
 * Loads the geotagged photos that have every descriptor of the (combined) encoder spec.
 * @throws DejaError NO_DATA when the collection has no geotagged photos or lacks a descriptor
 */
export async function loadGeoReference(collection: Collection, encoderSpec: string): Promise<GeoReference> {
  const geotagged = new Map(collection.photos().filter((p) => p.latitude !== null && p.longitude !== null).map((p) => [p.id, p]));
  const set = await combinedDescriptors(collection, encoderSpec, (id) => geotagged.has(id));
  if (set.n === 0)
    throw new DejaError('NO_DATA', `the collection has no geotagged photos with ${set.parts.map((p) => p.encoder.spec).join(', ')} descriptors`, {
      file: collection.dir,
      hint: 'index photos with GPS in their EXIF, or import positions with `deja index --geo file.csv <photos>`',
    });
  const photos = Array.from(set.photoIds, (id) => geotagged.get(id)!);
  const latitude = Float64Array.from(photos, (p) => p.latitude!);
  const longitude = Float64Array.from(photos, (p) => p.longitude!);
  const k = Math.min(photos.length, Math.max(5, Math.min(120, Math.round(Math.sqrt(photos.length)))));
  return {
    encoder: encoderSpec,
    photos,
    latitude,
    longitude,
    parts: set.parts,
    leftOut: set.leftOut,
    inputSize: set.encoder.inputSize,
    bandwidthKm: defaultBandwidthKm(latitude, longitude),
    k,
  };
}

/** A photo decoded and described by every encoder of the reference (and its mirror image). */
export interface QueryPhoto {
  name: string;
  hash: string;
  takenAt: string | null;
  gps: { latitude: number; longitude: number } | null;
  /** Per reference part: `nq * dim` descriptors (nq = 2 with the mirror). */
  descriptors: Float32Array[];
  nq: number;
}

/**
 * Decodes and encodes a photo for locating.
 * @throws DejaError for unreadable or undecodable photos
 */
export async function describeQuery(ref: GeoReference, bytes: Buffer, name: string, mirror: boolean): Promise<QueryPhoto> {
  const minSide = Math.max(32, ref.inputSize);
  const { image } = await decodeImage(bytes, { minSide, name });
  const exif = await readExif(bytes);
  const images = mirror ? [image, flipHorizontal(image)] : [image];
  const descriptors: Float32Array[] = [];
  for (const p of ref.parts) {
    const out = new Float32Array(images.length * p.dim);
    for (let q = 0; q < images.length; q++) out.set(await p.encoder.encode(images[q]), q * p.dim);
    descriptors.push(out);
  }
  const gps = exif.latitude !== null && exif.longitude !== null ? { latitude: exif.latitude, longitude: exif.longitude } : null;
  return { name, hash: crypto.createHash('sha256').update(bytes).digest('hex'), takenAt: exif.takenAt, gps, descriptors, nq: images.length };
}

/**
 * The k nearest geotagged photos of a query under the combined distance (`combinedKnn`, as `deja search`),
 * the better of photo and mirror per neighbour, skipping excluded rows.
 */
export function queryNeighbours(ref: GeoReference, q: QueryPhoto, k: number, exclude?: Uint8Array): { columns: Int32Array; distances: Float64Array } {
  const n = ref.photos.length;
  const candidates = exclude ? Int32Array.from(Array.from({ length: n }, (_, j) => j).filter((j) => !exclude[j])) : undefined;
  const best = new Map<number, number>();
  if (candidates?.length === 0) return { columns: new Int32Array(0), distances: new Float64Array(0) };
  for (let r = 0; r < q.nq; r++) {
    const parts = ref.parts.map((p, i) => ({ ...p, query: q.descriptors[i].subarray(r * p.dim, (r + 1) * p.dim) }));
    const nn = combinedKnn(parts, n, Math.min(k, candidates?.length ?? n), candidates);
    for (let j = 0; j < nn.k; j++) {
      const c = nn.labels[j];
      if (c >= 0 && !(best.get(c)! <= nn.distances[j])) best.set(c, nn.distances[j]);
    }
  }
  const sorted = [...best.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, k);
  return { columns: Int32Array.from(sorted, (e) => e[0]), distances: Float64Array.from(sorted, (e) => e[1]) };
}

type EstimateOptions = { k: number; bandwidthKm: number; weighting: 'uniform' | 'match'; modes: number; exclude?: Uint8Array };

/** The im2gps estimate from a query's nearest geotagged photos (reference columns and match distances, ascending). */
export function estimateFromColumns(
  ref: GeoReference,
  columns: Int32Array,
  distances: Float64Array,
  opts: EstimateOptions,
): { neighbours: GeoNeighbours; columns: Int32Array; estimate: GeoEstimate } | undefined {
  if (columns.length === 0) return undefined;
  const neighbours = { latitude: Float64Array.from(columns, (j) => ref.latitude[j]), longitude: Float64Array.from(columns, (j) => ref.longitude[j]), distance: distances };
  const estimate = locateFromNeighbours(neighbours, { bandwidthKm: opts.bandwidthKm, weighting: opts.weighting, maxModes: opts.modes });
  return { neighbours, columns, estimate };
}

/** The im2gps estimate for one row of a distance matrix (`nq * n`, see `combinedDistanceMatrix`). */
export function estimateFromDistances(ref: GeoReference, distances: Float32Array, row: number, opts: EstimateOptions): ReturnType<typeof estimateFromColumns> {
  const { columns, distances: d } = nearestColumns(distances, row, ref.photos.length, opts.k, opts.exclude);
  return estimateFromColumns(ref, columns, d, opts);
}
