import { DejaError } from '../core/errors.ts';
import { parseCombinedSpec } from '../encoders/factory.ts';
import { builtIndexes } from '../store/builtIndexes.ts';
import { EXACT_BELOW } from '../actions/shared/searchPhotos.ts';
import type { Collection } from '../store/collection.ts';

/** How a search request will run: exactly, or with an approximate index that is already built. */
export interface IndexChoice {
  exact: boolean;
  /** The index spec searched with (`exact` when none). */
  index: string;
  /** Why an approximate index was asked for but not used (not built, or behind the collection). */
  note: string | null;
}

/**
 * Picks the index of a search request. A client may name `Flat` (exact search), an index spec of the
 * operator's list (`deja serve --index`, HNSW32 by default) or one already built in the collection;
 * any other spec is refused, so a client can neither make the server build an index of its choosing
 * nor write index files. The server never builds an index inside a request: when the chosen index is
 * not built, or covers fewer photos than the collection now holds (building or catching up could take
 * minutes), the search is answered exactly (linear in the photos, and bounded by the time limit) and
 * `note` says how to build it (`deja search --index …` once, from the command line).
 * @param encoder - an encoder spec the collection holds (`heldEncoderSpec`)
 * @throws DejaError UNKNOWN_NAME listing the index specs the server accepts
 */
export function chooseSearchIndex(collection: Collection, encoder: string, requested: string, exact: boolean, operatorIndexes: readonly string[]): IndexChoice {
  const spec = requested.trim();
  if (exact || spec === 'Flat') return { exact: true, index: 'exact', note: null };
  const built = operatorIndexes.includes(spec) ? undefined : builtIndexes(collection);
  if (built && !built.some((b) => b.indexSpec === spec)) {
    const accepted = [...new Set(['Flat', ...operatorIndexes, ...built.map((b) => b.indexSpec)])];
    throw new DejaError('UNKNOWN_NAME', `index ${JSON.stringify(spec.slice(0, 80))} is not offered by this server: must be one of [${accepted.join(', ')}]`, {
      hint: 'send exact=true for exact search; the operator chooses the indexes (deja serve --index)',
    });
  }
  // A combination is always searched exactly, and so is a small collection (see searchPhotos).
  if (parseCombinedSpec(encoder).length > 1) return { exact: true, index: 'exact', note: null };
  const matrix = collection.descriptorMatrix(encoder);
  if (matrix.n < EXACT_BELOW) return { exact: true, index: 'exact', note: null };
  const ready = (built ?? builtIndexes(collection)).some((b) => b.encoderSpec === encoder && b.indexSpec === spec && b.dim === matrix.dim && b.rows === matrix.n);
  if (ready) return { exact: false, index: spec, note: null };
  return {
    exact: true,
    index: 'exact',
    note: `the ${spec} index of the ${encoder} descriptors is not built for all ${matrix.n} photos, so this search was exact; build it once with: deja search -c <collection> --encoder "${encoder}" --index "${spec}" <any photo>`,
  };
}
