import { WorkerPool, workerModuleUrl } from '../../core/workerPool.ts';
import { deserializeError, type SerializedError } from '../../core/workerTask.ts';
import { createEncoderResolved } from '../../encoders/factory.ts';
import type { Encoder } from '../../encoders/encoder.ts';
import type { EncodeTask } from './encodeWorker.ts';
import { encodePhoto, type EncodedPhoto } from './encodePhoto.ts';

/**
 * Where ingest's encoding runs: worker threads here, the in-process event loop, or queue jobs on other
 * machines (actions/ingest/queueEncoder.ts). Each rejects with a DejaError for a bad photo.
 */
export interface PhotoEncoder {
  encode(bytes: Buffer, name: string, specs: string[], pixelLimit?: number): Promise<EncodedPhoto>;
  /** Photos worth having in flight at once (more only costs memory). */
  readonly capacity: number;
  close(): Promise<void>;
}

/** Encoding in a pool of `threads` worker threads (ingest's default). */
export function threadPhotoEncoder(threads: number): PhotoEncoder {
  const pool = new WorkerPool<EncodeTask, EncodedPhoto>(workerModuleUrl(import.meta.url, './encodeWorker'), threads);
  return {
    capacity: threads * 3,
    encode: (bytes, name, specs, pixelLimit) =>
      pool.run({ bytes: new Uint8Array(bytes), name, specs, pixelLimit }).catch((e: SerializedError | Error) => {
        throw 'message' in e && !(e instanceof Error) ? deserializeError(e) : e;
      }),
    close: () => pool.close(),
  };
}

/** Encoding on this thread, one photo at a time per await (encoders made once per spec and reused). */
export function inProcessPhotoEncoder(): PhotoEncoder {
  const encoders = new Map<string, Promise<Encoder>>();
  const encoderFor = (spec: string) => {
    let e = encoders.get(spec);
    if (!e) encoders.set(spec, (e = createEncoderResolved(spec)));
    return e;
  };
  return {
    capacity: 2,
    encode: async (bytes, name, specs, pixelLimit) => encodePhoto(bytes, await Promise.all(specs.map(encoderFor)), { name, pixelLimit }),
    close: async () => {},
  };
}
