/**
 * Import-rule lint: the layers of ARCHITECTURE.md, checked mechanically so the picture stays true.
 * A module may import from its own layer's folder, or from a lower layer; `onnxruntime-node` only from nn/,
 * `better-sqlite3` only from store/, `sharp` and `exifr` only from io/, `bullmq` and `ioredis` only from queue/, `node:fs` only from io/ and
 * store/ (plus the exceptions in FS_EXCEPTIONS, each with its reason). Encoders never import io/, the
 * CLI reaches the server only through `cli/commands/serve.ts → server/start.ts`, and actions never
 * import each other (only their helper folders, such as actions/shared/; exceptions in ACTION_EDGES).
 */
import fs from 'node:fs';
import path from 'node:path';

const LAYER: Record<string, number> = {
  core: 1,
  math: 2,
  imgproc: 3,
  io: 4,
  nn: 4,
  encoders: 5,
  ann: 5,
  store: 5,
  queue: 5,
  decoders: 6,
  sfm: 6,
  actions: 7,
  cli: 8,
  server: 8,
  web: 9,
};
/** Edges the layer numbers would allow but the house forbids: importer folder → imported folder. */
const FORBIDDEN: Record<string, string[]> = {
  encoders: ['io'], // encoders take decoded images, never files (decoding is actions/encode/)
  sfm: ['io'], // the 3D pipeline takes decoded images and returns arrays; decoding and export stay in io/ and actions/
};
/** The only edges between sibling layers, by file (importer → imported, both relative to src/). */
const SIBLING_EDGES: { from: string; to: string; reason: string }[] = [
  { from: 'cli/commands/serve.ts', to: 'server/start.ts', reason: '`deja serve` starts the server through one thin function' },
  { from: 'store/vectorIndexCache.ts', to: 'ann/', reason: 'the store owns the collection folder, the index files in it included' },
];
/** Modules that may import node:fs outside io/ and store/ (a file, or a folder ending in /), with why. */
const FS_EXCEPTIONS: { path: string; reason: string }[] = [
  { path: 'nn/', reason: 'nn/ owns the model files (ARCHITECTURE.md): reads and hashes them against the manifest, and probes for the CUDA provider library' },
  { path: 'ann/', reason: 'VectorIndex.save/load write and read their own files with checksummed sidecars (FAISS write_index); the store picks the paths' },
];
const usedFsExceptions = new Set<string>();
/**
 * Actions never import each other: a module directly in actions/ (one user task) may import the
 * helpers in actions' sub-folders (`actions/shared/` for what several actions use, `actions/<task>/`
 * for one action's own helpers) but no other module directly in actions/; a sub-folder's module never
 * imports one. The edges not removed yet, each with why (both ends relative to src/):
 */
const ACTION_EDGES: { from: string; to: string; reason: string }[] = [
  { from: 'actions/quickstart.ts', to: 'actions/ingest.ts', reason: 'quickstart is `deja index` on the default photo sets followed by a search: the one action that composes another' },
  { from: 'actions/evalAttack.ts', to: 'actions/attack.ts', reason: "eval attack runs deja attack's parameter parsing, model pairing and transformations over a test set; to move into actions/attack/ (landed from a parallel branch)" },
];
const usedActionEdges = new Set<(typeof ACTION_EDGES)[number]>();
/** `actions/x.ts`: a module directly in actions/, i.e. one user task (or a re-export of a moved helper). */
const isTopLevelAction = (rel: string) => /^actions\/[^/]+$/.test(rel);
const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises']);
const ONLY_FROM: Record<string, string[]> = {
  'onnxruntime-node': ['nn'],
  'better-sqlite3': ['store'],
  sharp: ['io'],
  exifr: ['io'],
  bullmq: ['queue'],
  ioredis: ['queue'],
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
      const targetRel = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
      const tl = LAYER[target];
      if (tl !== undefined && tl > layer) problems.push(`${rel}: imports ${spec} (layer ${target}=${tl} above ${top}=${layer})`);
      if (FORBIDDEN[top]?.includes(target)) problems.push(`${rel}: imports ${spec} (${top}/ never imports ${target}/)`);
      const relPosix = rel.split(path.sep).join('/');
      const allowedSibling = SIBLING_EDGES.some((e) => e.from === relPosix && (e.to.endsWith('/') ? targetRel.startsWith(e.to) : targetRel === e.to));
      if (tl !== undefined && tl === layer && target !== top && !allowedSibling) problems.push(`${rel}: imports ${spec} (sibling layer ${target}; allowed sibling edges: ${SIBLING_EDGES.map((e) => `${e.from} → ${e.to}`).join(', ')})`);
      if (top === 'actions' && target === 'actions' && isTopLevelAction(targetRel) && targetRel !== relPosix) {
        const edge = ACTION_EDGES.find((e) => e.from === relPosix && e.to === targetRel);
        if (edge) usedActionEdges.add(edge);
        else
          problems.push(
            `${rel}: imports ${spec}, another action (actions never import each other: move what they share into actions/shared/, or an algorithm into decoders/ or encoders/; or list the edge in ACTION_EDGES with a reason)`,
          );
      }
    } else if (FS_MODULES.has(spec)) {
      const relPosix = rel.split(path.sep).join('/');
      const exception = FS_EXCEPTIONS.find((e) => (e.path.endsWith('/') ? relPosix.startsWith(e.path) : relPosix === e.path));
      if (exception) usedFsExceptions.add(exception.path);
      const excepted = exception !== undefined;
      if (top !== 'io' && top !== 'store' && !excepted) problems.push(`${rel}: imports ${spec}, allowed only in io/ and store/ (or listed in FS_EXCEPTIONS with a reason)`);
    } else {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      const allowed = ONLY_FROM[pkg];
      if (allowed && !allowed.includes(top)) problems.push(`${rel}: imports ${pkg}, allowed only in ${allowed.join(', ')}/`);
    }
  }
}

for (const e of ACTION_EDGES) if (!usedActionEdges.has(e)) problems.push(`ACTION_EDGES: ${e.from} no longer imports ${e.to}; remove its entry`);
for (const e of FS_EXCEPTIONS) if (!usedFsExceptions.has(e.path)) problems.push(`FS_EXCEPTIONS: ${e.path} no longer imports node:fs; remove its entry`);

if (problems.length) {
  console.error(`layer check: ${problems.length} problem(s)\n` + problems.join('\n'));
  process.exit(1);
}
console.log('layer check: ok');
