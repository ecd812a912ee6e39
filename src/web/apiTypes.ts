/**
 * The JSON shapes of the Deja HTTP API (`deja serve`), as the page reads them. URLs in these
 * objects (thumbnails, job files) are absolute paths on the same server.
 */
import type { CollectionInfo } from '../actions/info.ts';

/** Body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  code: string;
  message: string;
  file?: string;
  hint?: string;
}

export interface Health {
  ok: boolean;
  photos: number;
}

/** `GET /api/info`: the action's own summary, plus the collection folder's name. */
export type Info = CollectionInfo & { name: string };

export interface PhotoSummary {
  id: number;
  name: string;
  width: number;
  height: number;
  label: string | null;
  latitude: number | null;
  longitude: number | null;
  takenAt: string | null;
  thumbnail: string;
}

export interface PhotoPage {
  total: number;
  offset: number;
  limit: number;
  photos: PhotoSummary[];
}

export interface LatLon {
  latitude: number;
  longitude: number;
}

export interface GeoPhotos {
  photos: (LatLon & { id: number })[];
}

export interface SearchHit {
  id: number;
  name: string;
  path: string;
  distance: number;
  mirrored: boolean;
  thumbnail: string;
}

export interface SearchResult {
  encoder: string;
  k: number;
  seconds: number;
  results: SearchHit[];
}

export interface ClassifyResult {
  label: string | null;
  scores: { label: string; score: number; votes: number }[];
  neighbours: { id: number; name: string; path: string; label: string | null; distance: number; thumbnail: string }[];
  encoder: string;
  k: number;
  weighting: string;
  collectionSize: number;
  pca: number | null;
  seconds: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A long task on the server; `result` is set once `state` is `done`, `error` once it is `failed`. */
export interface Job<R = unknown> {
  id: string;
  kind: string;
  state: JobState;
  progress: { stage: string; done: number; total: number };
  result: R | null;
  error: ApiErrorBody | null;
  url: string;
  events: string;
}

export interface LocateNeighbour extends LatLon {
  id: number;
  name: string;
  path: string;
  distance: number;
  weight: number;
  voted: boolean;
  thumbnail: string;
}

export interface LocateMode extends LatLon {
  support: number;
  count: number;
  place: string | null;
}

export interface LocateResult {
  encoder: string;
  k: number;
  bandwidthKm: number;
  estimate: LatLon & { confidence: number; place: string | null };
  nearestNeighbour: LatLon;
  modes: LocateMode[];
  neighbours: LocateNeighbour[];
  excludedSelf: boolean | number;
  exifGps: LatLon | null;
  map: string;
  seconds: number;
}

export type CompleteMethod = 'scene' | 'diffusion' | 'texture';

export interface Completion {
  rank: number;
  source: { id: number; name: string; thumbnail: string } | null;
  score: number | null;
  image: string;
}

export interface CompleteResult {
  method: CompleteMethod;
  width: number;
  height: number;
  holeFraction: number;
  collectionSize: number;
  scenesMatched: number;
  warnings: string[];
  query: string;
  original: string;
  grid: string;
  results: Completion[];
  seconds: number;
}

export interface ColorizeResult {
  method: 'transfer' | 'mean';
  encoder: string;
  width: number;
  height: number;
  note: string | null;
  skippedGray: number;
  matches: { id: number; name: string; distance: number; mirrored: boolean; thumbnail: string }[];
  panels: { gray: string; average: string; result: string; sheet: string };
}

/** One photo of a located sequence. */
export interface LocateSequencePhoto {
  /** The uploaded file's name. */
  path: string;
  /** EXIF capture time, ISO 8601 with the photo's own UTC offset when it has one. */
  takenAt: string | null;
  /** Index of its trip (0-based), or null for a photo without capture time. */
  trip: number | null;
  /** The photo's estimate on its own (kNN mean shift). */
  single: LatLon & { confidence: number; place: string | null };
  /** The estimate decoded along its trip with the travel prior; null without a trip. */
  sequence: (LatLon & { place: string | null }) | null;
  exifGps: LatLon | null;
}

/** Result of `POST /api/locate/sequence` (as `deja locate --sequence --json`). */
export interface LocateSequenceResult {
  folder: string;
  encoder: string;
  k: number;
  bandwidthKm: number;
  trips: number;
  /** In time order per trip, trip after trip, then the photos without capture time. */
  photos: LocateSequencePhoto[];
  withoutTime: string[];
  skipped: { path: string; reason: string }[];
  seconds: number;
}
