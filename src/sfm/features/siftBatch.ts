import type { Image } from '../../core/image.ts';
import { defaultThreads, WorkerPool, workerModuleUrl } from '../../core/workerPool.ts';
import { deserializeError, type SerializedError } from '../../core/workerTask.ts';
import { ScaleSpaceWorkspace } from './scaleSpace.ts';
import { siftFeatures, type SiftFeatures, type SiftOptions } from './siftFeatures.ts';

/** One job of `siftFeaturesBatch`: an image (copied to the worker) and the options. */
export interface SiftTask {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
  options: SiftOptions;
}

/**
 * SIFT features of many images, one image per worker thread at a time (each thread keeps one
 * `ScaleSpaceWorkspace`, so its planes are reused from image to image); results in input order.
 * With one thread, or one image, it runs here.
 *
 * @param images - photos, values in [0, 1], 1 or 3 channels (copied to the workers, not detached).
 * @param options - as `siftFeatures`, the same for every image.
 * @param threads - worker threads (default: all cores, or DEJA_THREADS).
 * @param onEach - called with each image's index and features as soon as they are done (in any order), e.g. to store them.
 * @throws the first image's error, as `siftFeatures` throws it.
 * @example const features = await siftFeaturesBatch(grays, { maxFeatures: 8192 }, 4);
 */
export async function siftFeaturesBatch(images: readonly Image[], options: SiftOptions = {}, threads = defaultThreads(), onEach?: (index: number, features: SiftFeatures) => void): Promise<SiftFeatures[]> {
  const n = Math.max(1, Math.min(threads, images.length));
  if (n === 1) {
    const workspace = new ScaleSpaceWorkspace();
    return images.map((image, i) => {
      const f = siftFeatures(image, options, workspace);
      onEach?.(i, f);
      return f;
    });
  }
  const pool = new WorkerPool<SiftTask, SiftFeatures>(workerModuleUrl(import.meta.url, './siftWorker'), n);
  try {
    return await Promise.all(
      images.map((im, i) =>
        pool.run({ width: im.width, height: im.height, channels: im.channels, data: im.data, options }).then((f) => {
          onEach?.(i, f);
          return f;
        }, (e: unknown) => {
          throw e instanceof Error ? e : deserializeError(e as SerializedError);
        }),
      ),
    );
  } finally {
    await pool.close();
  }
}
