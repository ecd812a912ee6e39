import { TopK } from '../../ann/distances.ts';

/**
 * The k smallest entries of one row of a distance matrix, ascending, skipping excluded columns
 * (a bounded heap: O(n log k)).
 * @param distances `nq * n` row-major
 * @param row query row
 * @param n columns
 * @param k how many (fewer when fewer columns are allowed)
 * @param exclude optional mask, length n: non-zero columns are skipped (leave-one-out, same trip)
 * @returns column indices and distances, ascending (ties keep the lower column)
 */
export function nearestColumns(distances: Float32Array, row: number, n: number, k: number, exclude?: Uint8Array): { columns: Int32Array; distances: Float64Array } {
  const top = new TopK(1, Math.max(1, k));
  const o = row * n;
  for (let j = 0; j < n; j++) {
    if (exclude && exclude[j]) continue;
    const d = distances[o + j];
    if (d <= top.threshold(0)) top.push(0, d, j);
  }
  const nn = top.finish();
  let count = 0;
  while (count < nn.k && nn.labels[count] >= 0) count++;
  return { columns: nn.labels.slice(0, count), distances: Float64Array.from(nn.distances.subarray(0, count)) };
}
