import type { z } from 'zod';
import { DejaError } from './errors.ts';

/**
 * Validates a task's options against its zod schema, once, at the boundary: the one option parser of
 * the CLI, the HTTP API and the actions, so a bad field is always a one-line `DejaError` naming the
 * field, the expectation and the value received, never a raw zod error.
 * @param schema the task's options schema
 * @param value the options as given (CLI flags, an HTTP body, a library call)
 * @param hint where to look up the accepted fields (e.g. `see /openapi.json`)
 * @throws DejaError BAD_ARGUMENT for the first failing field
 * @example const options = parseOptions(CompleteOptions, { mask: 'm.png', k: 5 })
 */
export function parseOptions<T extends z.ZodType>(schema: T, value: unknown, hint?: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw optionsError(r.error, value, hint);
}

/**
 * A zod failure as one `DejaError` line: `invalid option k: Too big: expected number to be <=200 (received 500)`.
 * @param value the input that failed, to quote the received value
 */
export function optionsError(error: z.ZodError, value?: unknown, hint?: string): DejaError {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.map(String).join('.') : '(options)';
  const received = receivedAt(value, issue.path);
  const quoted = received === undefined ? '' : ` (received ${quote(received)})`;
  return new DejaError('BAD_ARGUMENT', `invalid option ${field}: ${issue.message}${quoted}`, hint ? { hint } : {});
}

function receivedAt(value: unknown, p: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return p.length ? v : undefined;
}

function quote(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
