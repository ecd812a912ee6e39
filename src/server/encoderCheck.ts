import { DejaError } from '../core/errors.ts';
import { canonicalSpec } from '../encoders/encoder.ts';
import { parseCombinedSpec, parseEncoderSpec } from '../encoders/factory.ts';
import type { Collection } from '../store/collection.ts';

/**
 * A client's encoder spec (one, or a combination like `gist+tiny:w=2,1`), accepted only when the
 * collection already holds descriptors for every part, and returned as the collection spells it.
 * The check is on the text alone: nothing the client names is created, opened or probed (a `cnn`
 * spec names a model file, and the server must not reveal, read or block on the client's paths), so
 * every spec the collection lacks gets the same answer. `cnn` descriptors are not served: their stored
 * spec names the model by its base name only, so the server cannot recreate the encoder.
 * @throws DejaError UNKNOWN_NAME listing the collection's encoders, BAD_ARGUMENT for a spec that does not parse
 */
export function heldEncoderSpec(collection: Collection, text: string): string {
  const held = collection.encoders().map((e) => e.spec).filter((spec) => normalised(spec) !== undefined && !spec.startsWith('cnn'));
  const byNormalForm = new Map(held.map((spec) => [normalised(spec)!, spec]));
  const parts = parseCombinedSpec(text);
  const specs = parts.map((p) => {
    const spec = byNormalForm.get(normalised(p.spec) ?? '');
    if (spec === undefined)
      throw new DejaError('UNKNOWN_NAME', `encoder ${JSON.stringify(clip(p.spec))} has no descriptors in this collection: must be one of [${held.join(', ')}]`, {
        hint: 'the server uses only the descriptors the collection holds (GET /api/info lists them); add others with deja index --encoders',
      });
    return spec;
  });
  const weights = parts.map((p) => p.weight);
  return specs.join('+') + (weights.every((w) => w === 1) ? '' : `:w=${weights.join(',')}`);
}

/** `name(k=v,…)` with the options sorted and spaces dropped; undefined when it does not parse. */
function normalised(spec: string): string | undefined {
  try {
    const { name, options } = parseEncoderSpec(spec);
    return canonicalSpec(name, options);
  } catch {
    return undefined;
  }
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
