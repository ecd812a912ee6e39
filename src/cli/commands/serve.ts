import type { Command } from 'commander';
import { ServeOptions, startServer } from '../../server/start.ts';
import { collectionDir, jsonOption, schemaField, schemaOption, withCollection } from '../common.ts';

/** Flags in MiB, megapixels and seconds for fields in bytes, pixels and milliseconds. */
const MiB = 1024 * 1024;
const MEGAPIXEL = 1_000_000;
const SECOND = 1000;

/** `--allowed-host a,b --allowed-host c` → [a, b, c]. */
function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Index specs hold commas themselves (`PCA64,HNSW32`): one per option. */
function collectIndex(value: string, previous: string[]): string[] {
  return [...previous, value.trim()];
}

/** `deja serve`: defaults and bounds come from `ServeOptions` (in the flags' units). */
export function register(program: Command): void {
  const defaultIndexes = schemaField(ServeOptions, 'indexes').defaultValue as string[];
  withCollection(program.command('serve'))
    .description('HTTP API (JSON, OpenAPI at /openapi.json) and the web page over a collection')
    .addOption(schemaOption(ServeOptions, 'port', '-p, --port <port>', 'TCP port (0 picks a free one)'))
    .addOption(schemaOption(ServeOptions, 'host', '--host <host>', 'interface to listen on (0.0.0.0 to expose it on the network)'))
    .addOption(
      schemaOption(ServeOptions, 'allowedHosts', '--allowed-host <names>', 'more host names clients may send in the Host header (repeatable, or a comma list); the --host address and loopback names always work')
        .argParser(collectList)
        .default([]),
    )
    .addOption(
      schemaOption(ServeOptions, 'indexes', '--index <spec>', 'approximate index a search may use (repeatable; the first is the default; index specs already built in the collection work too)')
        .argParser(collectIndex)
        .default([], defaultIndexes.join(' ')),
    )
    .addOption(schemaOption(ServeOptions, 'maxUploadBytes', '--max-upload-mb <mb>', 'largest upload per file, MiB', { unit: MiB }))
    .addOption(schemaOption(ServeOptions, 'maxRequestBytes', '--max-request-mb <mb>', 'largest request in all (every file together), MiB', { unit: MiB }))
    .addOption(schemaOption(ServeOptions, 'maxPixels', '--max-pixels <mp>', 'largest image accepted, megapixels', { unit: MEGAPIXEL }))
    .addOption(schemaOption(ServeOptions, 'requestTimeoutMs', '--request-timeout <s>', 'time limit of a direct request (search, classify …), seconds', { unit: SECOND }))
    .addOption(schemaOption(ServeOptions, 'jobTimeoutMs', '--job-timeout <s>', 'time limit of a job (complete, locate, colorize), seconds', { unit: SECOND }))
    .addOption(schemaOption(ServeOptions, 'maxQueuedJobs', '--max-queued <n>', 'jobs allowed to wait; more are refused with 503'))
    .addOption(schemaOption(ServeOptions, 'maxReconstructPhotos', '--max-reconstruct-photos <n>', 'photos accepted in one reconstruction request'))
    .addOption(schemaOption(ServeOptions, 'webRoot', '--web <dir>', 'folder of the built web page (default: the package dist/web)'))
    .addOption(schemaOption(ServeOptions, 'manifest', '--manifest <file>', "manifest.json whose classification models clients may choose (default: the package's models/manifest.json)"))
    .addOption(schemaOption(ServeOptions, 'queue', '--queue <url>', "Redis of the collection's distributed ingest (`deja index --queue`): its progress shows at /api/ingest and in the page header"))
    .addOption(schemaOption(ServeOptions, 'log', '--log', 'log every request as a JSON line on stderr'))
    .addOption(jsonOption())
    .action(async (opts) => {
      const { app, url } = await startServer({
        collection: collectionDir(opts),
        port: opts.port,
        host: opts.host,
        allowedHosts: opts.allowedHost,
        indexes: opts.index.length ? opts.index : undefined,
        webRoot: opts.web,
        manifest: opts.manifest,
        maxUploadBytes: opts.maxUploadMb * MiB,
        maxRequestBytes: opts.maxRequestMb * MiB,
        maxPixels: opts.maxPixels * MEGAPIXEL,
        requestTimeoutMs: opts.requestTimeout * SECOND,
        jobTimeoutMs: opts.jobTimeout * SECOND,
        maxQueuedJobs: opts.maxQueued,
        maxReconstructPhotos: opts.maxReconstructPhotos,
        queue: opts.queue,
        log: opts.log,
      });
      if (opts.json) process.stdout.write(JSON.stringify({ url, collection: collectionDir(opts) }) + '\n');
      else process.stderr.write(`deja serve: ${collectionDir(opts)} at ${url} (API: ${url}api, OpenAPI: ${url}openapi.json; Ctrl+C stops)\n`);
      // Graceful stop: no new requests, the running job finishes, the collection is closed. A second signal forces it.
      const stop = () => {
        process.once('SIGINT', () => process.exit(130));
        app.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
