import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Collection } from '../store/collection.ts';
import type { JobContext, JobQueue } from './jobs.ts';
import type { CollectionCache } from './collectionCache.ts';
import type { FifoGate } from './fifoGate.ts';
import type { ServeSettings } from './serveOptions.ts';
import type { Throttled } from './throttled.ts';
import type { IngestProgress } from '../actions/queueStatus.ts';
import type { FileField, Upload } from './uploads.ts';

/** What a job's work can reach, in the job worker thread: its own handle on the collection, settings, caches. */
export interface JobEnv {
  collection: Collection;
  settings: ServeSettings;
  cached: CollectionCache;
}

/** What every route handler can reach: the open collection, the settings, the job queue, caches. */
export interface ServerContext extends JobEnv {
  jobs: JobQueue;
  /** Direct compute (search, classify) passes through this gate, first come first served. */
  compute: FifoGate;
  /** The distributed ingest's progress, read from Redis at most every 2 s whoever polls. */
  ingest: Throttled<IngestProgress>;
}

/**
 * The work of a job route. It runs in the job worker thread (so the server keeps answering while it
 * computes) on the input the route's handler returned: plain data, Buffers and typed arrays only.
 */
export interface JobSpec<I = unknown, O = unknown> {
  kind: string;
  run(env: JobEnv, input: I, job: JobContext): Promise<O>;
}

/** A handler's input, parsed and validated before it runs. */
export interface RouteInput<Q, F> {
  ctx: ServerContext;
  params: Record<string, string>;
  query: Q;
  fields: F;
  files: Upload[];
  request: FastifyRequest;
  reply: FastifyReply;
}

type Awaitable<T> = T | Promise<T>;

/** What every route declares: where it is, what it takes, and how the OpenAPI document shows it. */
interface RouteBase<Q extends z.ZodObject, F extends z.ZodObject> {
  method: 'GET' | 'POST';
  /** fastify syntax: `/api/photos/:id/thumbnail`. */
  url: string;
  summary: string;
  tag: string;
  /** Path parameters and their patterns (checked before the handler). */
  params?: Record<string, { pattern: RegExp; description: string }>;
  query?: Q;
  /** Text fields of the request body (multipart fields or a JSON object). */
  fields?: F;
  files?: FileField[];
  /** Media type of a non-JSON response (thumbnails, job files, events), or the types it may be (a photo's own file). */
  produces?: string | readonly string[];
  /** Schema of that non-JSON response, for the OpenAPI document (default: a binary string). */
  producesSchema?: z.ZodType;
  /** What the response holds, in a line (the OpenAPI description of the 200 answer). */
  returns: string;
}

/** A route answered at once: `response` is the schema of its JSON answer (none for `produces` routes). */
export interface DirectRoute<Q extends z.ZodObject, F extends z.ZodObject, R extends z.ZodType> extends RouteBase<Q, F> {
  job?: undefined;
  response?: R;
  handle(input: RouteInput<z.output<Q>, z.output<F>>): Awaitable<z.input<R>>;
}

/**
 * A route run as a job: the handler validates and returns the job's input; 202 with the job (200 with
 * the finished job when `?wait=true`). `response` is the schema of the job's result.
 */
export interface JobRoute<Q extends z.ZodObject, F extends z.ZodObject, R extends z.ZodType, I> extends RouteBase<Q, F> {
  job: JobSpec<I, z.input<R>>;
  response: R;
  handle(input: RouteInput<z.output<Q>, z.output<F>>): Awaitable<I>;
}

/**
 * One HTTP route, described once: fastify registers it from this and the OpenAPI document is
 * generated from it, so the schemas that validate a request, and the one its answer is checked
 * against at compile time, are the ones the document shows.
 */
export type RouteSpec = (DirectRoute<z.ZodObject, z.ZodObject, z.ZodType> | JobRoute<z.ZodObject, z.ZodObject, z.ZodType, unknown>) & {
  handle(input: RouteInput<unknown, unknown>): Awaitable<unknown>;
};

/** Keeps the generic types of one route (its answer checked against `response`) while the route list holds them all. */
export function defineRoute<Q extends z.ZodObject, F extends z.ZodObject, R extends z.ZodType, I>(spec: JobRoute<Q, F, R, I>): RouteSpec;
export function defineRoute<Q extends z.ZodObject, F extends z.ZodObject, R extends z.ZodType = z.ZodType>(spec: DirectRoute<Q, F, R>): RouteSpec;
export function defineRoute(spec: unknown): RouteSpec {
  return spec as RouteSpec;
}
