import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseIndexSpec } from '../ann/factory.ts';
import { JobFiles } from '../io/jobFiles.ts';
import { packageVersion, webPage } from '../io/webPage.ts';
import { Collection } from '../store/collection.ts';
import { errorResponse } from './httpErrors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { JobQueue } from './jobs.ts';
import { collectionCache } from './collectionCache.ts';
import { FifoGate } from './fifoGate.ts';
import { Throttled } from './throttled.ts';
import { checkQueueUrl, ingestProgress } from '../actions/queueStatus.ts';
import { allowedHostNames, checkRequestHost } from './hostCheck.ts';
import { openApiDocument } from './openapi.ts';
import type { RouteSpec, ServerContext } from './route.ts';
import { routes } from './routes/index.ts';
import { ServeOptions } from './serveOptions.ts';
import { parseFields, readUploads } from './uploads.ts';

const VERSION = packageVersion();
const JobQuery = z.object({ wait: z.boolean().default(false) });
const NoFields = z.object({});
/** How old an ingest progress answer may be: every poller within it shares one Redis read. */
const INGEST_READ_MS = 2000;

/**
 * The HTTP server of `deja serve`: the JSON API over one collection (routes in ./routes, each a thin
 * adapter to an action), its OpenAPI document at /openapi.json, long tasks as jobs, and the built web
 * page at /. Not listening yet: call `listen`.
 * @throws DejaError for bad options or a folder that is not a collection
 */
export async function createServer(rawOptions: ServeOptions): Promise<FastifyInstance> {
  const settings = parseOptions(ServeOptions, rawOptions);
  for (const spec of settings.indexes) parseIndexSpec(spec);
  if (settings.queue) checkQueueUrl(settings.queue);
  const collection = Collection.open(path.resolve(settings.collection));
  const jobs = new JobQueue(settings, JobFiles.create());
  const ingest = new Throttled(() => ingestProgress(collection, settings.queue), INGEST_READ_MS);
  // Two in flight: one decoding its upload (sharp's threads) while the other searches.
  const ctx: ServerContext = { collection, settings, jobs, cached: collectionCache(collection), compute: new FifoGate(2), ingest };

  const app = Fastify({
    logger: settings.log,
    bodyLimit: 1024 * 1024,
    requestTimeout: Math.max(60_000, settings.requestTimeoutMs),
    return503OnClosing: true,
  });
  await app.register(multipart, { limits: { fileSize: settings.maxUploadBytes, files: settings.maxFiles } });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    // A bug, not bad input: the client gets one generic line, the operator the details.
    if (body.error.code === 'INTERNAL') {
      if (settings.log) request.log.error(error);
      else console.error(`deja serve: ${request.method} ${request.url}:`, error);
    }
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no such resource: ${request.method} ${request.url.split('?')[0]}`, hint: 'see /openapi.json' } });
  });
  app.addHook('onClose', async () => {
    await jobs.close(); // its job files too
    collection.close();
  });
  // Before anything else, static files included: a page of another site must not reach the API.
  const allowedHosts = allowedHostNames(settings.host, settings.allowedHosts);
  app.addHook('onRequest', async (request) => checkRequestHost(request, allowedHosts));

  const document = openApiDocument(routes, VERSION);
  app.get('/openapi.json', async () => document);
  for (const spec of routes) app.route({ method: spec.method, url: spec.url, handler: (request, reply) => answer(spec, ctx, request, reply) });

  const web = webPage(settings.webRoot);
  if (web.built) {
    // @fastify/static resolves every path inside `root` and refuses anything outside it.
    await app.register(fastifyStatic, {
      root: web.root,
      prefix: '/',
      index: 'index.html',
      dotfiles: 'deny',
      cacheControl: false,
      // Vite names assets by content hash: cache them for good; index.html must be revalidated so a
      // rebuilt page never points at assets that are gone.
      setHeaders: (res, file) => res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain').send(`The Deja web page is not built (no ${web.index}): run \`npm run build:web\`. The API is at /api (see /openapi.json).\n`),
    );
  }
  return app;
}

/** Parses a request for one route, runs it directly (with the time limit) or as a job, and answers. */
async function answer(spec: RouteSpec, ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const params = request.params as Record<string, string>;
  for (const [name, p] of Object.entries(spec.params ?? {}))
    if (!p.pattern.test(params[name] ?? '')) throw new DejaError('NOT_FOUND', `no such ${p.description}: ${JSON.stringify(params[name])}`);
  const rawQuery = { ...(request.query as Record<string, unknown>) };
  const wait = spec.job ? parseFields(JobQuery, { wait: rawQuery.wait ?? 'false' }).wait : false;
  delete rawQuery.wait;
  const query = parseFields(spec.query ?? NoFields, rawQuery);
  const upload = spec.method === 'POST' ? await readUploads(request, spec.files ?? [], ctx.settings) : { files: [], fields: {} };
  const fields = parseFields(spec.fields ?? NoFields, upload.fields);
  const input = { ctx, params, query, fields, files: upload.files, request, reply };
  if (spec.job) {
    // Validated here (400 at once); the work itself runs in the job worker on this input.
    let job = ctx.jobs.submit(spec.job.kind, await spec.handle(input));
    if (wait) job = (await ctx.jobs.wait(job.id)) ?? job;
    return reply.status(wait ? 200 : 202).send(job);
  }
  const result = await withTimeout(Promise.resolve(spec.handle(input)), ctx.settings.requestTimeoutMs, spec.url);
  return reply.sent ? reply : result;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DejaError('TIME_LIMIT', `${what} took longer than ${ms / 1000} s`, { hint: 'ask for fewer results, or raise deja serve --request-timeout' })), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
