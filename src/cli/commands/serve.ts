import type { Command } from 'commander';
import { startServer } from '../../server/start.ts';
import { collectionDir, intOption, jsonOption, withCollection } from '../common.ts';

/** `--allowed-host a,b --allowed-host c` → [a, b, c]. */
function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Index specs hold commas themselves (`PCA64,HNSW32`): one per option. */
function collectIndex(value: string, previous: string[]): string[] {
  return [...previous, value.trim()];
}

export function register(program: Command): void {
  withCollection(program.command('serve'))
    .description('HTTP API (JSON, OpenAPI at /openapi.json) and the web page over a collection')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', intOption('--port', 0, 65535), 8080)
    .option('--host <host>', 'interface to listen on (0.0.0.0 to expose it on the network)', '127.0.0.1')
    .option('--allowed-host <names>', 'more host names clients may send in the Host header (repeatable, or a comma list); the --host address and loopback names always work', collectList, [])
    .option('--index <spec>', 'approximate index a search may use (repeatable; the first is the default; index specs already built in the collection work too)', collectIndex, [])
    .option('--max-upload-mb <mb>', 'largest upload per file, MiB', intOption('--max-upload-mb', 1, 4096), 25)
    .option('--max-request-mb <mb>', 'largest request in all (every file together), MiB', intOption('--max-request-mb', 1, 65536), 200)
    .option('--max-pixels <mp>', 'largest image accepted, megapixels', intOption('--max-pixels', 1, 1000), 50)
    .option('--request-timeout <s>', 'time limit of a direct request (search, classify …), seconds', intOption('--request-timeout', 1, 3600), 30)
    .option('--job-timeout <s>', 'time limit of a job (complete, locate, colorize), seconds', intOption('--job-timeout', 1, 86400), 600)
    .option('--max-queued <n>', 'jobs allowed to wait; more are refused with 503', intOption('--max-queued', 0, 10000), 16)
    .option('--web <dir>', 'folder of the built web page (default: the package dist/web)')
    .option('--manifest <file>', "manifest.json whose classification models clients may choose (default: the package's models/manifest.json)")
    .option('--log', 'log every request as a JSON line on stderr')
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
        maxUploadBytes: opts.maxUploadMb * 1024 * 1024,
        maxRequestBytes: opts.maxRequestMb * 1024 * 1024,
        maxPixels: opts.maxPixels * 1_000_000,
        requestTimeoutMs: opts.requestTimeout * 1000,
        jobTimeoutMs: opts.jobTimeout * 1000,
        maxQueuedJobs: opts.maxQueued,
        log: Boolean(opts.log),
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
