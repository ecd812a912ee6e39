import { assert } from '../core/errors.ts';
import type { DescriptorMatrix } from './collection.ts';

/** Several encoders' descriptors over the photos that have all of them, in photo-id order. */
export interface CommonDescriptors {
  /** Photo id of each common row, ascending. */
  photoIds: Int32Array;
  /** Common rows. */
  n: number;
  /** One matrix per spec, in the order asked: `n * dim` rows aligned with `photoIds`. */
  parts: DescriptorMatrix[];
  /** Photos (among those kept by the filter) that have some of these descriptors but not all: left out. */
  leftOut: number;
}

/**
 * The rows of several descriptor matrices for the photos present in all of them, in photo-id order, so
 * that anything computed over the result depends on the photos, not on the order their rows were
 * written in. A matrix whose rows already are those photos in that order is returned as it is (no copy).
 *
 * @param matrices - one per encoder (at least one), each with its own row order.
 * @param keep - optional filter on photo ids (geotagged photos, labelled photos).
 * @returns the common rows and the number of photos left out because a descriptor was missing.
 * @example
 * const common = commonDescriptorRows([gist, tiny]); // common.parts[1].data row r is tiny of common.photoIds[r]
 */
export function commonDescriptorRows(matrices: readonly DescriptorMatrix[], keep?: (photoId: number) => boolean): CommonDescriptors {
  assert(matrices.length > 0, 'commonDescriptorRows: at least one matrix');
  const rowMaps = matrices.map((m) => {
    const map = new Map<number, number>();
    for (let r = 0; r < m.n; r++) map.set(m.photoIds[r], r);
    return map;
  });
  const union = new Set<number>();
  for (const m of matrices) for (const id of m.photoIds) if (!keep || keep(id)) union.add(id);
  const photoIds = Int32Array.from([...union].filter((id) => rowMaps.every((map) => map.has(id)))).sort();
  const n = photoIds.length;
  const parts = matrices.map((m, i) => {
    const rows = Int32Array.from(photoIds, (id) => rowMaps[i].get(id)!);
    return { spec: m.spec, dim: m.dim, n, photoIds, data: gather(m, rows) };
  });
  return { photoIds, n, parts, leftOut: union.size - n };
}

/** The given rows of a matrix, in that order (a view when they are its first rows in order). */
function gather(m: DescriptorMatrix, rows: Int32Array): Float32Array {
  if (rows.every((r, i) => r === i)) return m.data.subarray(0, rows.length * m.dim);
  const out = new Float32Array(rows.length * m.dim);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * m.dim, (rows[i] + 1) * m.dim), i * m.dim);
  return out;
}
