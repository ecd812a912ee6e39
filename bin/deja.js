#!/usr/bin/env node
// The `deja` command: the compiled CLI (dist/ is built by `npm ci` through the prepare script, or `npm run build`).
import fs from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('deja: the CLI is not built (dist/ missing) — run `npm ci` or `npm run build` in the deja folder\n');
  process.exit(2);
}
await import(entry.href);
