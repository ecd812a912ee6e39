import crypto from 'node:crypto';
import { DejaError } from '../../core/errors.ts';
import { JobFailedError, JobQueue, type JobQueueSettings } from '../../queue/jobQueue.ts';
import type { EncodedPhoto } from '../encode/encodePhoto.ts';
import { encodeJobId, encodedFromWire, toEncodeJobData, type EncodeJobData, type EncodedPhotoWire } from '../encode/encodedWire.ts';
import type { PhotoEncoder } from '../encode/photoEncoder.ts';
import { parseJobFailure } from '../encode/jobFailure.ts';

/**
 * Encoding as BullMQ jobs that `deja worker` processes run, on any number of machines. Each photo is one
 * job whose id is its sha256 and a digest of the specs, carrying the photo's bytes; its result comes back
 * with the descriptors as base64. A photo's own fault (undecodable, too many pixels) comes back as its
 * DejaError, so ingest skips it as it does locally.
 * @param url the Redis URL, e.g. `redis://localhost:6379`
 * @param queueName one queue per collection (see `collectionQueueName`)
 * @param inFlight jobs in flight at most (the writer's memory holds their bytes)
 * @throws DejaError UNREACHABLE when Redis does not answer
 */
export async function openQueueEncoder(url: string, queueName: string, inFlight: number, settings: Partial<JobQueueSettings> = {}): Promise<PhotoEncoder> {
  const queue = await JobQueue.open<EncodeJobData, EncodedPhotoWire>(url, queueName, settings);
  return {
    capacity: inFlight,
    encode: async (bytes: Buffer, name: string, specs: string[], pixelLimit?: number): Promise<EncodedPhoto> => {
      const hash = crypto.createHash('sha256').update(bytes).digest('hex');
      try {
        return encodedFromWire(await queue.run(encodeJobId(hash, specs, pixelLimit), toEncodeJobData(bytes, name, specs, pixelLimit)));
      } catch (e) {
        if (!(e instanceof JobFailedError)) throw e;
        throw parseJobFailure(e.reason) ?? new DejaError('WORKER_FAILED', `no worker could encode it: ${e.reason}`, { file: name, hint: 'see the `deja worker` logs; it is tried again on the next `deja index`' });
      }
    },
    close: () => queue.close(),
  };
}
