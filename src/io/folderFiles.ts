/**
 * Small readers for `deja reconstruct` and `deja eval sfm`: a folder's files (one level, sorted) and
 * text files of numbers (a 3 × 3 K.txt, a Strecha `.camera` file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';

/**
 * The regular files directly in a folder (hidden ones passed over), sorted by name.
 *
 * @returns absolute paths with their bare names.
 * @throws DejaError NOT_FOUND when dir is missing or not a folder.
 * @example listFolderFiles('photos'); // [{ path: '/abs/photos/0000.jpg', name: '0000.jpg' }, …]
 */
export function listFolderFiles(dir: string): { path: string; name: string }[] {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new DejaError('NOT_FOUND', 'no such folder', { file: dir, hint: 'pass a folder of photos' });
  return fs.readdirSync(abs, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && (e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(abs, e.name)).isFile())))
    .map((e) => ({ path: path.join(abs, e.name), name: e.name }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The whitespace-separated numbers of a text file, row by row (blank lines and `#` comments skipped).
 *
 * @throws DejaError NOT_FOUND (no such file), BAD_ARGUMENT (a token that is not a number).
 * @example readNumberRows('K.txt'); // [[1379.74, 0, 760.345], [0, 1382.08, 503.405], [0, 0, 1]]
 */
export function readNumberRows(file: string): number[][] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new DejaError('NOT_FOUND', 'no such file', { file });
  const rows = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).map((l) => l.split(/\s+/).map(Number));
  if (rows.some((r) => r.some((x) => !Number.isFinite(x)))) throw new DejaError('BAD_ARGUMENT', 'expected whitespace-separated numbers', { file });
  return rows;
}
