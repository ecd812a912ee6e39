import fs from 'node:fs';
import path from 'node:path';
import type { Collection } from './collection.ts';

/** One persisted approximate index of the collection, as its sidecar (written by the index's `save`) records it. */
export interface BuiltIndex {
  encoderSpec: string;
  indexSpec: string;
  dim: number;
  /** Descriptor rows it covers. */
  rows: number;
}

/**
 * The approximate indexes already built in the collection's index folder (`store/vectorIndexCache.ts`
 * sidecars; other JSON files there are skipped). Reads only; a folder that cannot be read has none.
 */
export function builtIndexes(collection: Collection): BuiltIndex[] {
  let dir: string;
  let names: string[];
  try {
    dir = collection.cacheDir();
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: BuiltIndex[] = [];
  for (const name of names) {
    // The index's own sidecar (see ann/indexMeta.ts): its spec, and the descriptor rows it was built from.
    const side = readJson(path.join(dir, name)) as { format?: unknown; spec?: unknown; dim?: unknown; source?: { descriptors?: unknown; rows?: unknown } } | undefined;
    const source = side?.source;
    if (side?.format === 'deja-index' && typeof side.spec === 'string' && typeof side.dim === 'number' && typeof source?.descriptors === 'string' && typeof source.rows === 'number')
      out.push({ encoderSpec: source.descriptors, indexSpec: side.spec, dim: side.dim, rows: source.rows });
  }
  return out;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
