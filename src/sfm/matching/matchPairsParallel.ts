/**
 * `matchImagePairs` across worker threads: the images' features are put in shared memory once, and
 * the pairs go to the workers in small chunks. Each pair is matched and verified exactly as
 * `matchImagePairs` does it (one RANSAC seed for all pairs), so the reports are the same, in the same
 * order, whatever the thread count — only without the RANSAC models (`geometry` is null).
 */
import { defaultThreads, WorkerPool, workerModuleUrl } from '../../core/workerPool.ts';
import { deserializeError, type SerializedError } from '../../core/workerTask.ts';
import { type ImageFeatures, matchImagePairs, pairMatchingResult, type PairMatchingOptions, type PairMatchingResult, type PairMatchReport } from './matchImagePairs.ts';

/** One worker task: `m × 2` image indices. */
export interface MatchTask {
  pairs: Int32Array;
}

/** Pairs per task: small enough to balance the threads and report progress, large enough to amortise a message. */
const CHUNK = 8;

const shared = (a: Float32Array): Float32Array => {
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
};

/**
 * Matches and verifies the listed pairs on `threads` worker threads.
 *
 * @param features - each image's keypoints and descriptors.
 * @param pairs - `m × 2` image indices.
 * @param options - as `matchImagePairs` (`progress` is called as chunks finish).
 * @param threads - worker threads (default: all cores, or DEJA_THREADS); 1 matches here.
 * @param onChunk - called with each finished chunk's reports (in any order), e.g. to store them.
 * @returns as `matchImagePairs`, with `geometry` null in every report.
 * @example const { pairs } = await matchImagePairsParallel(features, exhaustivePairs(features.length), { verify: { threshold: 2 } }, 2);
 */
export async function matchImagePairsParallel(
  features: readonly ImageFeatures[], pairs: Int32Array, options: PairMatchingOptions = {}, threads = defaultThreads(), onChunk?: (reports: PairMatchReport[]) => void,
): Promise<PairMatchingResult> {
  const t0 = performance.now(), m = pairs.length / 2;
  const { progress, ...workerOptions } = options;
  const n = Math.max(1, Math.min(threads, Math.ceil(m / CHUNK)));
  const out: PairMatchReport[] = new Array(m);
  let done = 0;
  if (n === 1) {
    for (let c = 0; c < m; c += CHUNK) {
      const part = matchImagePairs(features, pairs.subarray(2 * c, 2 * Math.min(m, c + CHUNK)), workerOptions).pairs.map((r) => ({ ...r, geometry: null }));
      part.forEach((r, k) => (out[c + k] = r));
      onChunk?.(part);
      progress?.((done += part.length), m);
    }
  } else {
    const images = features.map((f) => ({ count: f.count, keypoints: shared(f.keypoints), descriptors: shared(f.descriptors) }));
    const pool = new WorkerPool<MatchTask, PairMatchReport[]>(workerModuleUrl(import.meta.url, './matchWorker'), n, { features: images, options: workerOptions });
    try {
      const tasks: Promise<void>[] = [];
      for (let c = 0; c < m; c += CHUNK) {
        const task = { pairs: pairs.slice(2 * c, 2 * Math.min(m, c + CHUNK)) };
        tasks.push(pool.run(task).then((part) => {
          part.forEach((r, k) => (out[c + k] = r));
          onChunk?.(part);
          progress?.((done += part.length), m);
        }, (e: unknown) => {
          throw e instanceof Error ? e : deserializeError(e as SerializedError);
        }));
      }
      await Promise.all(tasks);
    } finally {
      await pool.close();
    }
  }
  return pairMatchingResult(out, t0);
}
