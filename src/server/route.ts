import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Collection } from '../store/collection.ts';
import type { JobQueue } from './jobs.ts';
import type { ServeSettings } from './serveOptions.ts';
import type { FileField, Upload } from './uploads.ts';

/** What every route handler can reach: the open collection, the settings, the job queue, caches. */
export interface ServerContext {
  collection: Collection;
  settings: ServeSettings;
  jobs: JobQueue;
  /**
   * A value derived from the whole collection (a geotagged reference set, a labelled set), computed
   * once per key and recomputed when the collection's photo count changes.
   */
  cached<T>(key: string, load: () => Promise<T>): Promise<T>;
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
  /** Runs as a job: 202 with the job (or 200 with the finished job when `?wait=true`). */
  job?: string;
  /** Media type of a non-JSON response (thumbnails, job files, events). */
  produces?: string;
  /** What the response holds (shown in the OpenAPI document). */
  returns: string;
  /** Handler for direct routes; for job routes, the work it returns runs in the queue. */
  handle(input: RouteInput<z.output<Q>, z.output<F>>): Promise<unknown> | unknown;
}

/** Keeps the generic types of one route while the route list holds them all. */
export function defineRoute<Q extends z.ZodObject, F extends z.ZodObject>(spec: RouteSpec<Q, F>): RouteSpec {
  return spec as unknown as RouteSpec;
}
