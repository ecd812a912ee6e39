import { silentProgress, type Progress } from '../core/progress.ts';
import type { Collection } from '../store/collection.ts';
import { verifyPhotos, type VerifyReport } from '../store/verifyPhotos.ts';

export { verifiedClean, type VerifyReport } from '../store/verifyPhotos.ts';

/**
 * `deja verify`: reads every photo back and checks it against the content hash it was indexed with,
 * and checks every descriptor file against its committed rows (`store/verifyPhotos.ts`). Changes nothing.
 */
export function verifyCollection(collection: Collection, progress: Progress = silentProgress): VerifyReport {
  return verifyPhotos(collection, progress);
}
