/**
 * Bad user input: a one-line message naming what went wrong, which file, and what to do.
 * Printed by the CLI as `deja: <message> (<file>) — <hint>` with a non-zero exit code and no stack.
 * Broken invariants are plain `Error`s (see `assert`); expected non-results are returned as values.
 */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'NOT_AN_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'EMPTY_FILE'
  | 'TOO_MANY_PIXELS'
  | 'TOO_SMALL'
  | 'ENCODER_MISMATCH'
  | 'UNKNOWN_NAME'
  | 'EMPTY_COLLECTION'
  | 'NO_DATA'
  | 'MODEL_ERROR'
  | 'IO_ERROR'
  /** An upload over the server's byte limit. */
  | 'TOO_LARGE'
  /** Work that ran past its time limit. */
  | 'TIME_LIMIT'
  /** The server's job queue is full. */
  | 'BUSY'
  /** Another process holds the collection's writer lease. */
  | 'LOCKED'
  /** A write to a collection that is read-only here (read-only mount, another user's folder). */
  | 'READ_ONLY'
  /** The disk (or quota) is full. */
  | 'DISK_FULL'
  /** A photo's bytes differ from those indexed (edited, replaced, or an archive re-packed). */
  | 'CHANGED'
  /** A request the server will not serve: a Host it does not answer to, or a cross-origin change. */
  | 'FORBIDDEN'
  /** A service Deja needs (the Redis of a distributed ingest) cannot be reached. */
  | 'UNREACHABLE'
  /** A queue job that failed on every try for a reason other than its photo (a crashed or failing worker). */
  | 'WORKER_FAILED';

export class DejaError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { file?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DejaError';
    this.code = code;
    this.file = options.file;
    this.hint = options.hint;
  }

  /** One line for a terminal: what, which file, what to do. */
  oneLine(): string {
    let line = this.message;
    if (this.file) line += ` (${this.file})`;
    if (this.hint) line += ` — ${this.hint}`;
    return line;
  }

  toJSON(): { code: ErrorCode; message: string; file?: string; hint?: string } {
    return { code: this.code, message: this.message, file: this.file, hint: this.hint };
  }
}

export function isDejaError(e: unknown): e is DejaError {
  return e instanceof DejaError;
}

/** Broken invariant: a bug in Deja, not bad input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Unknown registry name: lists the valid ones (transformers.js style). */
export function unknownName(kind: string, name: string, valid: readonly string[]): DejaError {
  return new DejaError('UNKNOWN_NAME', `unknown ${kind} "${name}": must be one of [${valid.join(', ')}]`);
}
