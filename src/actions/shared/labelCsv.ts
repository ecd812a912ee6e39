import path from 'node:path';
import { DejaError } from '../../core/errors.ts';
import { readCsv, column } from '../../io/csv.ts';

/** The (file, label) rows of a labels CSV and the folder its relative paths start from. */
export function readLabelCsv(file: string): { entries: [string, string][]; base: string } {
  const csv = readCsv(file);
  const fi = column(csv, 'file', 'path', 'member', 'filename');
  const li = column(csv, 'label', 'category', 'class');
  if (fi < 0 || li < 0)
    throw new DejaError('BAD_ARGUMENT', `labels CSV needs a file column and a label column, found [${csv.header.join(', ')}]`, {
      file,
      hint: 'name the columns file,label (member and category also work)',
    });
  const entries = csv.rows.filter((r) => r.cells[fi]?.trim() && r.cells[li]?.trim()).map((r) => [r.cells[fi].trim(), r.cells[li].trim()] as [string, string]);
  return { entries, base: path.dirname(path.resolve(file)) };
}
