/**
 * Builds the page into `<repo>/dist/web`, which `deja serve` hands out at `/` (the API at `/api`).
 * `base: './'` makes index.html load its assets by relative URLs.
 * `vite --config src/web/vite.config.ts` serves it for development, forwarding the API to a running
 * `deja serve` (DEJA_API, default http://127.0.0.1:8080, its default port).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const api = process.env.DEJA_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: './',
  build: {
    outDir: path.resolve(here, '../../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': api, '/openapi.json': api },
  },
});
