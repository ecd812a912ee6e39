import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { consoleProgress, silentProgress, type Progress } from '../core/progress.ts';
import { Collection } from '../store/collection.ts';

/** The collection folder: `--collection`, else `$DEJA_COLLECTION`, else `./deja-collection`. */
export function collectionDir(opts: { collection?: string }): string {
  return path.resolve(opts.collection ?? process.env.DEJA_COLLECTION ?? 'deja-collection');
}

export function openCollection(opts: { collection?: string }, create = false): Collection {
  return Collection.open(collectionDir(opts), { create });
}

/** Adds `--collection <dir>` to a command. */
export function withCollection(cmd: Command): Command {
  return cmd.option('-c, --collection <dir>', 'collection folder (default: $DEJA_COLLECTION or ./deja-collection)');
}

/** Progress bar on a terminal, plain lines otherwise, nothing with --json or --quiet. */
export function progressFor(opts: { json?: boolean; quiet?: boolean }): Progress {
  return opts.json || opts.quiet ? silentProgress : consoleProgress();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Parses a number option with a message that names the option, the expected and the received value. */
export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new DejaError('BAD_ARGUMENT', `Expected integer between ${min} and ${max} for ${name} but received ${JSON.stringify(value)}`);
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new DejaError('BAD_ARGUMENT', `Expected number between ${min} and ${max} for ${name} but received ${JSON.stringify(value)}`);
    return n;
  };
}

export function jsonOption(): Option {
  return new Option('--json', 'print the result as JSON on stdout');
}

/** zod error → DejaError naming the field. */
export function parseOptions<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new DejaError('BAD_ARGUMENT', `invalid option ${issue.path.join('.') || '(options)'}: ${issue.message}`);
}

/** `--exclude-self`, the same on search, classify and locate. */
export function excludeSelfOption(defaultOn = false): Option {
  return new Option('--exclude-self', `leave the photo out of its neighbours when it is itself in the collection (found by content)${defaultOn ? '; on by default, --no-exclude-self keeps it' : ''}`);
}

/** The one line search, classify and locate print (on stderr) when the query photo is itself in the collection. */
export function selfInCollectionNote(r: { selfInCollection: { id: number; path: string } | null; excludedSelf: boolean }): void {
  if (!r.selfInCollection) return;
  const what = `the photo is itself in the collection (#${r.selfInCollection.id} ${r.selfInCollection.path})`;
  process.stderr.write(`deja: note: ${what}; ${r.excludedSelf ? 'it was left out of its neighbours' : 'it is among its neighbours (--exclude-self leaves it out)'}\n`);
}
