import crypto from 'node:crypto';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { listSources, sourceKind } from '../io/sources.ts';
import type { Collection } from '../store/collection.ts';
import { verifyPhotos } from '../store/verifyPhotos.ts';

export interface RelinkReport {
  collection: string;
  /** Photos found again, by content hash, at a new path (or a new place in a re-packed archive). */
  relinked: { id: number; from: string; to: string }[];
  /** Photos still missing or changed after the scan. */
  stillMissing: { id: number; path: string }[];
  /** Files scanned in the given sources. */
  scanned: number;
}

/**
 * `deja relink <folder>`: finds photos that moved (missing or changed at their recorded path) in new
 * folders or archives by their content hash, and points the collection at them. Only files whose
 * size matches a lost photo are read and hashed. Nothing is re-encoded: the bytes are the same.
 */
export async function relinkPhotos(collection: Collection, sources: string[], progress: Progress = silentProgress): Promise<RelinkReport> {
  if (sources.length === 0) throw new DejaError('BAD_ARGUMENT', 'nothing to relink from', { hint: 'pass the folders or archives where the photos now live' });
  // A source that does not exist is a typo, not an empty folder: say so before any work.
  for (const s of sources) sourceKind(path.resolve(s));
  collection.acquireWriter();
  const verified = verifyPhotos(collection, progress);
  const lost = [...verified.missing, ...verified.changed];
  const report: RelinkReport = { collection: collection.dir, relinked: [], stillMissing: [], scanned: 0 };
  const byHash = new Map<string, { id: number; path: string }>();
  const sizes = new Set<number>();
  const sourcesById = new Map(collection.photoSources().map((s) => [s.id, s]));
  for (const l of lost) {
    const s = sourcesById.get(l.id)!;
    byHash.set(s.hash, l);
    sizes.add(s.bytes);
  }
  if (lost.length) {
    progress.start(0, 'scanning');
    try {
      for await (const item of listSources(sources)) {
        report.scanned++;
        progress.tick();
        const stamp = item.stamp();
        if (!sizes.has(stamp.size)) continue;
        let bytes: Buffer;
        try {
          bytes = item.read();
        } catch {
          continue;
        }
        const want = byHash.get(crypto.createHash('sha256').update(bytes).digest('hex'));
        if (!want) continue;
        const taken = collection.photoByPath(item.path);
        if (taken && taken.id !== want.id) continue; // that path is another photo's
        collection.relinkPhoto(want.id, item.path, item.dataOffset, stamp.mtimeMs, item.compressed ? bytes : undefined);
        report.relinked.push({ id: want.id, from: want.path, to: item.path });
        byHash.delete(sourcesById.get(want.id)!.hash);
        if (!byHash.size) break;
      }
    } finally {
      progress.stop();
    }
  }
  report.stillMissing = [...byHash.values()].sort((a, b) => a.id - b.id);
  return report;
}
