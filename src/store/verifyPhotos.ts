import { isDejaError } from '../core/errors.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import type { Collection } from './collection.ts';

export interface VerifyReport {
  collection: string;
  /** Photos whose bytes were read back and hashed. */
  checked: number;
  ok: number;
  /** Files (or archives) that are gone. */
  missing: { id: number; path: string }[];
  /** Files whose bytes are no longer the indexed ones (edited, replaced, an archive re-packed). */
  changed: { id: number; path: string }[];
  /** Files that exist but cannot be read (permissions, I/O errors). */
  unreadable: { id: number; path: string; reason: string }[];
  /** Descriptor files shorter than their committed rows (should never happen). */
  descriptors: { spec: string; problem: string }[];
}

/**
 * Reads every photo back and checks it against the content hash it was indexed with, and checks every
 * descriptor file against its committed rows. Changes nothing. The store's integrity check behind
 * `deja verify` (actions/verify.ts) and `deja relink` (which looks for the photos it finds lost).
 * @example verifyPhotos(collection).missing.map((m) => m.path)
 */
export function verifyPhotos(collection: Collection, progress: Progress = silentProgress): VerifyReport {
  const sources = collection.photoSources();
  const report: VerifyReport = { collection: collection.dir, checked: 0, ok: 0, missing: [], changed: [], unreadable: [], descriptors: collection.checkDescriptorFiles() };
  progress.start(sources.length, 'verifying');
  try {
    for (const s of sources) {
      report.checked++;
      try {
        collection.readPhotoBytes(s.id);
        report.ok++;
      } catch (e) {
        if (isDejaError(e) && e.code === 'NOT_FOUND') report.missing.push({ id: s.id, path: s.path });
        else if (isDejaError(e) && e.code === 'CHANGED') report.changed.push({ id: s.id, path: s.path });
        else report.unreadable.push({ id: s.id, path: s.path, reason: (e as Error).message });
      }
      progress.tick();
    }
  } finally {
    progress.stop();
  }
  return report;
}

/** True when verify found nothing wrong. */
export function verifiedClean(r: VerifyReport): boolean {
  return !r.missing.length && !r.changed.length && !r.unreadable.length && !r.descriptors.length;
}
