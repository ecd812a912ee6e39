import { assert } from '../core/errors.ts';
import type { LinearOperator } from './conjugateGradient.ts';

/**
 * A sparse matrix in compressed sparse row form: row i's entries are `values[rowStart[i] … rowStart[i + 1] − 1]`
 * in columns `columns[…]` (same range).
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** `rows + 1` offsets, non-decreasing, `rowStart[0] = 0`, `rowStart[rows] = nnz`. */
  readonly rowStart: Int32Array;
  /** `nnz` column indices. */
  readonly columns: Int32Array;
  /** `nnz` values. */
  readonly values: Float64Array;
}

/**
 * Builds a CSR matrix from (row, column, value) triplets; duplicates are summed.
 *
 * @param triplets - `[row, column, value]` entries, any order.
 * @example csrFromTriplets(2, 2, [[0, 0, 2], [1, 1, 3], [0, 1, -1], [1, 0, -1]]);
 */
export function csrFromTriplets(rows: number, cols: number, triplets: readonly (readonly [number, number, number])[]): CsrMatrix {
  const sorted = [...triplets].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const counts = new Int32Array(rows + 1);
  const columns: number[] = [];
  const values: number[] = [];
  let prevRow = -1, prevCol = -1;
  for (const [i, j, v] of sorted) {
    assert(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < rows && j >= 0 && j < cols, `csrFromTriplets: entry (${i}, ${j}) inside ${rows} × ${cols}`);
    if (i === prevRow && j === prevCol) {
      values[values.length - 1] += v;
      continue;
    }
    columns.push(j);
    values.push(v);
    counts[i + 1]++;
    prevRow = i;
    prevCol = j;
  }
  for (let i = 0; i < rows; i++) counts[i + 1] += counts[i];
  return { rows, cols, rowStart: counts, columns: Int32Array.from(columns), values: Float64Array.from(values) };
}

/** `out = A v` (out has `rows` values, v `cols`). */
export function csrMultiply(a: CsrMatrix, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) s += a.values[e] * v[a.columns[e]];
    out[i] = s;
  }
}

/** A as the callback `conjugateGradient` takes. */
export function csrOperator(a: CsrMatrix): LinearOperator {
  return (v, out) => csrMultiply(a, v, out);
}

/** The diagonal of a square CSR matrix (0 where no entry is stored). */
export function csrDiagonal(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) for (let e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) if (a.columns[e] === i) d[i] += a.values[e];
  return d;
}
