/**
 * Worker-thread entry for ingest: decodes and encodes one photo per task.
 * Encoders are created once per thread from their specs (their buffers and model sessions are reused).
 */
import { serveTasks } from '../../core/workerTask.ts';
import { createEncoderResolved } from '../../encoders/factory.ts';
import { encodePhoto, type EncodedPhoto } from './encodePhoto.ts';
import type { Encoder } from '../../encoders/encoder.ts';

export interface EncodeTask {
  bytes: Uint8Array;
  name: string;
  specs: string[];
  pixelLimit?: number;
}

const encoders = new Map<string, Promise<Encoder>>();

function encoderFor(spec: string): Promise<Encoder> {
  let e = encoders.get(spec);
  if (!e) encoders.set(spec, (e = createEncoderResolved(spec)));
  return e;
}

serveTasks<EncodeTask, EncodedPhoto>(async (task) => {
  const list = await Promise.all(task.specs.map(encoderFor));
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const result = await encodePhoto(bytes, list, { name: task.name, pixelLimit: task.pixelLimit });
  return { result, transfer: Object.values(result.descriptors).map((d) => d.buffer as ArrayBuffer) };
});
