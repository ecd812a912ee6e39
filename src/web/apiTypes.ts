/**
 * The JSON shapes of the Deja HTTP API (`deja serve`), as the page reads them. URLs in these
 * objects (thumbnails, job files) are absolute paths on the same server.
 */

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

export interface EncoderInfo {
  spec: string;
  name: string;
  version: number | string;
  dim: number;
  dtype: string;
  rows: number;
}

export interface Info {
  collection: string;
  name: string;
  photos: number;
  duplicates: number;
  skipped: number;
  geotagged: number;
  labelled: number;
  labels: { label: string; count: number }[];
  encoders: EncoderInfo[];
  diskBytes: number;
}

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
