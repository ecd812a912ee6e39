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
      throw new DejaError('BAD_ARGUMENT', `Expected ${range('integer', min, max)} for ${name} but received ${JSON.stringify(value)}`);
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new DejaError('BAD_ARGUMENT', `Expected ${range('number', min, max)} for ${name} but received ${JSON.stringify(value)}`);
    return n;
  };
}

/** "integer between 1 and 200", "number of at least 0", … */
function range(kind: string, min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `${kind} between ${min} and ${max}`;
  if (Number.isFinite(min)) return `${kind} of at least ${min}`;
  if (Number.isFinite(max)) return `${kind} of at most ${max}`;
  return kind;
}

export function jsonOption(): Option {
  return new Option('--json', 'print the result as JSON on stdout');
}

interface FieldFacts {
  description?: string;
  defaultValue?: unknown;
  choices?: string[];
  number?: { int: boolean; min: number; max: number };
}

/** What a zod object field says about itself: description, default, enum values, number bounds. */
export function schemaField(schema: z.ZodObject, field: string): FieldFacts {
  let t = schema.shape[field] as z.ZodType | undefined;
  if (!t) throw new Error(`schema has no field ${field}`);
  const facts: FieldFacts = { description: t.description };
  for (;;) {
    const def = t.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') facts.defaultValue = def.defaultValue;
    if (!def.innerType || !['default', 'optional', 'prefault', 'nullable'].includes(def.type)) break;
    t = def.innerType;
    facts.description ??= t.description;
  }
  if (t instanceof z.ZodEnum) facts.choices = t.options.map(String);
  if (t instanceof z.ZodNumber) facts.number = { int: t.isInt, min: t.minValue ?? -Infinity, max: t.maxValue ?? Infinity };
  return facts;
}

/**
 * A commander option for one field of a task's options schema: its default, its choices (an enum's
 * values, e.g. a method registry's names) and its number bounds come from the schema, so the CLI never
 * re-declares them; the description too, unless a shorter one for `--help` is given.
 * @example cmd.addOption(schemaOption(CompleteOptions, 'k', '-k, --k <n>', 'number of ranked completions'))
 */
export function schemaOption(schema: z.ZodObject, field: string, flags: string, description?: string): Option {
  const facts = schemaField(schema, field);
  const option = new Option(flags, description ?? facts.description ?? '');
  const name = option.long ?? flags;
  if (facts.choices) option.choices(facts.choices);
  if (facts.number) {
    const { int, min, max } = facts.number;
    option.argParser(int ? intOption(name, min, max) : numberOption(name, min, max));
  }
  if (facts.defaultValue !== undefined) option.default(facts.defaultValue);
  return option;
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
