import { z } from 'zod';
import { DejaError } from '../core/errors.ts';

/**
 * The model manifest, `models/manifest.json`: one card per model file, as a Hugging Face model card
 * would state it (what the model is for, its data, split and measured results) plus what Deja needs to
 * run it (input tensor, normalisation, outputs) and to trust it (sha256, the command that rebuilds it).
 */

/** A tensor dimension: a size, or a symbolic name such as `N` for a dynamic batch. */
const dimension = z.union([z.number().int().positive(), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)]);

export const ModelInputSchema = z
  .object({
    /** Graph input name, e.g. `image`. */
    name: z.string().min(1),
    /** Tensor shape; the batch dimension (first) is `N` when the model takes any batch size, 1 when it takes one photo. */
    shape: z.array(dimension).length(4),
    /** Side of the square the photo is resized (shorter side) and centre-cropped to, in pixels. */
    size: z.number().int().min(8).max(1024),
    /** 3 for RGB, 1 for gray (L). */
    channels: z.union([z.literal(1), z.literal(3)]),
    /** Memory layout of the tensor. */
    layout: z.enum(['NCHW', 'NHWC']),
    /** Per-channel normalisation of values in [0, 1]: `(x - mean) / std`. */
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  })
  .strict();

export const ModelOutputSchema = z
  .object({
    name: z.string().min(1),
    /** Tensor shape, batch first (`N` or 1). */
    shape: z.array(dimension).min(1),
    /** What the values are, e.g. `embedding (L2-normalised by the encoder)`, `logits`. */
    description: z.string().optional(),
  })
  .strict();

export const ModelCardSchema = z
  .object({
    /** Registry name, e.g. `tiny-cnn`; `cnn(model=tiny-cnn)` finds the card by it. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -'),
    /** What the model computes. */
    task: z.enum(['embedding', 'classification', 'colorization', 'inpainting', 'segmentation', 'depth', 'features', 'input-gradient']),
    /** False for a model with untrained (random) weights: it only exercises the model contract. */
    trained: z.boolean(),
    /** File name, relative to the manifest's folder. */
    file: z.string().regex(/^[^/\\]+\.onnx$/, 'a .onnx file name in the manifest folder'),
    input: ModelInputSchema,
    /** Graph inputs fed beside `input`, e.g. an input-gradient graph's `label` [N, C] (float32). */
    extraInputs: z.array(ModelOutputSchema).optional(),
    outputs: z.array(ModelOutputSchema).min(1),
    /** Class names in output order, for classifiers. */
    classes: z.array(z.string()).optional(),
    /** A classifier's input-gradient graph (`deja attack`): the name of its card, task `input-gradient`. */
    gradient: z.string().optional(),
    /** An input-gradient graph's classifier: its card name and the sha256 of the file it was exported from. */
    gradientOf: z
      .object({ model: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits') })
      .strict()
      .optional(),
    /** Hex sha256 of the file; a file that differs is refused. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    /** The command, run from the repository root, that reproduces the file byte for byte. */
    recipe: z.string().min(1),
    /** Training data, the evaluation split, and the results measured on it. */
    data: z.string().optional(),
    split: z.string().optional(),
    /**
     * When the held-out split is a subset of the set `split` names (a seeded share of one archive): a
     * text file beside the manifest listing its members, one path per line as they appear in the set
     * (the archive member name, or the path below the folder). `deja eval classify --model` then
     * evaluates exactly those.
     */
    splitMembers: z.string().regex(/^[^/\\]+\.txt$/, 'a .txt file name in the manifest folder').optional(),
    metrics: z.record(z.string(), z.number()).optional(),
    /** Intended use and limitations. */
    notes: z.string().optional(),
  })
  .strict()
  .superRefine((card, ctx) => {
    const { input } = card;
    for (const key of ['mean', 'std'] as const)
      if (input[key].length !== input.channels)
        ctx.addIssue({ code: 'custom', path: ['input', key], message: `Expected ${input.channels} values but received ${input[key].length}` });
    const [, a, b, c] = input.shape;
    const expected = input.layout === 'NCHW' ? [input.channels, input.size, input.size] : [input.size, input.size, input.channels];
    const got = [a, b, c];
    if (got.some((d, i) => typeof d === 'number' && d !== expected[i]))
      ctx.addIssue({ code: 'custom', path: ['input', 'shape'], message: `Expected [N, ${expected.join(', ')}] for ${input.layout} but received [${input.shape.join(', ')}]` });
    const names = card.outputs.map((o) => o.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['outputs'], message: 'output names repeat' });
  });

export const ManifestSchema = z
  .object({
    version: z.literal(1),
    models: z.array(ModelCardSchema),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.models.forEach((card, i) => {
      if (seen.has(card.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `model name ${card.name} repeats` });
      seen.add(card.name);
    });
  });

export type ModelInput = z.infer<typeof ModelInputSchema>;
export type ModelOutput = z.infer<typeof ModelOutputSchema>;
export type ModelCard = z.infer<typeof ModelCardSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/**
 * Validates a parsed `manifest.json`.
 * @param value the parsed JSON
 * @param file the manifest's path, for the message
 * @throws DejaError BAD_ARGUMENT naming the first invalid field, e.g. `models.0.sha256`
 * @example parseManifest(JSON.parse(text), 'models/manifest.json').models[0].name // 'tiny-cnn'
 */
export function parseManifest(value: unknown, file: string): Manifest {
  const r = ManifestSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new DejaError('BAD_ARGUMENT', `invalid model manifest field ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
    file,
    hint: 'each card needs name, task, trained, file, input, outputs, sha256 and recipe (see models/README.md)',
  });
}
