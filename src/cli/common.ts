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
  /** A boolean field (a flag: `--exact`, or `--no-mirror` when it is on by default). */
  boolean?: boolean;
  /** An array of strings (a comma list on the command line). */
  list?: boolean;
}

/** What a zod object field says about itself: description, default, enum values, number bounds, flag or list. */
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
  if (t instanceof z.ZodNumber) facts.number = numberBounds(t);
  if (t instanceof z.ZodBoolean) facts.boolean = true;
  if (t instanceof z.ZodArray && t.element instanceof z.ZodString) facts.list = true;
  return facts;
}

/** A number schema's bounds as the CLI checks them: an integer's `.positive()` (> 0) is "at least 1"; the safe-integer range is no bound. */
function numberBounds(t: z.ZodNumber): { int: boolean; min: number; max: number } {
  const int = t.isInt;
  let min = t.minValue ?? -Infinity;
  let max = t.maxValue ?? Infinity;
  const checks = ((t.def as { checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean } } }[] }).checks ?? []).map((c) => c._zod.def);
  if (int && checks.some((c) => c.check === 'greater_than' && c.value === min && c.inclusive === false)) min = Math.floor(min) + 1;
  if (int && checks.some((c) => c.check === 'less_than' && c.value === max && c.inclusive === false)) max = Math.ceil(max) - 1;
  if (min <= Number.MIN_SAFE_INTEGER) min = -Infinity;
  if (max >= Number.MAX_SAFE_INTEGER) max = Infinity;
  return { int, min, max };
}

/** How `schemaOption` maps a field to the command line, where it cannot say so itself. */
export interface SchemaOptionExtra {
  /**
   * The flag counts in a larger unit than the field: the field's value is the flag's times `unit`
   * (`--max-upload-mb` for `maxUploadBytes`: unit 2^20). The default and bounds shown are the
   * field's, divided by it; the caller multiplies the value it parsed.
   */
  unit?: number;
}

/**
 * A commander option for one field of a task's options schema: its default, its choices (an enum's
 * values, e.g. a method registry's names) and its number bounds come from the schema, so the CLI never
 * re-declares them; the description too, unless a shorter one for `--help` is given. A boolean field
 * is a flag whose polarity is its default (`--exact` for a field off by default, `--no-mirror` for one
 * on by default: refused otherwise); an array of strings is a comma list (commas inside parentheses
 * stay, as in `cnn(model=a.onnx,size=64)`), shown with its default as `gist,tiny`.
 * @example cmd.addOption(schemaOption(CompleteOptions, 'k', '-k, --k <n>', 'number of ranked completions'))
 * @example cmd.addOption(schemaOption(ServeOptions, 'maxUploadBytes', '--max-upload-mb <mb>', 'largest upload per file, MiB', { unit: 2 ** 20 }))
 */
export function schemaOption(schema: z.ZodObject, field: string, flags: string, description?: string, extra: SchemaOptionExtra = {}): Option {
  const facts = schemaField(schema, field);
  const option = new Option(flags, description ?? facts.description ?? '');
  const name = option.long ?? flags;
  if (facts.boolean) {
    const on = facts.defaultValue === true;
    if (option.negate !== on || option.required || option.optional) throw new Error(`assertion failed: ${field} is ${on ? 'on' : 'off'} by default, so its flag is ${on ? '--no-…' : 'a plain --…'}, not ${flags}`);
    return option; // the flag's polarity is the default; unset, the schema's default applies
  }
  if (facts.choices) option.choices(facts.choices);
  const unit = extra.unit ?? 1;
  if (facts.number) {
    const { int, min, max } = facts.number;
    option.argParser(int ? intOption(name, Math.ceil(min / unit), Math.floor(max / unit)) : numberOption(name, min / unit, max / unit));
  }
  if (facts.list) option.argParser(splitList);
  if (facts.defaultValue === undefined) return option;
  if (facts.list) {
    const list = facts.defaultValue as string[];
    if (list.length) option.default(list, list.join(','));
  } else option.default(typeof facts.defaultValue === 'number' ? facts.defaultValue / unit : facts.defaultValue);
  return option;
}

/** Splits `gist,tiny(size=16),cnn(model=a.onnx,size=64)` on commas outside parentheses. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
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
