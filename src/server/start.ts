import type { FastifyInstance } from 'fastify';
import { DejaError } from '../core/errors.ts';
import { createServer } from './app.ts';
import { ServeOptions } from './serveOptions.ts';

/** The options schema of `deja serve`, for the CLI's flags (it reaches the server only through this file). */
export { ServeOptions };

/**
 * Starts `deja serve`: creates the server and listens; resolves with its address. The CLI's one way
 * into the server (the layer lint allows exactly the edge cli/commands/serve.ts → server/start.ts).
 *
 * @throws DejaError BAD_ARGUMENT when the port is taken or not allowed, or the host is not this machine's.
 * @example const { app, url } = await startServer({ collection: 'coll', port: 0 });
 */
export async function startServer(rawOptions: ServeOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createServer(rawOptions);
  const settings = ServeOptions.parse(rawOptions);
  try {
    await app.listen({ port: settings.port, host: settings.host });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new DejaError('BAD_ARGUMENT', `port ${settings.port} is already in use`, { hint: 'pick another with --port, or stop the other server' });
    if (code === 'EACCES') throw new DejaError('BAD_ARGUMENT', `not allowed to listen on port ${settings.port}`, { hint: 'use a port above 1023' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new DejaError('BAD_ARGUMENT', `cannot listen on host ${settings.host}`, { hint: 'use 127.0.0.1, 0.0.0.0 or an address of this machine' });
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  // A wildcard address is not a name to browse to (nor one the Host check accepts): print loopback.
  const shown = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host === '::' ? '[::1]' : host;
  return { app, url: `http://${shown}:${port}/` };
}
