import { z } from 'zod';
import { isDejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { JobWorkers, permanentFailure } from '../queue/jobWorkers.ts';
import { redisOptions } from '../queue/redisConnection.ts';
import { encodedToWire, type EncodeJobData, type EncodedPhotoWire } from './encode/encodedWire.ts';
import { jobFailureMessage } from './encode/jobFailure.ts';
import { inProcessPhotoEncoder, threadPhotoEncoder, type PhotoEncoder } from './encode/photoEncoder.ts';

/** Options of `deja worker`, validated once at the boundary. */
export const QueueWorkerOptions = z.object({
  /** Redis URL of the writer's `deja index --queue`, e.g. `redis://host:6379`. */
  queue: z.string().min(1),
  /** Serve only this queue (`deja index --queue … --status` prints it); default: every queue writers registered on this Redis. */
  name: z.string().min(1).optional(),
  /** Photos encoded at once (per queue). */
  concurrency: z.number().int().positive().max(256).default(1),
  /** Encode in a pool of `concurrency` worker threads instead of on the main thread (use all cores with one process). */
  threads: z.boolean().default(false),
  /** A job's lock lasts this long unless renewed, seconds: a killed worker's job goes to another after about this plus `stalledSeconds`. */
  lockSeconds: z.number().min(0.5).max(3600).default(30),
  /** How often workers look for jobs whose worker died, seconds. */
  stalledSeconds: z.number().min(0.2).max(3600).default(15),
  /** Times a job may lose its worker before it fails (kept above 1: one crash is no failure). */
  maxStalled: z.number().int().min(2).max(1000).default(3),
});
export type QueueWorkerOptions = z.input<typeof QueueWorkerOptions>;

/** A running `deja worker`. */
export interface RunningQueueWorker {
  /** Queue names served so far. */
  queues(): string[];
  /** Lets the jobs in hand finish, then disconnects. */
  close(): Promise<void>;
}

/**
 * Serves a distributed ingest: takes encode jobs from Redis, decodes and encodes each photo exactly as a
 * local `deja index` does, and returns its size, EXIF and descriptors. A photo's own fault (a DejaError:
 * undecodable, too many pixels) fails its job at once with the error serialised, so the writer skips the
 * photo instead of it being retried; any other error is retried by another try. Runs on any number of
 * machines; none needs the photos' folder.
 * @param log one line per event (queue served, Redis lost and back)
 * @throws DejaError BAD_ARGUMENT for bad options or URL (an unreachable Redis is waited for, not an error)
 */
export function startQueueWorker(rawOptions: QueueWorkerOptions, log: (line: string) => void = () => {}): RunningQueueWorker {
  const options = parseOptions(QueueWorkerOptions, rawOptions);
  redisOptions(options.queue); // a bad URL is refused before anything starts
  const encoder: PhotoEncoder = options.threads ? threadPhotoEncoder(options.concurrency) : inProcessPhotoEncoder();
  const encodeJob = async (job: EncodeJobData): Promise<EncodedPhotoWire> => {
    try {
      return encodedToWire(await encoder.encode(Buffer.from(job.bytes, 'base64'), job.name, job.specs, job.pixelLimit));
    } catch (e) {
      if (isDejaError(e)) throw permanentFailure(jobFailureMessage(e));
      throw e;
    }
  };
  const workers = JobWorkers.start<EncodeJobData, EncodedPhotoWire>(
    options.queue,
    options.name === undefined ? undefined : [options.name],
    encodeJob,
    { concurrency: options.concurrency, lockMs: options.lockSeconds * 1000, stalledIntervalMs: options.stalledSeconds * 1000, maxStalledCount: options.maxStalled },
    log,
  );
  return {
    queues: () => workers.queues(),
    close: async () => {
      await workers.close();
      await encoder.close();
    },
  };
}
