import fs from 'node:fs';
import path from 'node:path';
import type { Collection } from '../store/collection.ts';

/** One persisted approximate index of the collection, as its sidecar (written by `upToDateIndex`) records it. */
export interface BuiltIndex {
  encoderSpec: string;
  indexSpec: string;
  dim: number;
  /** Descriptor rows it covers. */
  rows: number;
}

/**
 * The approximate indexes already built in the collection's index folder (`vectorIndexCache.ts`
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
    const side = readJson(path.join(dir, name)) as Partial<BuiltIndex> | undefined;
    if (typeof side?.encoderSpec === 'string' && typeof side.indexSpec === 'string' && typeof side.dim === 'number' && typeof side.rows === 'number')
      out.push({ encoderSpec: side.encoderSpec, indexSpec: side.indexSpec, dim: side.dim, rows: side.rows });
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
