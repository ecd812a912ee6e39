import fs from 'node:fs';
import path from 'node:path';
import { DejaError } from '../core/errors.ts';

/** Formats an output file can be written in, by what it holds. */
export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'svg' | 'json';

/** Extensions each kind of output file accepts (sharp writes these; .bmp and .tiff it cannot or we do not). */
export const OUTPUT_EXTENSIONS = {
  /** A result image (`colorize --out`). */
  image: { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.gif': 'gif' },
  /** A contact sheet (`--sheet`). */
  sheet: { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png' },
  /** A map (`locate --map`). */
  map: { '.png': 'png' },
  /** A trained model (`train-linear --out`). */
  model: { '.json': 'json' },
} as const satisfies Record<string, Record<string, OutputFormat>>;

export type OutputKind = keyof typeof OUTPUT_EXTENSIONS;

/**
 * Checks an output file option before any work is done: its extension names a format this kind of
 * output can be written in, its folder exists (it is never created), and it is not itself a folder.
 * @param file the path as the user gave it
 * @param option the option's name for the message, e.g. `--sheet`
 * @param kind what the file will hold, which fixes the accepted extensions
 * @returns the format to write
 * @throws DejaError BAD_ARGUMENT (unsupported extension, a folder), NOT_FOUND (the folder does not exist)
 * @example checkOutputFile('out/s.jpg', '--sheet', 'sheet') // 'jpeg'
 */
export function checkOutputFile(file: string, option: string, kind: OutputKind): OutputFormat {
  const table: Record<string, OutputFormat> = OUTPUT_EXTENSIONS[kind];
  const ext = path.extname(file).toLowerCase();
  const format = table[ext];
  if (!format)
    throw new DejaError('BAD_ARGUMENT', `${option} cannot write ${ext ? `"${ext}" files` : 'a file without an extension'}`, {
      file,
      hint: `use one of ${Object.keys(table).join(', ')}`,
    });
  const dir = path.dirname(path.resolve(file));
  if (!isDirectory(dir)) throw new DejaError('NOT_FOUND', `the folder of ${option} does not exist`, { file: dir, hint: 'create it first, or write into an existing folder' });
  if (isDirectory(path.resolve(file))) throw new DejaError('BAD_ARGUMENT', `${option} names a folder, not a file`, { file, hint: 'give a file name inside it' });
  return format;
}

/**
 * Writes bytes to an output file checked by `checkOutputFile`.
 * @throws DejaError IO_ERROR (unwritable folder, full disk)
 */
export function writeOutputFile(file: string, bytes: Buffer | string): void {
  try {
    fs.writeFileSync(file, bytes);
  } catch (e) {
    throw new DejaError('IO_ERROR', 'cannot write the output file', { file, hint: 'check that its folder may be written and that the disk has space', cause: e });
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks an output folder option before any work is done: the folder exists or its parent does (it is
 * then created, one level only), and it is not a file.
 * @throws DejaError NOT_FOUND (no parent folder), BAD_ARGUMENT (a file), IO_ERROR (cannot create it)
 * @example prepareOutputFolder('eval-out', '--out') // '/abs/eval-out', created if missing
 */
export function prepareOutputFolder(dir: string, option: string): string {
  const full = path.resolve(dir);
  if (isDirectory(full)) return full;
  if (fs.existsSync(full)) throw new DejaError('BAD_ARGUMENT', `${option} names a file, not a folder`, { file: full, hint: 'give a folder (it is created when its parent exists)' });
  if (!isDirectory(path.dirname(full))) throw new DejaError('NOT_FOUND', `the parent folder of ${option} does not exist`, { file: path.dirname(full), hint: 'create it first, or write into an existing folder' });
  try {
    fs.mkdirSync(full);
  } catch (e) {
    throw new DejaError('IO_ERROR', `cannot create the ${option} folder`, { file: full, hint: 'check that its parent may be written', cause: e });
  }
  return full;
}
