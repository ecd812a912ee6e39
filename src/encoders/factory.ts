import { DejaError } from '../core/errors.ts';
import type { Encoder } from './encoder.ts';
import { encoderFactory } from './registry.ts';

/**
 * Parses one encoder spec: `name` or `name(key=value,key=value)`, e.g. `gist`, `tiny(size=16)`,
 * `cnn(model=models/x.onnx,size=64)`. Values may not contain `,` `(` `)`.
 */
export function parseEncoderSpec(spec: string): { name: string; options: Record<string, string> } {
  const m = /^\s*([a-z][a-z0-9-]*)\s*(?:\((.*)\))?\s*$/i.exec(spec);
  if (!m) throw new DejaError('BAD_ARGUMENT', `cannot parse encoder spec "${spec}"`, { hint: 'write name or name(key=value,...), e.g. gist or tiny(size=16)' });
  const options: Record<string, string> = {};
  if (m[2] !== undefined && m[2].trim() !== '') {
    for (const part of m[2].split(',')) {
      const kv = /^\s*([a-z][a-z0-9_]*)\s*=\s*([^()]*?)\s*$/i.exec(part);
      if (!kv) throw new DejaError('BAD_ARGUMENT', `cannot parse option "${part}" in encoder spec "${spec}"`, { hint: 'options are key=value' });
      options[kv[1]] = kv[2];
    }
  }
  return { name: m[1], options };
}

/** Builds an encoder from a spec string; unknown names and options are refused with the valid ones listed. */
export function createEncoder(spec: string): Encoder {
  const { name, options } = parseEncoderSpec(spec);
  const factory = encoderFactory(name);
  for (const key of Object.keys(options))
    if (!factory.options.includes(key))
      throw new DejaError('BAD_ARGUMENT', `unknown option "${key}" for encoder ${name}: must be one of [${factory.options.join(', ')}]`);
  return factory.create(options);
}

/**
 * `createEncoder` behind a promise, for the callers written when a cnn encoder learned its dimension on
 * a first run. Every encoder now knows `dim` at creation (the cnn encoder from its model card or the
 * ONNX graph's output shape), so this runs nothing.
 * @deprecated call `createEncoder`
 */
export async function createEncoderResolved(spec: string): Promise<Encoder> {
  return createEncoder(spec);
}

/** One part of a combined spec with its weight. */
export interface WeightedSpec {
  spec: string;
  weight: number;
}

/**
 * Parses a combined spec `gist+tiny+lab-hist:w=2,1,1` (weights default to 1) into its parts.
 * Parentheses protect `+` and `:` inside an encoder's own options.
 */
export function parseCombinedSpec(text: string): WeightedSpec[] {
  const [body, weightPart] = splitOutside(text, ':', 1);
  const specs = splitOutside(body, '+').map((s) => s.trim());
  if (specs.some((s) => s === '')) throw new DejaError('BAD_ARGUMENT', `empty encoder in "${text}"`, { hint: 'write e.g. gist+tiny:w=2,1' });
  let weights = specs.map(() => 1);
  if (weightPart !== undefined) {
    const m = /^\s*w\s*=\s*(.*)$/.exec(weightPart);
    const w = m ? m[1].split(',').map(Number) : [];
    if (!m || w.length !== specs.length || w.some((x) => !Number.isFinite(x) || x < 0))
      throw new DejaError('BAD_ARGUMENT', `Expected ${specs.length} non-negative weights after ":w=" in "${text}"`, { hint: 'write e.g. gist+tiny:w=2,1' });
    weights = w;
  }
  return specs.map((spec, i) => ({ spec, weight: weights[i] }));
}

function splitOutside(text: string, sep: string, max = Infinity): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === sep && depth === 0 && parts.length < max) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
