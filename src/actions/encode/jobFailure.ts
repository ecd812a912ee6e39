import { DejaError, isDejaError } from '../../core/errors.ts';
import { deserializeError, serializeError, type SerializedError } from '../../core/workerTask.ts';

/** Marks a job failure's message as a serialised DejaError (the photo's fault, not the worker's). */
const PREFIX = 'DejaError ';

/** A photo's DejaError as a queue job's failure message (BullMQ keeps only a message). */
export function jobFailureMessage(e: DejaError): string {
  return PREFIX + JSON.stringify(serializeError(e));
}

/** The DejaError a worker serialised with `jobFailureMessage`, or undefined for any other failure. */
export function parseJobFailure(message: string): DejaError | undefined {
  if (!message.startsWith(PREFIX)) return undefined;
  try {
    const e = deserializeError(JSON.parse(message.slice(PREFIX.length)) as SerializedError);
    return isDejaError(e) ? e : undefined;
  } catch {
    return undefined;
  }
}
