/**
 * Import-rule lint: the layers of ARCHITECTURE.md, checked mechanically so the picture stays true.
 * A module may import from its own layer's folder, or from a lower layer; `onnxruntime-node` only from nn/,
 * `better-sqlite3` only from store/, `sharp` and `exifr` only from io/.
 */
import fs from 'node:fs';
import path from 'node:path';

const LAYER: Record<string, number> = {
  core: 1,
  imgproc: 2,
  io: 3,
  nn: 3,
  encoders: 4,
  index: 4,
  store: 4,
  decoders: 5,
  sfm: 5,
  actions: 6,
  cli: 7,
  server: 7,
  web: 8,
};
const ONLY_FROM: Record<string, string[]> = {
  'onnxruntime-node': ['nn'],
  'better-sqlite3': ['store'],
  sharp: ['io'],
  exifr: ['io'],
};

const root = path.resolve(import.meta.dirname, '..', 'src');
const problems: string[] = [];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

for (const file of walk(root)) {
  const rel = path.relative(root, file);
  const top = rel.split(path.sep)[0];
  if (rel.endsWith('.test.ts')) continue; // tests may reach anywhere below them to build fixtures
  const layer = LAYER[top];
  if (layer === undefined) continue; // src/index.ts: the public API re-exports every layer
  const src = fs.readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:import|export)[^'"`]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) {
      const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
      const tl = LAYER[target];
      if (tl !== undefined && tl > layer) problems.push(`${rel}: imports ${spec} (layer ${target}=${tl} above ${top}=${layer})`);
      // One allowed edge between siblings: `deja serve` is the CLI's way to start the server.
      const allowedSibling = top === 'cli' && target === 'server';
      if (tl !== undefined && tl === layer && target !== top && !allowedSibling) problems.push(`${rel}: imports sibling layer ${target}`);
    } else {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      const allowed = ONLY_FROM[pkg];
      if (allowed && !allowed.includes(top)) problems.push(`${rel}: imports ${pkg}, allowed only in ${allowed.join(', ')}/`);
    }
  }
}

if (problems.length) {
  console.error(`layer check: ${problems.length} problem(s)\n` + problems.join('\n'));
  process.exit(1);
}
console.log('layer check: ok');
