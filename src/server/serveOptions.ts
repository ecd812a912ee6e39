import { z } from 'zod';

/** Options of `deja serve`, validated once at the boundary. */
export const ServeOptions = z.object({
  /** Collection folder the server answers from (opened read-mostly; `deja index` may keep adding to it). */
  collection: z.string().min(1),
  /** TCP port (0 picks a free one). */
  port: z.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on: loopback by default, so nothing is exposed without asking. */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * More host names (or addresses) clients may use in the Host header, besides the --host it listens on
   * and the loopback names. Any other Host is refused, so a DNS-rebinding page cannot reach the API.
   */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /**
   * Approximate index specs a client may ask a search for (besides `Flat`, which is exact search), and
   * the indexes already built in the collection. The first is the default.
   */
  indexes: z.array(z.string().min(1)).min(1).default(['HNSW32']),
  /** Folder of the built web page (default: the package's dist/web). */
  webRoot: z.string().optional(),
  /** Largest upload accepted, per file, in bytes. */
  maxUploadBytes: z.number().int().min(1024).max(4096 * 1024 * 1024).default(25 * 1024 * 1024),
  /** Largest image accepted, in pixels (width × height), checked from the header before decoding. */
  maxPixels: z.number().int().min(1).max(1_000_000_000).default(50_000_000),
  /** Largest request in all (every file of a sequence together), in bytes: bounds the memory one request can take. */
  maxRequestBytes: z.number().int().min(1024).max(65536 * 1024 * 1024).default(200 * 1024 * 1024),
  /** Files accepted in one request (a photo sequence is several). */
  maxFiles: z.number().int().min(1).max(10_000).default(200),
  /** Photos accepted in one `POST /api/reconstruct` (matching every pair grows as their square). */
  maxReconstructPhotos: z.number().int().min(2).max(10_000).default(60),
  /** Time limit of a direct request (search, classify, thumbnails …), in ms. */
  requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /** Time limit of a job (complete, locate, colorize), in ms; checked at every progress step. */
  jobTimeoutMs: z.number().int().min(100).max(86_400_000).default(10 * 60_000),
  /** Jobs waiting to run beyond the one running; more are refused with 503. */
  maxQueuedJobs: z.number().int().min(0).max(10_000).default(16),
  /** Finished jobs kept (with their files) for clients to fetch; the oldest go first. */
  keepJobs: z.number().int().min(1).default(50),
  /**
   * The model manifest whose classification cards a client may name (`model` of POST /api/classify;
   * GET /api/models lists its cards). Default: the package's models/manifest.json. Clients name models,
   * never files.
   */
  manifest: z.string().min(1).optional(),
  /**
   * Redis URL of the collection's distributed ingest (`deja index --queue`), whose progress
   * `GET /api/ingest` and the page's header report. Set by whoever starts the server; clients never name a Redis.
   */
  queue: z.string().min(1).optional(),
  /** Log each request (pino, one JSON line each) to stderr. */
  log: z.boolean().default(false),
});
export type ServeOptions = z.input<typeof ServeOptions>;
export type ServeSettings = z.output<typeof ServeOptions>;
