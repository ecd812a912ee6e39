/**
 * The JSON shapes of the Deja HTTP API (`deja serve`), as the page reads them: inferred from the
 * server's own response schemas (src/server/responses.ts, also shown in /openapi.json), never copied
 * by hand. Type-only: nothing of the server reaches the page's bundle.
 */
import type { z } from 'zod';
import type * as S from '../server/responses.ts';

/** Body of every 4xx/5xx answer. */
export type ApiErrorBody = z.infer<typeof S.ApiErrorBody>;
export type Health = z.infer<typeof S.Health>;
/** `GET /api/info`: the collection summary, plus the collection folder's name. */
export type Info = z.infer<typeof S.Info>;
/** `GET /api/ingest`: the distributed ingest's progress. */
export type IngestProgress = z.infer<typeof S.IngestProgress>;
export type PhotoSummary = z.infer<typeof S.PhotoSummary>;
export type PhotoPage = z.infer<typeof S.PhotoPage>;
export type GeoPhotos = z.infer<typeof S.GeoPhotos>;
export type { LatLon } from '../math/greatCircle.ts';
export type SearchResult = z.infer<typeof S.SearchResult>;
export type SearchHit = SearchResult['results'][number];
export type ClassifyResult = z.infer<typeof S.ClassifyResult>;
/** `POST /api/classify` with `model`: a classification network's top classes. */
export type ModelClassifyResult = z.infer<typeof S.ModelClassifyResult>;
/** `GET /api/models`: the server's model cards, the classifiers a request may name, and those with an input-gradient graph. */
export type ModelList = z.infer<typeof S.ModelList>;
/** Result of the `POST /api/attack` job. */
export type AttackResult = z.infer<typeof S.AttackResult>;
export type LocateResult = z.infer<typeof S.LocateResult>;
export type LocateNeighbour = LocateResult['neighbours'][number];
export type LocateMode = LocateResult['modes'][number];
export type LocateSequencePhoto = z.infer<typeof S.LocateSequencePhoto>;
export type LocateSequenceResult = z.infer<typeof S.LocateSequenceResult>;
export type CompleteResult = z.infer<typeof S.CompleteResult>;
export type Completion = z.infer<typeof S.Completion>;
export type ColorizeResult = z.infer<typeof S.ColorizeResult>;
/** Result of the `POST /api/reconstruct` job: the outcome per photo, the camera, the summary and the model files. */
export type ReconstructResult = z.infer<typeof S.ReconstructResult>;
/** `scene.json` of a reconstruct job: the points and cameras the 3D viewer draws. */
export type ViewerScene = z.infer<typeof S.ViewerScene>;
export type JobState = z.infer<typeof S.JobState>;

/** A long task on the server; `result` is set once `state` is `done`, `error` once it is `failed`. */
export type Job<R = unknown> = Omit<z.infer<typeof S.Job>, 'result'> & { result: R | null };
