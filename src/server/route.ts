import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Collection } from '../store/collection.ts';
import type { JobContext, JobQueue } from './jobs.ts';
import type { CollectionCache } from './collectionCache.ts';
import type { FifoGate } from './fifoGate.ts';
import type { ServeSettings } from './serveOptions.ts';
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
}

/**
 * The work of a job route. It runs in the job worker thread (so the server keeps answering while it
 * computes) on the input the route's handler returned: plain data, Buffers and typed arrays only.
 */
export interface JobSpec<I = unknown> {
  kind: string;
  run(env: JobEnv, input: I, job: JobContext): Promise<unknown>;
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

/**
 * One HTTP route, described once: fastify registers it from this and the OpenAPI document is
 * generated from it, so the schemas that validate a request are the ones the document shows.
 */
export interface RouteSpec<Q extends z.ZodObject = z.ZodObject, F extends z.ZodObject = z.ZodObject> {
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
  /** Runs as a job: the handler validates and returns the job's input; 202 with the job (200 with the finished job when `?wait=true`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route's own input type
  job?: JobSpec<any>;
  /** Media type of a non-JSON response (thumbnails, job files, events). */
  produces?: string;
  /** What the response holds (shown in the OpenAPI document). */
  returns: string;
  /** Handler: the answer of a direct route; for a job route, the input of its work. */
  handle(input: RouteInput<z.output<Q>, z.output<F>>): Promise<unknown> | unknown;
}

/** Keeps the generic types of one route while the route list holds them all. */
export function defineRoute<Q extends z.ZodObject, F extends z.ZodObject>(spec: RouteSpec<Q, F>): RouteSpec {
  return spec as unknown as RouteSpec;
}
