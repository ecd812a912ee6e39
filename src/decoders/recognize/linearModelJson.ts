import { z } from 'zod';
import { DejaError } from '../../core/errors.ts';
import { LINEAR_LOSSES } from './linearLoss.ts';
import type { LinearModel } from './linearModel.ts';

/** The `format` field of a saved linear model, and the layout version this code reads and writes. */
export const LINEAR_MODEL_FORMAT = 'deja-linear-classifier';
export const LINEAR_MODEL_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'a finite number');

const ProvenanceSchema = z.object({
  descriptor: z.object({ spec: z.string().min(1), version: z.number().int() }),
  lambda: z.number().min(0),
  learningRate: z.number().positive(),
  chosenOnValidation: z.object({ lambda: z.boolean(), learningRate: z.boolean() }),
  momentum: z.number().min(0).max(1),
  lrDecay: z.number().positive(),
  batchSize: z.number().int().positive(),
  epochs: z.number().int().positive(),
  seed: z.number().int(),
  trainPhotos: z.number().int().positive(),
  source: z.array(z.string()),
  validation: z.object({ photos: z.number().int().positive(), accuracy: z.number().min(0).max(1) }).nullable(),
  trainedAt: z.string(),
});

const ModelFileSchema = z.object({
  format: z.literal(LINEAR_MODEL_FORMAT),
  version: z.literal(LINEAR_MODEL_VERSION),
  loss: z.enum(LINEAR_LOSSES),
  classes: z.array(z.string().min(1)).min(2),
  dim: z.number().int().positive(),
  provenance: ProvenanceSchema,
  standardization: z.object({ mean: z.array(finite), std: z.array(z.number().positive()) }),
  /** One row of `dim` weights per class, on standardised features. */
  weights: z.array(z.array(finite)),
  bias: z.array(finite),
});

/**
 * A linear model as JSON text: its loss, classes, provenance (descriptor spec and version, λ, η₀, epochs,
 * seed, training photos, validation), the standardisation, and W (one row per class) and b as plain
 * numbers (JavaScript's shortest round-trip form, so saving and loading is exact).
 * @example fs.writeFileSync('model.json', linearModelToJson(model))
 */
export function linearModelToJson(model: LinearModel): string {
  const D = model.dim;
  const file: z.input<typeof ModelFileSchema> = {
    format: LINEAR_MODEL_FORMAT,
    version: LINEAR_MODEL_VERSION,
    loss: model.loss,
    classes: model.classes,
    dim: D,
    provenance: model.provenance,
    standardization: { mean: Array.from(model.standardization.mean), std: Array.from(model.standardization.std) },
    weights: model.classes.map((_, c) => Array.from(model.weights.subarray(c * D, (c + 1) * D))),
    bias: Array.from(model.bias),
  };
  return JSON.stringify(file) + '\n';
}

/**
 * Reads a model saved by {@link linearModelToJson}, checking its format, version, fields and sizes.
 * @param text the file's contents
 * @param file its path, for the message
 * @throws DejaError BAD_ARGUMENT (not JSON, not a Deja linear model, a missing or malformed field, sizes that disagree)
 */
export function parseLinearModel(text: string, file: string): LinearModel {
  const hint = 'pass a model written by `deja train-linear --out model.json` (train it again if it was edited or truncated)';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DejaError('BAD_ARGUMENT', `not a JSON file (${(e as Error).message})`, { file, hint });
  }
  if ((json as { format?: unknown })?.format !== LINEAR_MODEL_FORMAT)
    throw new DejaError('BAD_ARGUMENT', `not a Deja linear model: its "format" is ${JSON.stringify((json as { format?: unknown })?.format ?? null)}, expected "${LINEAR_MODEL_FORMAT}"`, { file, hint });
  const r = ModelFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DejaError('BAD_ARGUMENT', `malformed linear model: ${issue.path.map(String).join('.') || '(file)'}: ${issue.message}`, { file, hint });
  }
  const m = r.data;
  const C = m.classes.length;
  const bad = (what: string) => new DejaError('BAD_ARGUMENT', `malformed linear model: ${what}`, { file, hint });
  if (m.weights.length !== C || m.weights.some((row) => row.length !== m.dim)) throw bad(`weights must be ${C} rows of ${m.dim} numbers`);
  if (m.bias.length !== C) throw bad(`bias must have ${C} numbers, one per class`);
  if (m.standardization.mean.length !== m.dim || m.standardization.std.length !== m.dim) throw bad(`standardization mean and std must have ${m.dim} numbers each`);
  if (new Set(m.classes).size !== C) throw bad('class names repeat');
  const weights = new Float64Array(C * m.dim);
  m.weights.forEach((row, c) => weights.set(row, c * m.dim));
  return {
    loss: m.loss,
    classes: m.classes,
    dim: m.dim,
    weights,
    bias: Float64Array.from(m.bias),
    standardization: { mean: Float64Array.from(m.standardization.mean), std: Float64Array.from(m.standardization.std) },
    provenance: m.provenance,
  };
}
