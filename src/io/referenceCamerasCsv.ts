/**
 * A CSV of reference cameras, one row per photo: `file`, the camera centre `cx,cy,cz` and the
 * camera-to-world rotation `r11 … r33` (row-major, COLMAP axes: x right, y down, z forward), as
 * ../shared/data/statue-of-liberty/reference_cameras.csv holds. Other columns are ignored.
 */
import { DejaError } from '../core/errors.ts';
import { column, readCsv } from './csv.ts';

/** One reference camera. */
export interface ReferenceCamera {
  file: string;
  /** Camera centre in the reference world (arbitrary units). */
  centre: [number, number, number];
  /** Camera-to-world rotation, 9 values row-major. */
  camToWorld: number[];
}

const ROTATION = ['r11', 'r12', 'r13', 'r21', 'r22', 'r23', 'r31', 'r32', 'r33'];

/**
 * Reads the reference cameras.
 *
 * @param file - the CSV path.
 * @returns one camera per row, in file order.
 * @throws DejaError NOT_FOUND (no file), BAD_ARGUMENT (a missing column, a non-number, a rotation that is not orthonormal).
 * @example const cams = readReferenceCamerasCsv('statue-of-liberty/reference_cameras.csv'); // cams[0].file, cams[0].centre
 */
export function readReferenceCamerasCsv(file: string): ReferenceCamera[] {
  const csv = readCsv(file);
  const need = ['file', 'cx', 'cy', 'cz', ...ROTATION];
  const at = need.map((n) => column(csv, n));
  const absent = need.filter((_, k) => at[k] < 0);
  if (absent.length) throw new DejaError('BAD_ARGUMENT', `reference camera CSV lacks the column${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`, { file, hint: `header: ${need.join(',')}` });
  return csv.rows.map(({ line, cells }) => {
    const values = at.slice(1).map((k) => Number(cells[k]));
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DejaError('BAD_ARGUMENT', `line ${line}: expected a number for ${need[bad + 1]} but found '${cells[at[bad + 1]] ?? ''}'`, { file });
    const R = values.slice(3);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const dot = R[a] * R[b] + R[3 + a] * R[3 + b] + R[6 + a] * R[6 + b];
        if (Math.abs(dot - (a === b ? 1 : 0)) > 1e-3) throw new DejaError('BAD_ARGUMENT', `line ${line}: the rotation r11 … r33 is not orthonormal`, { file });
      }
    }
    return { file: cells[at[0]].trim(), centre: [values[0], values[1], values[2]], camToWorld: R };
  });
}
