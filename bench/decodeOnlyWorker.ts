/**
 * Worker thread of the ingest benchmark's baseline: reads nothing, stores nothing, only decodes (sharp,
 * shrink-on-load to the canonical 256 px shorter side, as ingest does) and reads the EXIF, so the
 * baseline pays what any ingest must.
 */
import { serveTasks } from '../src/core/workerTask.ts';
import { decodeImage } from '../src/io/decode.ts';
import { CANONICAL_MIN_SIDE } from '../src/actions/encode/encodePhoto.ts';

serveTasks<{ bytes: Uint8Array }, number>(async ({ bytes }) => {
  const d = await decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { minSide: CANONICAL_MIN_SIDE });
  return { result: d.image.width };
});
