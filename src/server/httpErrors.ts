import { z } from 'zod';
import { isDejaError, type DejaError, type ErrorCode } from '../core/errors.ts';
import { optionsError } from '../core/parseOptions.ts';

/** Where an API client finds the accepted fields. */
export const FIELDS_HINT = 'see /openapi.json for the accepted fields';

/** HTTP status for each kind of bad input: the client's fault is 4xx, the server's state 5xx. */
const STATUS: Record<ErrorCode, number> = {
  BAD_ARGUMENT: 400,
  NOT_FOUND: 404,
  NOT_AN_IMAGE: 415,
  CORRUPT_IMAGE: 400,
  EMPTY_FILE: 400,
  TOO_MANY_PIXELS: 413,
  TOO_SMALL: 400,
  ENCODER_MISMATCH: 409,
  UNKNOWN_NAME: 400,
  EMPTY_COLLECTION: 409,
  NO_DATA: 409,
  MODEL_ERROR: 500,
  IO_ERROR: 500,
  TOO_LARGE: 413,
  TIME_LIMIT: 503,
  BUSY: 503,
  LOCKED: 409,
  READ_ONLY: 409,
  DISK_FULL: 507,
  CHANGED: 409,
  FORBIDDEN: 403,
  UNREACHABLE: 503,
  WORKER_FAILED: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; file?: string; hint?: string };
}

function statusOf(e: DejaError): number {
  return STATUS[e.code] ?? 400;
}

/**
 * Any error thrown while answering, as status + body. DejaErrors keep their code, file and hint;
 * fastify's own client errors (malformed JSON, body too large, wrong content type) keep their 4xx;
 * anything else is a bug: 500 with a generic line (the details go to the log, not to the client).
 */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (isDejaError(e)) return { status: statusOf(e), body: { error: e.toJSON() } };
  if (e instanceof z.ZodError) return errorResponse(optionsError(e, undefined, FIELDS_HINT));
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: { code: fastifyCode(fe.code, fe.statusCode), message: oneLine(fe.message ?? 'bad request'), hint: fastifyHint(fe.code) } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error: see the server log' } } };
}

function fastifyCode(code: string | undefined, status: number): string {
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'BAD_JSON';
  if (status === 413) return 'TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 404) return 'NOT_FOUND';
  return 'BAD_REQUEST';
}

function fastifyHint(code: string | undefined): string | undefined {
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'send a valid JSON object';
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'send a smaller photo (see deja serve --max-upload-mb)';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'send photos as multipart/form-data';
  return undefined;
}

function oneLine(s: string): string {
  return s.split('\n')[0];
}
