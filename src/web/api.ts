/**
 * Typed client of the Deja HTTP API. Uploads go as multipart FormData; long tasks come back as jobs,
 * followed through their event stream (`/api/jobs/:id/events`), or by polling `/api/jobs/:id` where
 * the stream is unavailable or breaks.
 */
import type {
  ApiErrorBody, AttackResult, ClassifyResult, ColorizeResult, CompleteResult, GeoPhotos, Health, Info, IngestProgress, Job, LocateResult,
  LocateSequenceResult, ModelClassifyResult, ModelList, PhotoPage, ReconstructResult, SearchResult, ViewerScene,
} from './apiTypes.ts';
import type { MethodMenus } from '../actions/methods.ts';

/** A failed request, carrying the server's error code, message and hint. */
export class ApiError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly file?: string;
  readonly status: number;

  constructor(body: ApiErrorBody, status: number) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.hint = body.hint;
    this.file = body.file;
    this.status = status;
  }
}

/** The one line the page shows for any error: message, then the hint when there is one. */
export function errorLine(err: unknown): string {
  if (err instanceof ApiError) return err.hint ? `${err.message} — ${err.hint}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

type FormValue = Blob | File | { blob: Blob; name: string } | string | number | boolean;

/**
 * Form fields of an upload: files (with their names), strings and numbers; undefined ones are left
 * out, and an array repeats its field once per item (the photos of a sequence).
 */
export type FormFields = Record<string, FormValue | FormValue[] | undefined>;

export function toFormData(fields: FormFields): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) appendField(form, key, item);
  }
  return form;
}

function appendField(form: FormData, key: string, value: FormValue): void {
  if (value instanceof File) form.append(key, value, value.name);
  else if (value instanceof Blob) form.append(key, value, `${key}.${extensionOf(value.type)}`);
  else if (typeof value === 'object') form.append(key, value.blob, value.name);
  else form.append(key, String(value));
}

function extensionOf(mime: string): string {
  return mime === 'image/png' ? 'png' : mime === 'image/jpeg' ? 'jpg' : 'bin';
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError({ code: 'NETWORK', message: `could not reach the server for ${url}`, hint: 'is `deja serve` still running?' }, 0);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // A non-JSON body (a proxy's error page, say) is reported by its status below.
  }
  if (!res.ok) {
    const error = (body as { error?: ApiErrorBody } | undefined)?.error;
    throw new ApiError(error?.message ? error : { code: `HTTP_${res.status}`, message: `${url}: HTTP ${res.status} ${res.statusText}`.trim() }, res.status);
  }
  return body as T;
}

const post = <T>(url: string, fields: FormFields) => request<T>(url, { method: 'POST', body: toFormData(fields) });

export const api = {
  health: () => request<Health>('/api/health'),
  info: () => request<Info>('/api/info'),
  ingest: () => request<IngestProgress>('/api/ingest'),
  /** Each capability's methods, from the server's method registries (the menus of Complete and Colorize). */
  methods: () => request<MethodMenus>('/api/methods'),
  photos: (offset: number, limit: number) => request<PhotoPage>(`/api/photos?offset=${offset}&limit=${limit}`),
  geo: () => request<GeoPhotos>('/api/photos/geo'),
  thumbnail: (id: number, size = 256) => `/api/photos/${id}/thumbnail?size=${size}`,
  /** A collection photo's own file, full size, in its own format (what the viewer shows and downloads). */
  original: (id: number) => `/api/photos/${id}/original`,

  /** `photo` (a file) or `photoId`; `encoder` (default gist), `k`, `mirror`, `exact`, `index`. */
  search: (fields: FormFields) => post<SearchResult>('/api/search', fields),
  /** `photo`; `encoder` (default tiny), `k`, `weighting`, `pca`. */
  classify: (fields: FormFields) => post<ClassifyResult>('/api/classify', fields),
  /** `photo` and `model` (a name of `models().classifiers`); `top`. */
  classifyByModel: (fields: FormFields & { model: string }) => post<ModelClassifyResult>('/api/classify', fields),
  /** The server's model cards, and the classifiers a classify or attack request may name. */
  models: () => request<ModelList>('/api/models'),
  /**
   * `photo` (or `photoId`) and `model`; `method`, `eps` (fgsm, pgd, eot), `pixels` (one-pixel), `target`,
   * `steps`, `population`, `iterations`, `samples`, `draws`, `seed`. Answers a job.
   */
  attack: (fields: FormFields & { model: string }) => post<Job<AttackResult>>('/api/attack', fields),

  /** `photo`; `encoder`, `k`, `bandwidthKm`, `weighting`, `mirror`, `modes`, `show`, `mapRegion`. Answers a job. */
  locate: (fields: FormFields) => post<Job<LocateResult>>('/api/locate', fields),
  /**
   * `photos` (several files; their EXIF capture times order them); `encoder`, `k`, `bandwidthKm`,
   * `weighting`, `mirror`, `modes`, `maxGapHours` (a longer gap starts a new trip). Answers a job.
   */
  locateSequence: (photos: File[], fields: FormFields = {}) => post<Job<LocateSequenceResult>>('/api/locate/sequence', { ...fields, photos }),
  /** `photo` and `mask` (PNG, same size, white = hole); `method`, `k`, `scenes`, `encoder`, `maxSide`, `seed`. */
  complete: (fields: FormFields) => post<Job<CompleteResult>>('/api/complete', fields),
  /** `photo`; `k`, `method` (transfer | mean), `encoder`, `mirror`. */
  colorize: (fields: FormFields) => post<Job<ColorizeResult>>('/api/colorize', fields),
  /** `photos` (two or more files of one scene); `cameraModel`, `K` (nine numbers with pinhole), `maxSize`, `matcher`. Answers a job. */
  reconstruct: (photos: File[], fields: FormFields = {}) => post<Job<ReconstructResult>>('/api/reconstruct', { ...fields, photos }),
  /** A reconstruct job's scene.json (its URL is in the job's result). */
  viewerScene: (url: string) => request<ViewerScene>(url),
  job: <R>(id: string) => request<Job<R>>(`/api/jobs/${encodeURIComponent(id)}`),
};

const finished = (job: Job<unknown>) => job.state === 'done' || job.state === 'failed';

/**
 * Follows a job to its end, calling `onProgress` with every state it sees, and resolves with the
 * finished job's result; a failed job rejects with its error.
 * @param pollMs polling interval when the event stream is unavailable (milliseconds)
 * @throws ApiError the job's own error when it failed, or the request's when polling fails
 */
export async function followJob<R>(job: Job<R>, onProgress: (job: Job<R>) => void, pollMs = 400): Promise<R> {
  onProgress(job);
  let last = finished(job) ? job : await streamJob(job, onProgress);
  while (!finished(last)) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    last = await api.job<R>(job.id);
    onProgress(last);
  }
  if (last.state === 'failed' || last.result === null) {
    throw new ApiError(last.error ?? { code: 'JOB_FAILED', message: `job ${last.id} ended without a result` }, 500);
  }
  return last.result;
}

/** Reads the job's event stream until it finishes or the stream breaks; answers the last state seen. */
function streamJob<R>(job: Job<R>, onProgress: (job: Job<R>) => void): Promise<Job<R>> {
  if (typeof EventSource === 'undefined') return Promise.resolve(job);
  return new Promise((resolve) => {
    let last = job;
    const source = new EventSource(job.events);
    const onEvent = (e: MessageEvent<string>) => {
      try {
        last = JSON.parse(e.data) as Job<R>;
      } catch {
        return;
      }
      onProgress(last);
      if (finished(last)) {
        source.close(); // before the browser's automatic reconnect to a stream that has ended
        resolve(last);
      }
    };
    for (const type of ['message', 'progress', 'done', 'failed']) source.addEventListener(type, onEvent as EventListener);
    // A broken stream (or one that closed without a final event): hand over to polling.
    source.onerror = () => {
      source.close();
      resolve(last);
    };
  });
}
