import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';
import path from 'node:path';

/**
 * The shared photo sets (`cifar10/test.tar.gz`, `intel-scenes/train.tar.gz`, …): `$DEJA_DATA`, else the
 * `shared/data` folder beside a clone of the repository (`../shared/data`, where `npm start` finds them).
 */
export function sharedDataDir(): string {
  return path.resolve(process.env.DEJA_DATA ?? path.join(import.meta.dirname, '..', '..', '..', 'shared', 'data'));
}

/**
 * The data set a model card's `split` names, e.g. `"cifar10/test.tar.gz (10,000 images)"`: its first word,
 * when it is a relative path (`set/file` or `set/folder`) below the shared data folder.
 * @returns the set's relative path and where it would be, and whether it is there; undefined when the split names no such path
 * @example sharedSplit('cifar10/test.tar.gz (10,000 images)') // { name: 'cifar10/test.tar.gz', path: '/…/shared/data/cifar10/test.tar.gz', exists: true }
 */
export function sharedSplit(split: string | undefined): { name: string; path: string; exists: boolean } | undefined {
  const name = split?.trim().split(/\s+/)[0];
  if (!name || path.isAbsolute(name) || !/^[\w.-]+(\/[\w.-]+)+$/.test(name) || name.split('/').includes('..')) return undefined;
  const full = path.join(sharedDataDir(), ...name.split('/'));
  return { name, path: full, exists: fs.existsSync(full) };
}

/**
 * The members of a held-out split that is a subset of a set (a card's `splitMembers` file): one path per
 * line, as the set lists them (archive member names, or paths below the folder); blank lines ignored.
 * @throws DejaError NOT_FOUND when the file is missing (the hint names the command that writes it)
 */
export function readSplitMembers(file: string, rebuild: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DejaError('NOT_FOUND', `the list of held-out photos ${path.basename(file)} is missing`, { file, hint: `rebuild it with: ${rebuild}` });
  }
  return new Set(text.split('\n').map((l) => l.trim()).filter(Boolean));
}
