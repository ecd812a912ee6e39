import { parentPort } from 'node:worker_threads';
import { DejaError, type ErrorCode } from './errors.ts';

/** Errors cross the thread boundary as plain objects; DejaErrors keep code, file and hint. */
export interface SerializedError {
  dejaCode?: ErrorCode;
  message: string;
  file?: string;
  hint?: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof DejaError) return { dejaCode: e.code, message: e.message, file: e.file, hint: e.hint };
  if (e instanceof Error) return { message: e.message, stack: e.stack };
  return { message: String(e) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.dejaCode) return new DejaError(e.dejaCode, e.message, { file: e.file, hint: e.hint });
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** Worker side of `WorkerPool`: answers each task with its result, or a serialized error. */
export function serveTasks<T, R>(handle: (task: T) => Promise<{ result: R; transfer?: ArrayBuffer[] }>): void {
  if (!parentPort) throw new Error('serveTasks must run in a worker thread');
  const port = parentPort;
  port.on('message', async (msg: { id: number; task: T; close?: boolean }) => {
    if (msg.close) {
      // The pool is done: closing the port lets the thread exit once its event loop is empty.
      port.close();
      return;
    }
    try {
      const { result, transfer } = await handle(msg.task);
      port.postMessage({ id: msg.id, result }, transfer ?? []);
    } catch (e) {
      port.postMessage({ id: msg.id, error: serializeError(e) });
    }
  });
}
