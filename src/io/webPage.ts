import fs from 'node:fs';
import path from 'node:path';

/** The package's root folder (package.json, dist/, models/), from src/io or dist/io alike. */
const PACKAGE_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The package's version, from its package.json (what `/openapi.json` reports). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The folder of the built web page `deja serve` serves: `webRoot` when given, else the package's
 * `dist/web` (what `npm run build:web` writes), and whether a page is built there (its index.html).
 * @example webPage().built // false before `npm run build:web`
 */
export function webPage(webRoot?: string): { root: string; index: string; built: boolean } {
  const root = path.resolve(webRoot ?? path.join(PACKAGE_ROOT, 'dist', 'web'));
  const index = path.join(root, 'index.html');
  return { root, index, built: fs.existsSync(index) };
}
