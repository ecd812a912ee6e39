/**
 * Shared helper of the actions (not an action: `actions/shared/` holds the orchestration several
 * actions use, and never imports an action): a collection's rows under a combined descriptor
 * (search, locate, classify).
 */
import { DejaError } from '../../core/errors.ts';
import type { Encoder } from '../../encoders/encoder.ts';
import { createCombinedEncoder, type CombinedEncoder } from '../../encoders/combined.ts';
import { combinedScale, type CombinedRows } from '../../ann/combined.ts';
import type { Collection } from '../../store/collection.ts';

/** A collection's rows under a combined descriptor, ready for `combinedKnn`, `combinedDistanceMatrix` or `concatenateCombined`. */
export interface CombinedDescriptors {
  encoder: CombinedEncoder;
  /** Photo id per row, ascending. */
  photoIds: Int32Array;
  n: number;
  /** One per encoder, in spec order: its `n` rows, metric, weight and the collection's scale. */
  parts: (CombinedRows & { encoder: Encoder })[];
  /** Photos (that pass `keep`) left out because one of the encoders has no descriptor for them. */
  leftOut: number;
}

/**
 * Loads a combined descriptor over the collection: the photos that have every encoder's descriptors
 * (and pass `keep`), in photo-id order, each encoder with its weight and its scale s_e, the median pair
 * distance over all of its descriptors in the collection (cached; independent of row order).
 * @throws DejaError NO_DATA (an encoder was not indexed), ENCODER_MISMATCH (stored dim differs),
 *   BAD_ARGUMENT / UNKNOWN_NAME (spec)
 */
export async function combinedDescriptors(collection: Collection, spec: string | CombinedEncoder, keep?: (photoId: number) => boolean): Promise<CombinedDescriptors> {
  const encoder = typeof spec === 'string' ? await createCombinedEncoder(spec) : spec;
  const common = collection.commonDescriptors(encoder.parts.map((p) => p.encoder.spec), keep);
  const parts = encoder.parts.map(({ encoder: e, weight }, i) => {
    const m = common.parts[i];
    if (m.dim !== e.dim)
      throw new DejaError('ENCODER_MISMATCH', `stored ${e.spec} descriptors have dim ${m.dim}, the encoder gives ${e.dim}`, {
        file: collection.dir,
        hint: `rebuild with: deja index --rebuild "${e.spec}"`,
      });
    const scale = collection.distanceScale(e.spec, (all, byId) => (all.n >= 2 ? combinedScale(all.data, all.n, all.dim, e.metric, byId) : 1));
    return { encoder: e, data: m.data, dim: m.dim, metric: e.metric, weight, scale };
  });
  return { encoder, photoIds: common.photoIds, n: common.n, parts, leftOut: common.leftOut };
}
